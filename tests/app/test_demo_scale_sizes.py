"""`load_scale`'s sizes for the load benchmark of issue 17 (benchmarks/load/seed.py): how many further buyers, how
many contracts each, how often a large site list occurs, and open invitations for the load's invitees."""

import pytest
from django.test import Client
from django.utils import timezone

from hrdd.accounts.models import Organisation
from hrdd.consultations.models import Consultation, Invitation
from hrdd.contracts.models import Contract, Submission
from hrdd.demo import DEMO_ORGANISATION, SCALE_BUYER, load_scale

LARGE = 120  # a large site list, kept small here


def large_lists_by_title():
    return sorted(
        s.obligation.contract.title[:13]
        for s in Submission.objects.filter(obligation__clause="CC2").select_related("obligation__contract")
        if s.sites.count() == LARGE
    )


def test_the_buyers_their_contracts_and_how_often_a_large_list_occurs_are_chosen(db):
    # when
    added = load_scale(5, buyers=3, contracts_per_buyer=2, large_every=2, large_sites=LARGE)

    # then
    assert (added.contracts, added.organisations) == (5 + 3 * 2, 3)
    buyers = Organisation.objects.filter(name__startswith=SCALE_BUYER)
    assert sorted(Contract.objects.filter(organisation=b).count() for b in buyers) == [2, 2, 2]
    # demo contracts 1, 3 and 5 (one every 2), none of the further buyers'
    assert large_lists_by_title() == ["[scale 00001]", "[scale 00003]", "[scale 00005]"]
    assert (
        Contract.objects.filter(organisation__name=DEMO_ORGANISATION, title__startswith="[scale ").count()
        == 5
    )


def test_without_invitations_no_consultation_is_added(db):
    # given
    load_scale(0)  # the demo alone
    before = Consultation.objects.count()

    # when
    load_scale(0, buyers=2, contracts_per_buyer=1, large_sites=LARGE)

    # then
    assert Consultation.objects.count() == before


def test_each_further_buyer_runs_an_open_consultation_whose_invitees_can_save_a_draft(db):
    # when
    load_scale(0, buyers=2, contracts_per_buyer=1, invitations=3, large_sites=LARGE)

    # then
    invitations = Invitation.objects.filter(consultation__organisation__name__startswith=SCALE_BUYER)
    assert invitations.count() == 2 * 3
    assert all(i.status == Invitation.Status.INVITED and i.sent_at is None for i in invitations)
    assert all(i.consultation.deadline > timezone.localdate() for i in invitations)
    invitation = invitations.first()
    assert invitation.token  # written again from its nonce: the load benchmark opens it so
    page = Client().get(f"/respond/{invitation.token}/")
    assert page.status_code == 200


@pytest.mark.parametrize(
    "sizes", [{"large_every": 0}, {"buyers": -1}, {"contracts_per_buyer": -1}, {"invitations": -1}]
)
def test_sizes_out_of_range_are_refused_before_anything_is_stored(db, sizes):
    # when / then
    with pytest.raises(ValueError):
        load_scale(1, **sizes)
    assert not Contract.objects.filter(title__startswith="[scale ").exists()
