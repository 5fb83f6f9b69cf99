"""The product-risk services: a knowledge edition imported whole or not at all, an assessment saved with a
procurement; every write validated, permission-checked and audited."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied

from hrdd.audit.models import AuditEvent
from hrdd.domain.knowledge import KnowledgeError, read_shipped_table, shipped_knowledge
from hrdd.domain.risk import Adjustments, UnknownProduct, assess_product_risk, get_risk_method
from hrdd.risks import selectors
from hrdd.risks.models import KnowledgeEdition, ProductRiskAssessment
from hrdd.risks.selectors import knowledge_current
from hrdd.risks.services import RiskAssessmentError, knowledge_import, risk_assessment_save
from tests.factories import ConsultationFactory, OrganisationFactory

TEST_SOURCE = "Test edition of USGS MCS 2025"


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids; SQLite reuses ids after a test's rollback, so start clean."""
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


def shipped_rows(table):
    reader = csv.DictReader(io.StringIO(read_shipped_table(table)))
    return reader.fieldnames, list(reader)


def to_csv(fieldnames, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def cobalt_edition(shares=(("AUS", "Australia", "60"), ("CAN", "Canada", "40"))):
    """The shipped mineral_production table with every cobalt row replaced by `shares` for 2024."""
    fieldnames, rows = shipped_rows("mineral_production")
    kept = [r for r in rows if r["material"] != "cobalt"]
    template = next(r for r in rows if r["material"] == "cobalt")
    for iso3, name, share in shares:
        kept.append(
            {
                **template,
                "country_iso3": iso3,
                "country": name,
                "year": "2024",
                "share_pct": share,
                "estimated": "false",
                "source": TEST_SOURCE,
            }
        )
    return to_csv(fieldnames, kept), len(kept)


def small_edition(*extra_rows, table="cahra"):
    """A small valid table (the first three shipped rows) followed by `extra_rows` (dicts)."""
    fieldnames, rows = shipped_rows(table)
    return to_csv(fieldnames, rows[:3] + list(extra_rows))


def counts():
    return (
        KnowledgeEdition.objects.count(),
        KnowledgeEdition.objects.filter(is_active=True).count(),
        ProductRiskAssessment.objects.count(),
        AuditEvent.objects.count(),
    )


def cobalt_countries(knowledge):
    assessment = assess_product_risk("notebook", knowledge, get_risk_method())
    cobalt = next(m for m in assessment.raw_materials if m.name == "cobalt")
    return {c.country_iso3: c.share_pct for c in cobalt.countries}


# knowledge_import


def test_importing_an_edition_stores_it_active_with_its_rows_and_records_an_audit_event(db, buyer):
    # given
    text, rows = cobalt_edition()

    # when
    edition = knowledge_import(
        table="mineral_production", csv_text=text, label="  USGS MCS 2025  ", actor=buyer
    )

    # then
    edition.refresh_from_db()
    assert edition.table == "mineral_production"
    assert edition.label == "USGS MCS 2025"
    assert edition.is_active
    assert edition.row_count == rows
    assert edition.csv_text == text
    assert edition.imported_by == buyer
    event = AuditEvent.objects.get(action="knowledge.import")
    assert event.actor == buyer
    assert event.target_type == "risks.knowledgeedition"
    assert event.target_id == str(edition.pk)
    assert event.after == {"table": "mineral_production", "label": "USGS MCS 2025", "rows": rows}
    assert event.before == {"active": []}


def test_importing_from_the_command_line_is_audited_as_the_command_line(db):
    # when
    edition = knowledge_import(table="cahra", csv_text=small_edition(), label="CAHRA 2025")

    # then
    event = AuditEvent.objects.get(action="knowledge.import", target_id=str(edition.pk))
    assert event.actor is None
    assert event.actor_label == "command line"


def test_a_newer_edition_deactivates_the_previous_one_of_the_same_table_only(db):
    # given
    first = knowledge_import(table="cahra", csv_text=small_edition(), label="CAHRA 2024")
    other = knowledge_import(table="mineral_production", csv_text=cobalt_edition()[0], label="USGS 2025")

    # when
    second = knowledge_import(table="cahra", csv_text=small_edition(), label="CAHRA 2025")

    # then
    first.refresh_from_db()
    other.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_active
    assert second.is_active
    assert other.is_active
    assert list(KnowledgeEdition.objects.filter(table="cahra", is_active=True)) == [second]
    event = AuditEvent.objects.get(action="knowledge.import", target_id=str(second.pk))
    assert event.before == {"active": ["CAHRA 2024"]}


def test_an_edition_without_a_label_gets_a_default_label(db):
    # when
    edition = knowledge_import(table="cahra", csv_text=small_edition(), label="   ")

    # then
    assert edition.label == "imported edition"


def _without(column):
    fieldnames, rows = shipped_rows("mineral_production")
    kept = [c for c in fieldnames if c != column]
    return to_csv(kept, [{k: r[k] for k in kept} for r in rows[:5]])


def _with_row(table, **changes):
    fieldnames, rows = shipped_rows(table)
    return to_csv(fieldnames, [*rows[:3], {**rows[0], **changes}, *rows[3:6]])


@pytest.mark.parametrize(
    ("table", "text", "named"),
    [
        ("mineral_production", _without("share_pct"), ["missing column", "share_pct"]),
        (
            "mineral_production",
            _with_row("mineral_production", country_iso3="C0D"),
            ["row 5", "country_iso3", "C0D"],
        ),
        (
            "mineral_production",
            _with_row("mineral_production", country_iso3="CODE"),
            ["row 5", "country_iso3"],
        ),
        ("mineral_production", _with_row("mineral_production", source=""), ["row 5", "source", "empty"]),
        (
            "mineral_production",
            _with_row("mineral_production", share_pct="abc"),
            ["row 5", "share_pct", "abc"],
        ),
        ("mineral_production", _with_row("mineral_production", year="soon"), ["row 5", "year"]),
        ("cahra", _with_row("cahra", source="   "), ["row 5", "source"]),
        ("labour_goods", _with_row("labour_goods", child_labour="maybe"), ["row 5", "child_labour"]),
        ("bill_of_materials", _with_row("bill_of_materials", year="2015a"), ["row 5", "year"]),
        ("mineral_production", "material,stage,country_iso3,year,share_pct,source\n", ["no rows"]),
    ],
    ids=[
        "missing-column",
        "bad-iso3",
        "long-iso3",
        "empty-source",
        "share-abc",
        "bad-year",
        "blank-source",
        "bad-flag",
        "bom-year",
        "no-rows",
    ],
)
def test_a_malformed_table_is_refused_naming_the_row_and_column_and_nothing_is_stored(
    db, buyer, table, text, named
):
    # given
    knowledge_import(table="cahra", csv_text=small_edition(), label="CAHRA 2024")
    before = counts()

    # when
    with pytest.raises(KnowledgeError) as refused:
        knowledge_import(table=table, csv_text=text, label="broken", actor=buyer)

    # then
    message = str(refused.value)
    assert table in message
    for name in named:
        assert name in message, f"{name!r} not in {message!r}"
    assert counts() == before
    assert KnowledgeEdition.objects.get(is_active=True, table="cahra").label == "CAHRA 2024"
    assert not KnowledgeEdition.objects.filter(label="broken").exists()


def test_an_unknown_table_is_refused_naming_the_known_tables(db):
    # given
    before = counts()

    # when
    with pytest.raises(KnowledgeError) as refused:
        knowledge_import(table="nosuchtable", csv_text=small_edition(), label="x")

    # then
    assert "nosuchtable" in str(refused.value)
    assert "mineral_production" in str(refused.value)
    assert counts() == before


# knowledge_current


def test_without_editions_the_shipped_tables_are_used(db):
    # when
    knowledge = knowledge_current()

    # then
    assert knowledge == shipped_knowledge()
    assert all(s.edition.startswith("shipped") for s in knowledge.status())


def test_the_imported_edition_changes_the_assessment(db):
    # given
    shipped = cobalt_countries(knowledge_current())
    assert "COD" in shipped
    text, rows = cobalt_edition()

    # when
    knowledge_import(table="mineral_production", csv_text=text, label="USGS MCS 2025")
    knowledge = knowledge_current()

    # then
    assert cobalt_countries(knowledge) == {
        "AUS": 60.0,
        "CAN": 40.0,
        "COD": None,
    }  # COD: listed by ILAB, no share
    status = {s.name: s for s in knowledge.status()}
    assert status["mineral_production"].edition == "USGS MCS 2025"
    assert status["mineral_production"].rows == rows
    assert TEST_SOURCE in status["mineral_production"].sources
    assert status["cahra"].edition.startswith("shipped")
    assessment = assess_product_risk("notebook", knowledge, get_risk_method())
    cobalt_risks = [r for r in assessment.risks if r.material == "cobalt" and r.stage == "mining"]
    assert cobalt_risks
    # the DRC still counts, through the ILAB listing, without a share
    assert {r.country_iso3 for r in cobalt_risks} == {"AUS", "CAN", "COD"}
    assert all(any(TEST_SOURCE in s for s in r.sources) for r in cobalt_risks if r.country_iso3 != "COD")


def test_a_second_edition_replaces_the_first_in_the_assessment(db):
    # given
    knowledge_import(table="mineral_production", csv_text=cobalt_edition()[0], label="first")
    first = cobalt_countries(knowledge_current())

    # when
    text, _ = cobalt_edition(shares=(("IDN", "Indonesia", "70"), ("PHL", "Philippines", "30")))
    knowledge_import(table="mineral_production", csv_text=text, label="second")

    # then
    assert first == {"AUS": 60.0, "CAN": 40.0, "COD": None}  # COD: listed by ILAB, no share
    assert cobalt_countries(knowledge_current()) == {"IDN": 70.0, "PHL": 30.0, "COD": None}


def test_a_refused_edition_leaves_the_knowledge_unchanged(db):
    # given
    knowledge_import(table="mineral_production", csv_text=cobalt_edition()[0], label="good")

    # when
    with pytest.raises(KnowledgeError):
        knowledge_import(
            table="mineral_production", csv_text=_with_row("mineral_production", share_pct="abc"), label="bad"
        )

    # then
    assert cobalt_countries(knowledge_current()) == {
        "AUS": 60.0,
        "CAN": 40.0,
        "COD": None,
    }  # COD: listed by ILAB, no share


# risk_assessment_save

ADJUSTED = Adjustments(exclude_materials=frozenset({"cobalt"}), manufacturing_countries=("VNM",))


def test_saving_stores_title_product_adjustments_result_and_procurement(
    db, buyer, municipality, consultation
):
    # when
    saved = risk_assessment_save(
        actor=buyer,
        title="  Notebooks 2027: risks  ",
        product="notebook",
        adjustments=ADJUSTED,
        consultation=consultation,
    )

    # then
    saved.refresh_from_db()
    assert saved.organisation == municipality
    assert saved.created_by == buyer
    assert saved.title == "Notebooks 2027: risks"
    assert saved.product == "notebook"
    assert saved.procurement == consultation.procurement
    assert saved.adjustments["exclude_materials"] == ["cobalt"]
    assert saved.adjustments["manufacturing_countries"] == ["VNM"]
    assert Adjustments.from_dict(saved.adjustments) == ADJUSTED
    assert saved.method == saved.result["method"]
    assert saved.method.startswith("risk-method-2025")
    assert saved.result["product"] == "notebook"
    assert "cobalt" not in [m["name"] for m in saved.result["raw_materials"]]
    assert {c["country_iso3"] for c in saved.result["manufacturing"]} == {"VNM"}
    assert len(saved.result["risks"]) >= 3
    scores = [r["score"] for r in saved.result["risks"]]
    assert scores == sorted(scores, reverse=True)
    assert list(consultation.procurement.risk_assessments.all()) == [saved]


def test_saving_records_an_audit_event_with_the_organisation(db, buyer, municipality):
    # when
    saved = risk_assessment_save(actor=buyer, title="Phones", product="smartphone", adjustments=ADJUSTED)

    # then
    event = AuditEvent.objects.get(action="risk_assessment.save")
    assert event.actor == buyer
    assert event.organisation == municipality
    assert event.target_type == "risks.productriskassessment"
    assert event.target_id == str(saved.pk)
    assert event.before is None
    assert event.after == {
        "title": "Phones",
        "product": "smartphone",
        "adjustments": ADJUSTED.as_dict(),
        "procurement": str(saved.procurement.public_id),
    }


def test_saving_again_updates_the_assessment_and_audits_the_state_before(db, buyer):
    # given
    saved = risk_assessment_save(actor=buyer, title="First", product="notebook", adjustments=Adjustments())

    # when
    updated = risk_assessment_save(
        actor=buyer, title="Second", product="notebook", adjustments=ADJUSTED, assessment=saved
    )

    # then
    assert updated.pk == saved.pk
    assert ProductRiskAssessment.objects.count() == 1
    updated.refresh_from_db()
    assert updated.title == "Second"
    event = AuditEvent.objects.filter(action="risk_assessment.save").order_by("-id").first()
    assert event.before == {"title": "First", "product": "notebook", "adjustments": Adjustments().as_dict()}


def test_the_saved_result_is_a_snapshot_a_later_edition_does_not_change(db, buyer):
    # given
    saved = risk_assessment_save(
        actor=buyer, title="Notebooks", product="notebook", adjustments=Adjustments()
    )
    before = saved.result

    # when
    knowledge_import(table="mineral_production", csv_text=cobalt_edition()[0], label="USGS MCS 2025")

    # then
    saved.refresh_from_db()
    assert saved.result == before
    cobalt = next(m for m in saved.result["raw_materials"] if m["name"] == "cobalt")
    assert "COD" in {c["country_iso3"] for c in cobalt["countries"]}


@pytest.mark.parametrize("title", ["", "   ", None, "x" * 201])
def test_a_blank_or_over_long_title_is_refused_and_nothing_is_stored(db, buyer, consultation, title):
    # given
    before = counts()

    # when
    with pytest.raises(RiskAssessmentError) as refused:
        risk_assessment_save(
            actor=buyer, title=title, product="notebook", adjustments=Adjustments(), consultation=consultation
        )

    # then
    assert refused.value.field == "title"
    assert counts() == before


def test_a_title_of_200_characters_is_accepted(db, buyer):
    # when
    saved = risk_assessment_save(actor=buyer, title="x" * 200, product="notebook", adjustments=Adjustments())

    # then
    saved.refresh_from_db()
    assert len(saved.title) == 200


def test_an_unknown_product_is_refused_naming_the_known_ones_and_nothing_is_stored(db, buyer):
    # given
    before = counts()

    # when
    with pytest.raises(UnknownProduct) as refused:
        risk_assessment_save(actor=buyer, title="Laptops", product="laptop", adjustments=Adjustments())

    # then
    assert refused.value.product == "laptop"
    assert "notebook" in refused.value.known
    assert counts() == before


def test_another_organisations_procurement_is_refused_and_nothing_is_stored(db, buyer):
    # given
    elsewhere = ConsultationFactory(organisation=OrganisationFactory(name="Elsewhere"))
    before = counts()

    # when
    with pytest.raises(RiskAssessmentError) as refused:
        risk_assessment_save(
            actor=buyer,
            title="Notebooks",
            product="notebook",
            adjustments=Adjustments(),
            consultation=elsewhere,
        )

    # then
    assert refused.value.field == "consultation"
    assert counts() == before


def test_a_viewer_may_not_save_and_nothing_is_stored(db, viewer):
    # given
    before = counts()

    # when
    with pytest.raises(PermissionDenied):
        risk_assessment_save(actor=viewer, title="Notebooks", product="notebook", adjustments=Adjustments())

    # then
    assert counts() == before


def test_another_organisations_assessment_cannot_be_overwritten(db, buyer, outsider):
    # given
    theirs = risk_assessment_save(
        actor=outsider, title="Theirs", product="notebook", adjustments=Adjustments()
    )
    before = counts()

    # when
    with pytest.raises(RiskAssessmentError):
        risk_assessment_save(
            actor=buyer, title="Mine now", product="notebook", adjustments=Adjustments(), assessment=theirs
        )

    # then
    assert counts() == before
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


# product_risk: the assessments made lately in this process


def test_the_same_product_and_adjustments_are_assessed_once_while_the_knowledge_base_stays(db):
    first = selectors.product_risk("notebook")
    assert selectors.product_risk("notebook", Adjustments()) is first
    adjusted = selectors.product_risk("notebook", Adjustments(exclude_materials=frozenset({"cobalt"})))
    assert adjusted is not first
    assert "cobalt" not in {m.name for m in adjusted.raw_materials}


def test_an_imported_edition_is_never_answered_from_the_assessment_of_the_older_one(db):
    before = selectors.product_risk("notebook")
    text, _rows = cobalt_edition()
    knowledge_import(table="mineral_production", csv_text=text, label=TEST_SOURCE)
    after = selectors.product_risk("notebook")
    assert after is not before
    assert after == assess_product_risk("notebook", knowledge_current(), get_risk_method(), None)


def test_no_more_assessments_are_kept_than_the_limit(db, monkeypatch):
    monkeypatch.setattr(selectors, "ASSESSMENTS_KEPT", 2)
    selectors._ASSESSED.clear()
    for material in ("cobalt", "tin", "gold"):
        selectors.product_risk("notebook", Adjustments(exclude_materials=frozenset({material})))
    assert len(selectors._ASSESSED) == 2
