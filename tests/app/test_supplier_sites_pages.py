"""The site registry's pages: the registry with its filters and map, a site, one row of a list, the review queue,
the group tree and the upload with its progress; walls between organisations, writers only for writes."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.core.errors import InputError
from hrdd.core.models import TaskRun
from hrdd.core.tasks import run_queued_tasks
from hrdd.domain.companies import normalise_company_name
from hrdd.supplier_sites import services
from hrdd.supplier_sites.models import (
    MatchDecision,
    MentionStatus,
    Site,
    SiteGroup,
    SiteImport,
    SiteMention,
    SiteMerge,
)
from hrdd.supplier_sites.services import Verdict
from hrdd.supplier_sites.sitefiles import ListedRecord
from tests.factories import ContractFactory, SiteFactory, UserFactory

DAY = dt.date(2027, 2, 1)


def record(name, country="MYS", address="1 Industrial Road", **more):
    return ListedRecord(name=name, country_iso3=country, address=address, **more)


def upload(user, *records, contract=None):
    return services.mentions_record(
        organisation=user.organisation,
        records=list(records),
        source=SiteMention.Source.IMPORT,
        mentioned_on=DAY,
        actor=user,
        contract=contract,
    )


def upload_for_review(user, records, site):
    """Rows an unsure engine sends to review, with `site` as their one candidate."""
    verdicts = [
        Verdict(
            v.record,
            v.fingerprint,
            MentionStatus.REVIEW,
            None,
            0.7,
            "close name",
            [
                {
                    "site": str(site.public_id),
                    "name": site.name,
                    "score": 0.7,
                    "agreements": [
                        {"field": "name", "level": "close", "weight": 2.5, "detail": "two words alike"},
                        {"field": "address", "level": "differs", "weight": -1.5, "detail": ""},
                    ],
                }
            ],
        )
        for v in services.match_listed(records)
    ]
    return services.mentions_record(
        organisation=user.organisation,
        records=records,
        source=SiteMention.Source.IMPORT,
        mentioned_on=DAY,
        actor=user,
        verdicts=verdicts,
    )


@pytest.fixture
def penang(buyer, municipality):
    contract = ContractFactory(organisation=municipality, title="Notebooks 2027")
    upload(
        buyer,
        record("Penang Assembly Sdn Bhd", site_type="final assembly", products="notebooks"),
        contract=contract,
    )
    return Site.objects.get()


def page(client, user, url, **data):
    client.force_login(user)
    return client.get(url, data)


# the registry


def test_the_registry_lists_the_sites_with_the_map_and_exports(client, buyer, penang):
    response = page(client, buyer, reverse("supplier_sites:registry"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Penang Assembly Sdn Bhd" in html
    assert 'class="chart map"' in html  # the world map, drawn on the server
    assert "Final assembly: 1 site" in html  # the legend in words
    assert reverse("supplier_sites:export", args=["csv"]) in html
    assert 'aria-current="page">Sites</a>' in html  # the header's navigation


def test_the_registry_search_and_filters_narrow_the_list(client, buyer, municipality, penang):
    upload(buyer, record("Hanoi Cables JSC", country="VNM", site_type="component"))
    registry = reverse("supplier_sites:registry")
    assert "Hanoi Cables" not in page(client, buyer, registry, q="penang").content.decode()
    by_country = page(client, buyer, registry, country="VNM").content.decode()
    assert "Hanoi Cables" in by_country and "Penang Assembly" not in by_country
    by_type = page(client, buyer, registry, site_type="final_assembly").content.decode()
    assert "Penang Assembly" in by_type and "Hanoi Cables" not in by_type
    contract = penang.mentions.get().contract
    by_contract = page(client, buyer, registry, contract=str(contract.public_id)).content.decode()
    assert "Penang Assembly" in by_contract and "Hanoi Cables" not in by_contract


def test_an_unknown_filter_value_is_set_aside_with_a_note(client, buyer, penang):
    response = page(client, buyer, reverse("supplier_sites:registry"), country="XXX", sort="nonsense")
    assert response.status_code == 200
    assert "The list is shown without it." in response.content.decode()


def _many_sites(n):
    group = SiteGroup.objects.create(name="Big Group", normalised_name=normalise_company_name("Big Group"))
    Site.objects.bulk_create(
        Site(
            name=f"Plant {i}",
            normalised_name=normalise_company_name(f"Plant {i}"),
            country_iso3=("MYS", "VNM", "CHN", "MEX")[i % 4],
            site_type=("final_assembly", "component_manufacturing", "")[i % 3],
            latitude=5.0 + i % 10 if i % 2 else None,
            longitude=100.0 + i % 10 if i % 2 else None,
            operator=group if i % 5 == 0 else None,
            other_names=[f"P{i}"],
        )
        for i in range(n)
    )


def _registry_queries(client, buyer, **filters):
    client.force_login(buyer)
    url = reverse("supplier_sites:registry")
    client.get(url, filters)  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, filters)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("filters", [{}, {"q": "plant", "sort": "country"}], ids=["all", "searched"])
def test_the_registry_page_costs_the_same_queries_for_10_and_1000_sites(client, buyer, filters):
    # given 10 sites (each drawn on the map)
    _many_sites(10)
    few = _registry_queries(client, buyer, **filters)
    # when there are 1,000 (past the map's limit: countries shaded instead)
    Site.objects.all().delete()
    SiteGroup.objects.all().delete()
    _many_sites(1000)
    many = _registry_queries(client, buyer, **filters)
    # then the page asks the database as often
    assert few == many


def test_a_big_result_is_mapped_by_country_and_said_so(client, buyer):
    _many_sites(600)
    html = page(client, buyer, reverse("supplier_sites:registry")).content.decode()
    assert "too many to draw one by one" in html
    assert "Malaysia (150)" in html


def test_the_export_gives_the_filtered_sites_as_csv(client, buyer, penang):
    upload(buyer, record("Hanoi Cables JSC", country="VNM"))
    response = page(client, buyer, reverse("supplier_sites:export", args=["csv"]), country="MYS")
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    assert "Penang Assembly Sdn Bhd" in text and "Hanoi Cables" not in text
    assert text.splitlines()[0].startswith("name,address,country,sector")


def test_an_unknown_export_format_is_not_found(client, buyer):
    assert page(client, buyer, reverse("supplier_sites:export", args=["pdf"])).status_code == 404


# a site


def test_the_site_page_shows_our_mentions_contract_and_products(client, buyer, penang):
    html = page(client, buyer, penang.get_absolute_url()).content.decode()
    assert "Notebooks 2027" in html
    assert "notebooks" in html
    assert "New site" in html  # the stored verdict


def test_another_organisation_sees_the_site_but_never_our_mentions(client, outsider, penang):
    response = page(client, outsider, penang.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Penang Assembly Sdn Bhd" in html
    assert "Notebooks 2027" not in html
    assert "1 other organisation using this installation also names this site" in html
    mention = SiteMention.objects.get()
    assert (
        page(client, outsider, reverse("supplier_sites:mention", args=[mention.public_id])).status_code == 404
    )


def test_an_unknown_site_is_not_found(client, buyer):
    assert (
        page(client, buyer, reverse("supplier_sites:site", args=[SiteMerge().public_id])).status_code == 404
    )


def test_a_writer_corrects_a_site(client, buyer, penang):
    client.force_login(buyer)
    data = {
        "name": "Penang Assembly Sdn Bhd",
        "country_iso3": "Malaysia",
        "city": "Bayan Lepas",
        "latitude": "5.3",
        "longitude": "100.28",
        "site_type": "final_assembly",
        "status": "active",
        "seen": penang.updated_at.isoformat(),
    }
    response = client.post(penang.get_absolute_url(), data)
    assert response.status_code == 302
    penang.refresh_from_db()
    assert (penang.city, penang.latitude) == ("Bayan Lepas", 5.3)


def test_a_refused_correction_keeps_what_was_typed_with_the_error_beside_the_field(client, buyer, penang):
    client.force_login(buyer)
    data = {
        "name": "Penang Assembly Sdn Bhd",
        "country_iso3": "Malaysia",
        "city": "Typed city",
        "latitude": "95",
        "longitude": "100",
        "status": "active",
        "seen": penang.updated_at.isoformat(),
    }
    response = client.post(penang.get_absolute_url(), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Typed city"' in html
    assert 'id="id_latitude_error"' in html and "Enter a number from -90 to 90." in html
    penang.refresh_from_db()
    assert penang.city == ""


def test_a_stale_save_is_refused_and_says_why(client, buyer, penang):
    # given the form opened, then someone else saves the site
    seen = penang.updated_at.isoformat()
    services.site_update(actor=buyer, site=penang, city="Changed by someone else")
    client.force_login(buyer)
    data = {"name": "Mine", "country_iso3": "Malaysia", "city": "Mine", "status": "active", "seen": seen}
    # when the older form is sent
    response = client.post(penang.get_absolute_url(), data)
    # then nothing is overwritten and the page says so, keeping the typing
    assert response.status_code == 400
    assert "Someone else changed this record after you opened it" in response.content.decode()
    assert 'value="Mine"' in response.content.decode()
    penang.refresh_from_db()
    assert penang.city == "Changed by someone else"


def test_a_stale_row_correction_keeps_the_typing_and_saves_on_the_second_try(client, buyer, penang):
    mention = SiteMention.objects.get()
    seen = mention.updated_at.isoformat()
    services.mention_correct(actor=buyer, mention=mention, city="Changed by someone else")
    client.force_login(buyer)
    url = reverse("supplier_sites:mention", args=[mention.public_id])
    data = {"name": "Typed name", "country": "Malaysia", "city": "Typed city", "seen": seen}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this record after you opened it" in html
    assert 'value="Typed city"' in html
    mention.refresh_from_db()
    assert mention.city == "Changed by someone else"
    # the form now carries the current version: sending it again saves
    assert f'value="{mention.updated_at.isoformat()}"' in html
    data["seen"] = mention.updated_at.isoformat()
    assert client.post(url, data).status_code == 302
    mention.refresh_from_db()
    assert mention.city == "Typed city"


def test_a_viewer_cannot_write(client, viewer, buyer, penang):
    client.force_login(viewer)
    html = client.get(penang.get_absolute_url()).content.decode()
    assert "Correct this site" not in html
    response = client.post(
        penang.get_absolute_url(),
        {"name": "Viewer's name", "country_iso3": "Malaysia", "status": "active"},
    )
    assert response.status_code in (400, 403)
    penang.refresh_from_db()
    assert penang.name == "Penang Assembly Sdn Bhd"
    mention = SiteMention.objects.get()
    assert client.post(reverse("supplier_sites:mention_delete", args=[mention.public_id])).status_code == 403
    assert SiteMention.objects.filter(pk=mention.pk).exists()


def test_writes_need_post_and_a_csrf_token(buyer, penang):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    mention = SiteMention.objects.get()
    delete = reverse("supplier_sites:mention_delete", args=[mention.public_id])
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 403  # no CSRF token
    assert SiteMention.objects.filter(pk=mention.pk).exists()


def test_a_merge_from_the_page_and_its_undo(client, buyer, penang):
    upload(buyer, record("Penang Assy Plant Two", address="9 Other Road"))
    duplicate = Site.objects.exclude(pk=penang.pk).get()
    client.force_login(buyer)
    response = client.post(
        reverse("supplier_sites:merge", args=[penang.public_id]),
        {"other": "http://testserver" + duplicate.get_absolute_url()},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Site.Status.MERGED
    html = client.get(penang.get_absolute_url()).content.decode()
    assert "Undo this merge" in html
    merge = SiteMerge.objects.get()
    client.post(reverse("supplier_sites:merge_undo", args=[penang.public_id, merge.public_id]))
    duplicate.refresh_from_db()
    assert duplicate.status == Site.Status.ACTIVE


def test_a_merge_with_an_unknown_site_keeps_the_typing_and_says_why(client, buyer, penang):
    client.force_login(buyer)
    response = client.post(reverse("supplier_sites:merge", args=[penang.public_id]), {"other": "not a site"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "No site of the registry has that address or id." in html
    assert 'value="not a site"' in html


# one row


def test_a_row_is_corrected_from_its_page(client, buyer, penang):
    upload(buyer, record("Kulim Boards"))
    mention = SiteMention.objects.get(name="Kulim Boards")
    client.force_login(buyer)
    url = reverse("supplier_sites:mention", args=[mention.public_id])
    response = client.post(
        url,
        {
            "name": "Penang Assembly Sdn Bhd",
            "country": "MY",
            "address": "1 Industrial Road",
            "seen": mention.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.site == penang


def test_a_row_with_an_unknown_country_keeps_the_typing(client, buyer, penang):
    mention = SiteMention.objects.get()
    client.force_login(buyer)
    response = client.post(
        reverse("supplier_sites:mention", args=[mention.public_id]),
        {"name": "Typed name", "country": "Atlantis", "seen": mention.updated_at.isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Typed name"' in html and 'value="Atlantis"' in html
    assert 'id="id_country_error"' in html


# the review queue


def test_the_review_queue_shows_the_row_beside_its_candidate_with_reasons(client, buyer, outsider, penang):
    upload_for_review(buyer, [record("Penang Final Assy Plant 2")], penang)
    upload_for_review(outsider, [record("Penang Final Assy Plant 2")], penang)
    html = page(client, buyer, reverse("supplier_sites:review")).content.decode()
    assert "Penang Final Assy Plant 2" in html and "Penang Assembly Sdn Bhd" in html
    assert "two words alike" in html and "+2.5" in html and "-1.5" in html
    assert 'aria-keyshortcuts="y"' in html and 'aria-keyshortcuts="n"' in html
    assert "The same row waits in 1 other upload too" in html


def test_another_organisations_rows_never_appear_in_our_queue(client, buyer, outsider, penang):
    upload_for_review(outsider, [record("Their Secret Plant")], penang)
    html = page(client, buyer, reverse("supplier_sites:review")).content.decode()
    assert "Their Secret Plant" not in html
    assert "Nothing waits for review" in html
    theirs = SiteMention.objects.get(name="Their Secret Plant")
    assert (
        page(client, buyer, reverse("supplier_sites:review"), item=str(theirs.public_id)).status_code == 200
    )
    client.force_login(buyer)
    decide = reverse("supplier_sites:decide", args=[theirs.public_id, "confirm"])
    assert client.post(decide).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == MentionStatus.REVIEW


def test_confirming_links_the_row_and_says_it_applied_to_other_uploads(client, buyer, outsider, penang):
    upload_for_review(buyer, [record("Penang Final Assy Plant 2")], penang)
    upload_for_review(outsider, [record("Penang Final Assy Plant 2")], penang)
    mine = SiteMention.objects.get(organisation=buyer.organisation, status=MentionStatus.REVIEW)
    client.force_login(buyer)
    response = client.post(reverse("supplier_sites:decide", args=[mine.public_id, "confirm"]), follow=True)
    html = response.content.decode()
    assert "Confirmed: Penang Final Assy Plant 2 is Penang Assembly Sdn Bhd." in html
    assert "applied to 1 other upload of this row" in html
    assert MatchDecision.objects.get().same is True
    assert not SiteMention.objects.filter(status=MentionStatus.REVIEW).exists()


def test_rejecting_makes_a_new_site(client, buyer, penang):
    upload_for_review(buyer, [record("Penang Final Assy Plant 2")], penang)
    mine = SiteMention.objects.get(status=MentionStatus.REVIEW)
    client.force_login(buyer)
    response = client.post(reverse("supplier_sites:decide", args=[mine.public_id, "reject"]), follow=True)
    assert "is recorded as a new site" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == MentionStatus.REJECTED and mine.site != penang


def test_a_viewer_reads_the_queue_but_cannot_decide(client, viewer, buyer, penang):
    upload_for_review(buyer, [record("Penang Final Assy Plant 2")], penang)
    mine = SiteMention.objects.get(status=MentionStatus.REVIEW)
    html = page(client, viewer, reverse("supplier_sites:review")).content.decode()
    assert "Penang Final Assy Plant 2" in html and 'data-key="y"' not in html
    response = client.post(reverse("supplier_sites:decide", args=[mine.public_id, "confirm"]))
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.status == MentionStatus.REVIEW


# groups


def test_the_group_tree_and_a_group_page(client, buyer, penang):
    group = services.site_group_create(actor=buyer, name="Foxlink Group", role="odm_ems")
    entity = services.site_group_create(
        actor=buyer, name="Foxlink Penang Sdn Bhd", kind="legal_entity", parent=group, country_iso3="MYS"
    )
    services.site_update(actor=buyer, site=penang, operator=entity)
    html = page(client, buyer, reverse("supplier_sites:groups")).content.decode()
    assert "<details" in html and "Foxlink Group" in html and "Foxlink Penang Sdn Bhd" in html
    assert "1 site" in html
    group_html = page(client, buyer, reverse("supplier_sites:group", args=[group.public_id])).content.decode()
    assert "Penang Assembly Sdn Bhd" in group_html
    site_html = page(client, buyer, penang.get_absolute_url()).content.decode()
    assert site_html.index("Foxlink Group") < site_html.index(
        "Foxlink Penang Sdn Bhd"
    )  # group -> entity -> site


# the upload


CSV = (
    "name,address,country,site_type,products\r\n"
    "Penang Assembly Sdn Bhd,1 Industrial Road,Malaysia,final assembly,notebooks\r\n"
    "Atlantis Cells,4 Sea Road,Atlantis,component,cells\r\n"
)


def test_an_upload_runs_in_the_background_then_shows_its_result(client, buyer, penang):
    client.force_login(buyer)
    response = client.post(
        reverse("supplier_sites:import"),
        {"file": SimpleUploadedFile("sites.csv", CSV.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    run_page = response["Location"]
    waiting = client.get(run_page).content.decode()
    assert "data-poll=" in waiting  # the progress, polled while the task runs
    run_queued_tasks()
    progress = client.get(run_page + "progress/")
    html = progress.content.decode()
    assert "data-poll" not in html
    assert 'id="import-counts"' in html and "Atlantis" in html  # the refused row with its reason
    site_import = SiteImport.objects.get()
    assert site_import.counts["rejected"] == 1
    detail = client.get(reverse("supplier_sites:import_detail", args=[site_import.public_id]))
    assert "Penang Assembly Sdn Bhd" in detail.content.decode()


def test_an_upload_without_a_file_keeps_the_supplier_typed(client, buyer):
    client.force_login(buyer)
    response = client.post(reverse("supplier_sites:import"), {"supplier": "Typed Supplier Ltd"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Typed Supplier Ltd"' in html and 'id="id_file_error"' in html


def test_another_organisation_cannot_see_our_upload(client, buyer, outsider):
    client.force_login(buyer)
    response = client.post(
        reverse("supplier_sites:import"),
        {"file": SimpleUploadedFile("sites.csv", CSV.encode(), content_type="text/csv")},
    )
    run_page = response["Location"]
    run_queued_tasks()
    site_import = SiteImport.objects.get()
    client.force_login(outsider)
    assert client.get(run_page).status_code == 404
    assert client.get(run_page + "progress/").status_code == 404
    assert (
        client.get(reverse("supplier_sites:import_detail", args=[site_import.public_id])).status_code == 404
    )


def test_a_viewer_cannot_upload(client, viewer):
    client.force_login(viewer)
    response = client.post(
        reverse("supplier_sites:import"),
        {"file": SimpleUploadedFile("sites.csv", CSV.encode(), content_type="text/csv")},
    )
    assert response.status_code == 403
    assert not SiteImport.objects.exists()


def test_a_big_export_is_written_in_the_background_with_its_progress(client, buyer, settings):
    settings.HRDD_EXPORT_IN_REQUEST_MAX = 2
    upload(buyer, record("Kulim Boards"), record("Ipoh Cables"), record("Penang Assembly Sdn Bhd"))
    client.force_login(buyer)
    url = reverse("supplier_sites:export", args=["csv"]) + "?country=MYS"
    page = client.get(url)
    assert page.status_code == 200
    assert "This search finds 3 sites" in page.content.decode()
    started = client.post(url)
    assert started.status_code == 302 and "/tasks/" in started["Location"]
    assert run_queued_tasks() == 1
    run = TaskRun.objects.get(subject="supplier_sites.export")
    assert (run.status, run.done, run.total) == (TaskRun.Status.DONE, 3, 3)
    download = client.get(run.result_url)
    assert download.status_code == 200
    text = b"".join(download).decode("utf-8-sig")
    assert text.startswith("name,address,country") and "Ipoh Cables" in text and text.count("\r\n") == 4


def test_a_small_export_is_answered_at_once(client, buyer, settings):
    settings.HRDD_EXPORT_IN_REQUEST_MAX = 2
    upload(buyer, record("Kulim Boards"), record("Ipoh Cables"))
    client.force_login(buyer)
    answer = client.get(reverse("supplier_sites:export", args=["json"]))
    assert answer.status_code == 200
    assert {row["name"] for row in json.loads(b"".join(answer))} == {"Kulim Boards", "Ipoh Cables"}


def test_another_organisations_export_file_is_not_found(client, buyer, outsider, settings):
    settings.HRDD_EXPORT_IN_REQUEST_MAX = 0
    upload(buyer, record("Kulim Boards"))
    from hrdd.core.tasks import task_run_here
    from hrdd.supplier_sites.tasks import site_export_start

    run = task_run_here(site_export_start(actor=buyer, filters={}, format="xlsx", enqueue=False))
    assert run.status == TaskRun.Status.DONE
    client.force_login(outsider)
    assert client.get(run.result_url).status_code == 404


def test_a_candidate_short_of_certain_never_reads_100_percent():
    from hrdd.supplier_sites.templatetags.site_registry import likely_percent

    assert [likely_percent(s) for s in (0.996, 1.0, 0.714, "x", -0.1)] == [99, 100, 71, 0, 0]


def test_a_mine_is_marked_artisanal_on_its_page_and_only_a_mine_can_be(db):
    user = UserFactory(role="sourcing_manager")
    mine = SiteFactory(name="Kanina artisanal mine", country_iso3="COD", site_type="mine")
    plant = SiteFactory(name="Assembly plant", site_type="final_assembly")

    services.site_update(actor=user, site=mine, is_artisanal=True)
    with pytest.raises(InputError) as refused:
        services.site_update(actor=user, site=plant, is_artisanal=True)

    mine.refresh_from_db()
    plant.refresh_from_db()
    assert mine.is_artisanal and not plant.is_artisanal
    assert refused.value.field == "is_artisanal"
