"""A consultation's scores are stored verdicts: computed once when a response is submitted or imported, cleared
when it is reopened, read by the pages, and proved against a fresh computation by the stale-check."""

import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.consultations.models import Consultation, Invitation, ResponseVerdict
from hrdd.consultations.scoring import COMPUTED, verdict_fields
from hrdd.consultations.selectors import (
    consultation_market,
    consultation_results,
    consultation_scores_verify,
)
from hrdd.consultations.services import (
    invitation_create,
    invitation_reopen,
    invitation_submit,
    response_import_xlsx,
    response_verdicts_refresh,
)
from hrdd.demo import load_demo
from hrdd.domain.maturity import assess_market, score_raw_response
from hrdd.domain.questionnaire_framework import get_framework
from tests.factories import InvitationFactory, RiskAssessmentFactory, TenderFactory, response
from tests.html import parse


def _with_link(invitation):  # type: ignore[no-untyped-def]
    """bulk_create skips save(), where an invitation is given its link: give it here."""
    invitation.issue_token()
    return invitation


def stored_fields(verdict):
    return {name: getattr(verdict, name) for name in COMPUTED}


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


# stored when submitted, imported; cleared when reopened


def test_submitting_stores_the_domains_score_as_the_verdict(submitted):
    # when: the response was submitted (fixture)
    verdict = ResponseVerdict.objects.get(invitation=submitted)

    # then: the stored verdict is the domain's score of the answers, with the framework that gave it
    fresh = score_raw_response(submitted.as_raw_response(), get_framework())
    assert (verdict.framework_id, verdict.framework_version) == ("cfit-2025", get_framework().version)
    assert verdict.overall == fresh.overall
    assert verdict.levels == dict(fresh.levels)
    assert verdict.warnings == list(fresh.warnings)
    assert verdict.score["scores"] == dict(fresh.scores)
    assert [r["subject"] for r in verdict.score["reasons"]] == [r.subject for r in fresh.reasons]
    assert verdict.overall_rank == get_framework().levels.index(fresh.overall)
    assert verdict.error == ""


def test_a_draft_has_no_verdict(invitation):
    assert not ResponseVerdict.objects.filter(invitation=invitation).exists()


def test_reopening_clears_the_verdict_and_says_so_in_the_audit_log(buyer, submitted):
    # when
    invitation_reopen(actor=buyer, invitation=submitted)

    # then
    assert not ResponseVerdict.objects.filter(invitation=submitted).exists()
    event = AuditEvent.objects.get(action="response.reopen")
    assert event.before["verdict"]["overall"] == "medium"
    assert "verdict" not in event.after


def test_submitting_again_after_reopening_stores_the_new_verdict(buyer, submitted):
    # given
    invitation_reopen(actor=buyer, invitation=submitted)
    high = response(
        transparency=["assembly_location", "component_producers", "raw_material_types", "mapping_efforts"],
        risk_understanding="good",
        policies=["detailed_commitments", "due_diligence_strategy"],
        actions=["code_compliance", "complaints_procedure", "dedicated_staff", "industry_initiatives"],
    )

    # when
    invitation_submit(invitation=submitted, raw=high)

    # then
    verdict = ResponseVerdict.objects.get(invitation=submitted)
    assert stored_fields(verdict) == verdict_fields(high, get_framework())
    assert (
        AuditEvent.objects.filter(action="response.submit").first().after["verdict"]["overall"]
        == verdict.overall
    )


def test_importing_a_workbook_stores_its_verdict(buyer, consultation, filled_xlsx):
    # when
    invitation = response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled_xlsx))

    # then
    verdict = ResponseVerdict.objects.get(invitation=invitation)
    assert stored_fields(verdict) == verdict_fields(invitation.as_raw_response(), get_framework())
    assert verdict.score["company"] == "Spreadsheet Supplier Ltd"


# pages read the stored verdict


def test_the_consultation_page_shows_the_stored_verdict_not_a_fresh_one(logged_in, consultation, submitted):
    # given: a stored verdict changed behind the page's back
    ResponseVerdict.objects.filter(invitation=submitted).update(overall="high", overall_rank=2)

    # when
    page = logged_in.get(reverse("consultations:detail", args=[consultation.public_id]))

    # then: the page shows what is stored
    cell = parse(page.content).by_id("suppliers").find("td", data_dimension="overall")
    assert cell.text == "high"


def test_the_response_page_shows_the_stored_reasons(logged_in, consultation, submitted):
    # given
    verdict = ResponseVerdict.objects.get(invitation=submitted)
    verdict.score["reasons"][0]["text"] = "as stored"
    verdict.save()

    # when
    page = logged_in.get(reverse("consultations:response", args=[consultation.public_id, submitted.pk]))

    # then
    reasons = parse(page.content).by_id("reasons")
    assert "as stored" in reasons.text


def test_the_market_is_assessed_over_the_stored_levels_as_over_fresh_scores(buyer, consultation):
    # given
    raws = [
        response(company="Alpha"),
        response(company="Beta", role="reseller"),
        response(
            company="Gamma",
            risk_understanding="unfamiliar",
            policies=["no_commitment"],
            actions=["no_action"],
        ),
    ]
    for number, raw in enumerate(raws):
        invitation = invitation_create(
            actor=buyer, consultation=consultation, email=f"s{number}@x.example", send=False
        )
        invitation_submit(invitation=invitation, raw=raw)

    # when
    market = consultation_market(consultation=consultation)

    # then
    framework = get_framework()
    assert market == assess_market([score_raw_response(r, framework) for r in raws], framework)


def test_a_verdict_whose_levels_are_not_the_frameworks_is_left_out_of_the_market_and_shown_as_such(
    logged_in, consultation, submitted
):
    # given: a verdict from a questionnaire with other levels
    ResponseVerdict.objects.filter(invitation=submitted).update(
        levels={"visibility": "basic"}, overall="basic", framework_version="0.9"
    )

    # when
    page = logged_in.get(reverse("consultations:detail", args=[consultation.public_id]))

    # then
    assert page.status_code == 200
    assert page.context["market"] is None
    assert "0.9" in parse(page.content).by_id("suppliers").text


# the stale-check


def test_every_stored_verdict_of_the_demo_agrees_with_a_fresh_computation(db):
    # given
    load_demo()
    assert ResponseVerdict.objects.count() == Invitation.objects.filter(status="submitted").count() > 0

    # when / then
    assert consultation_scores_verify() == []
    consultation = Consultation.objects.get()
    framework = get_framework(consultation.framework_id)
    fresh = [
        score_raw_response(i.as_raw_response(), framework)
        for i in consultation.invitations.filter(status="submitted")
    ]
    assert consultation_results(consultation=consultation).market == assess_market(fresh, framework)


def test_a_tampered_stored_score_is_reported_with_the_fields_that_differ(submitted):
    # given
    ResponseVerdict.objects.filter(invitation=submitted).update(overall="high")

    # when
    [found] = consultation_scores_verify()

    # then
    assert (found.invitation_id, found.problem, found.fields) == (submitted.pk, "differs", ("overall",))
    assert (found.stored["overall"], found.fresh["overall"]) == ("high", "medium")
    assert "overall" in found.describe()


def test_a_missing_verdict_and_a_verdict_on_a_reopened_response_are_reported(consultation, submitted):
    # given: one submitted response without its verdict, one draft with a verdict left behind
    ResponseVerdict.objects.filter(invitation=submitted).delete()
    draft = InvitationFactory(consultation=consultation, status=Invitation.Status.DRAFT)
    ResponseVerdict.objects.create(
        invitation=draft,
        computed_at=timezone.now(),
        **verdict_fields(response(), get_framework()),
    )

    # when
    found = {(d.invitation_id, d.problem) for d in consultation_scores_verify()}

    # then
    assert found == {(submitted.pk, "missing"), (draft.pk, "not submitted")}


def test_refreshing_stores_the_fresh_verdict_and_audits_the_change(submitted):
    # given
    ResponseVerdict.objects.filter(invitation=submitted).update(overall="high")
    stale = consultation_scores_verify()

    # when
    changed = response_verdicts_refresh(invitation_ids=[d.invitation_id for d in stale])

    # then
    assert changed == 1
    assert consultation_scores_verify() == []
    event = AuditEvent.objects.get(action="response.verdict_refresh")
    assert (event.before["verdict"]["overall"], event.after["verdict"]["overall"]) == ("high", "medium")
    assert response_verdicts_refresh(invitation_ids=[submitted.pk]) == 0  # nothing left to change


# the migration that filled the verdicts of earlier responses


def test_the_migration_stores_the_verdict_of_every_response_submitted_before_it(empty_database):
    # given: a database as it was before verdicts were stored
    executor = MigrationExecutor(connection)
    executor.migrate([("consultations", "0005_response_verdict")])
    old = executor.loader.project_state([("consultations", "0005_response_verdict")]).apps
    organisation = old.get_model("accounts", "Organisation").objects.create(name="Town", kind="public_buyer")
    procurement = old.get_model("procurements", "Procurement").objects.create(
        organisation=organisation, title="Notebooks", product_category="notebook"
    )
    consultation = old.get_model("consultations", "Consultation").objects.create(
        organisation=organisation,
        procurement=procurement,
        title="Notebooks",
        product_category="notebook",
        deadline="2031-01-01",
    )
    Invitation_ = old.get_model("consultations", "Invitation")
    raw = response(company="Old Supplier")
    answered = Invitation_.objects.create(
        consultation=consultation,
        token="t1",
        status="submitted",
        company_as_given=raw["company"],
        role=raw["role"],
        answers=raw["answers"],
    )
    broken = Invitation_.objects.create(
        consultation=consultation,
        token="t2",
        status="submitted",
        company_as_given="Broken",
        role="pirate",
        answers={},
    )
    Invitation_.objects.create(consultation=consultation, token="t3", status="draft")

    # when
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # then: the two submitted responses have a verdict, the draft none; the one that no longer validates says why
    verdicts = {v.invitation_id: v for v in ResponseVerdict.objects.all()}
    assert set(verdicts) == {answered.pk, broken.pk}
    assert stored_fields(verdicts[answered.pk]) == verdict_fields(raw, get_framework())
    assert verdicts[broken.pk].score is None and "role" in verdicts[broken.pk].error
    assert consultation_scores_verify() == []


# the page's cost does not grow with the responses


def _add_submitted(consultation, count, start):
    """`count` submitted responses with their verdicts, written in bulk."""
    framework = get_framework(consultation.framework_id)
    now = timezone.now()
    invitations = Invitation.objects.bulk_create(
        [
            _with_link(i)
            for i in (
                Invitation(
                    consultation=consultation,
                    email=f"bulk{start + n}@suppliers.example",
                    company_as_given=f"Bulk Supplier {start + n}",
                    role="manufacturer",
                    answers=response()["answers"],
                    status=Invitation.Status.SUBMITTED,
                    submitted_at=now,
                )
                for n in range(count)
            )
        ]
    )
    raw = response(company="Bulk Supplier")
    fields = verdict_fields(raw, framework)
    ResponseVerdict.objects.bulk_create(
        ResponseVerdict(invitation=i, computed_at=now, **fields) for i in invitations
    )


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, params or {})
    assert page.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("params", [{}, {"sort": "maturity", "status": "submitted", "page": "2"}])
def test_the_consultation_page_reads_as_many_queries_for_200_responses_as_for_10(
    logged_in, consultation, params
):
    # given
    url = reverse("consultations:detail", args=[consultation.public_id])
    _add_submitted(consultation, 10, 0)
    logged_in.get(url)  # caches warm (framework, session)
    few = _queries(logged_in, url, params)

    # when: more responses, and more of the other steps' records the page links to
    _add_submitted(consultation, 190, 10)
    for _n in range(12):
        RiskAssessmentFactory(organisation=consultation.organisation, procurement=consultation.procurement)
        TenderFactory(
            organisation=consultation.organisation,
            procurement=consultation.procurement,
            consultation=consultation,
        )
    many = _queries(logged_in, url, params)

    # then
    assert few == many
    assert parse(logged_in.get(url).content).by_id("response-counts").text.startswith("200 invited")
