"""`hrdd demo --scale N`: many contracts for the load benchmark, added through the services, more on every run."""

import pytest
from django.db import transaction

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import Contract, InformationRequest, ProductionSite, Submission
from hrdd.core.errors import InputError
from hrdd.core.models import TaskRun
from hrdd.demo import DEMO_ORGANISATION, DEMO_PASSWORD, SCALE_BUYER, load_scale

LARGE = 120  # the large site list, kept small here; the benchmark uses 5,000 rows


def scale_contracts_of_demo():
    return Contract.objects.filter(organisation__name=DEMO_ORGANISATION, title__startswith="[scale ")


def snapshot():
    """What a run stored, in an order that does not depend on database ids."""
    return sorted(
        (c.organisation.name, c.title, c.supplier.legal_name, c.scenario, c.award_date, c.obligations.count())
        for c in Contract.objects.select_related("organisation", "supplier")
    ), sorted(Submission.objects.values_list("obligation__contract__title", "obligation__clause", "size"))


class Rollback(Exception):
    pass


def test_a_scale_of_20_adds_20_contracts_to_the_demo_and_two_buyers_with_10_each(db):
    # when
    added = load_scale(20, large_sites=LARGE)

    # then
    assert (added.contracts, added.organisations) == (40, 2)
    assert scale_contracts_of_demo().count() == 20
    buyers = Organisation.objects.filter(name__startswith=SCALE_BUYER)
    assert buyers.count() == 2
    for buyer in buyers:
        assert Contract.objects.filter(organisation=buyer).count() == 10
        officer = User.objects.get(organisation=buyer)
        assert officer.can_write and officer.check_password(DEMO_PASSWORD)


def test_every_scale_contract_has_its_obligations_and_one_or_two_submissions(db):
    # when
    added = load_scale(20, large_sites=LARGE)

    # then
    contracts = Contract.objects.filter(title__startswith="[scale ")
    assert contracts.count() == 40
    for contract in contracts:
        assert contract.obligations.exists()
        assert 1 <= Submission.objects.filter(obligation__contract=contract).count() <= 2
    assert Submission.objects.filter(obligation__contract__in=contracts).count() == added.submissions
    assert InformationRequest.objects.count() == added.requests > 0


def test_site_lists_arrive_through_the_background_task_one_of_them_large(db):
    # when
    added = load_scale(20, large_sites=LARGE)

    # then
    runs = TaskRun.objects.filter(kind="hrdd.contracts.tasks.site_list_import")
    assert runs.exists() and all(r.status == TaskRun.Status.DONE for r in runs)
    lists = Submission.objects.filter(
        obligation__clause="CC2", obligation__contract__title__startswith="[scale "
    )
    sizes = [s.sites.count() for s in lists]
    assert runs.count() == len(sizes)
    assert max(sizes) == LARGE  # the one large list, in the demo organisation
    assert sorted(sizes)[-2] <= 40  # the others are small
    assert added.sites == sum(sizes)
    assert ProductionSite.objects.count() == added.sites + 3  # and the demo's own three sites


def test_every_write_is_audited_like_a_user_s(db):
    # when
    load_scale(10, large_sites=LARGE)

    # then
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"contract.create", "submission.create", "procurement.create", "company.create"} <= actions
    assert {"organisation.create", "user.create", "information_request.create"} <= actions


def test_running_it_again_adds_more_with_new_titles(db):
    # given
    load_scale(20, large_sites=LARGE)
    contracts = Contract.objects.count()

    # when
    added = load_scale(10, large_sites=LARGE)

    # then
    assert added.contracts == 20
    assert Contract.objects.count() == contracts + 20
    assert scale_contracts_of_demo().count() == 30
    assert Organisation.objects.filter(name__startswith=SCALE_BUYER).count() == 3
    titles = list(Contract.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))


def test_the_same_seed_on_the_same_database_adds_the_same_records(db):
    # given: a first run, undone after its records were read
    try:
        with transaction.atomic():
            load_scale(10, large_sites=LARGE)
            first = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert not Contract.objects.exists()

    # when
    load_scale(10, large_sites=LARGE)

    # then
    assert snapshot() == first


def test_a_negative_scale_is_refused(db):
    with pytest.raises(InputError) as refused:
        load_scale(-1)
    assert refused.value.field == "--scale"


def test_the_command_line_shows_what_it_added(cli, db):
    # when
    result = cli("demo", "--scale", "10")

    # then
    assert result.returncode == 0, result.stderr
    assert "Added 20 contracts (1 further buyer organisations)" in result.stdout
    assert scale_contracts_of_demo().count() == 10
