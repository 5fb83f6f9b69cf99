"""What a procurement officer new to hrdd stumbled on when walking from the risks to the contract (issue 10's
timed walkthrough), each fixed and kept fixed here."""

import pytest
from django.urls import reverse

from hrdd.tenders.services import tender_create
from tests.html import document


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def tender(buyer):
    return tender_create(
        actor=buyer, title="Notebooks 2027", scenario=2, weights={"price": 60, "AC3": 20, "AC4": 20}
    )


def test_the_tender_page_opens_with_the_tenders_title_and_the_way_to_its_bids(logged_in, tender):
    # when
    page = document(logged_in.get(tender.get_absolute_url()))

    # then: the page says which tender it is before anything else, not only the annex further down
    headings = page.find_all("h1")
    assert headings[0].text == "Notebooks 2027"
    assert headings[0].get("id") == "tender-title"
    # and the next steps are named at the top, with the link to the bids (not only at the foot of the page)
    next_step = page.by_id("tender-next")
    assert next_step.text.startswith("Scenario 2: medium market maturity.")
    links = [a.get("href") for a in next_step.find_all("a")]
    assert links == [reverse("tenders:bids", args=[tender.public_id])]
