"""The responsible-sourcing pages in the reader's language (issue 16): a programme's dashboard, a KPI's page, a
supplier's tier, an assessment's result and a certification's record say the frameworks' texts (titles, KPI
names, objectives, scheme statuses, gap texts, option labels) in Dutch from hrdd/frameworks/translations/nl.yaml,
and the domain's sentences (KPI reasons, tier reasons, score reasons) as Texts: their numbers in the locale's
format, their templates looked up in the catalogue. The English sentences stay as they were.

The catalogue has no Dutch for the new templates yet, so where a test needs a domain sentence fully in Dutch it
gives the catalogue one translation (`dutch_catalogue`); the rest of the page is as shipped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as django_gettext

from hrdd.accounts.models import Organisation, User
from hrdd.core.texts import localize
from hrdd.domain import programmes as rules
from hrdd.domain.assessment_framework import DEFAULT_ASSESSMENT_FRAMEWORK, get_assessment_framework
from hrdd.domain.certifications import get_schemes
from hrdd.domain.framework_texts import translate
from hrdd.domain.programmes import get_programme_template
from hrdd.domain.supplier_tiers import reasons_from
from hrdd.domain.texts import Text
from hrdd.programmes import diligence as d
from hrdd.programmes import services
from hrdd.programmes.models import SupplierTier
from tests.factories import CertificationFactory, CompanyFactory, OrganisationFactory, UserFactory
from tests.html import parse

pytestmark = pytest.mark.django_db

DUTCH = {"HTTP_ACCEPT_LANGUAGE": "nl"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
YEAR = timezone.localdate().year
ASM_REASON = "Sources %(what)s from artisanal and small-scale mining."
WHAT = "%(material)s from %(place)s"


@pytest.fixture(autouse=True)
def _language_of_each_test_its_own():
    """A page asked in Dutch leaves Dutch active in the thread; each test begins and ends in the default."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def trader(db):
    return OrganisationFactory(name="Mineral Trader SA", kind=Organisation.Kind.COMPANY)


@pytest.fixture
def manager(trader):
    return UserFactory(email="rs@trader.example", organisation=trader, role=User.Role.SOURCING_MANAGER)


@pytest.fixture
def logged_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def programme(manager):
    """The IXM template's programme, its title left to the template's, with 40.5% of employees trained last year
    against a baseline of 10% two years ago and a target of 90% in two years."""
    made = services.programme_create(
        actor=manager, template_key="ixm", title="", start_year=YEAR - 1, end_year=YEAR + 2
    )
    trained = made.kpis.get(key="employees_trained")
    services.kpi_update(
        actor=manager,
        kpi=trained,
        name=trained.name,
        description=trained.description,
        direction="increase",
        baseline_value="10",
        baseline_year=YEAR - 2,
        targets={str(YEAR + 2): "90"},
        objective=trained.objective,
    )
    services.kpi_value_enter(
        actor=manager, kpi=trained, year=YEAR - 1, value="40.5", evidence_url="https://example.org/hr.pdf"
    )
    return made


@pytest.fixture
def supplier(trader):
    return CompanyFactory(organisation=trader, legal_name="Kolwezi Cobalt Traders SARL", country_iso3="COD")


@pytest.fixture
def dutch_catalogue(monkeypatch):
    """The catalogue as the translators will give it for two domain templates (the rest as shipped)."""
    dutch = {
        ASM_REASON: "Haalt %(what)s uit ambachtelijke en kleinschalige mijnbouw.",
        WHAT: "%(material)s uit %(place)s",
    }

    def gettext(message: str) -> str:
        if translation.get_language() == "nl" and message in dutch:
            return dutch[message]
        return django_gettext(message)

    monkeypatch.setattr("hrdd.core.texts.gettext", gettext)
    return dutch


def dutch(english: str) -> str:
    """A framework's text in Dutch, checked to be a translation (so that a page showing English cannot pass)."""
    said = translate(english, "nl")
    assert said != english, f"no Dutch for {english!r} in hrdd/frameworks/translations/nl.yaml"
    return said


def worst_answers() -> dict[str, object]:
    framework = get_assessment_framework(DEFAULT_ASSESSMENT_FRAMEWORK)
    return {q.id: min(q.options, key=lambda o: o.points).id for q in framework.questions}


# -- the dashboard and a KPI ---------------------------------------------------------------------------------------


def test_the_dashboard_in_dutch_names_the_programme_its_objectives_and_kpis_from_the_dutch_frameworks(
    logged_in, programme
):
    # given
    template = get_programme_template("ixm")
    trained = next(k for k in template.kpis if k.key == "employees_trained")
    objective = next(o for o in template.objectives if o.key == trained.objective)

    # when
    page = parse(logged_in.get(programme.get_absolute_url(), **DUTCH).content)

    # then: the frameworks' words in Dutch, the stored English untouched
    assert page.find_all("h1")[0].text == dutch(template.title)
    card = page.by_id("kpi-employees_trained")
    assert card.find_all("h4")[0].text == dutch(trained.name)
    assert dutch(objective.text) in page.text
    assert (
        programme.title == template.title and programme.kpis.get(key="employees_trained").name == trained.name
    )


def test_the_dashboard_in_dutch_writes_the_kpi_reasons_numbers_with_a_decimal_comma(logged_in, programme):
    # when
    dutch_card = parse(logged_in.get(programme.get_absolute_url(), **DUTCH).content).by_id(
        "kpi-employees_trained"
    )
    english_card = parse(logged_in.get(programme.get_absolute_url(), **ENGLISH).content).by_id(
        "kpi-employees_trained"
    )

    # then
    dutch_reasons = [li.text for li in dutch_card.find_all("ul", cls="kpi-reasons")[0].find_all("li")]
    english_reasons = [li.text for li in english_card.find_all("ul", cls="kpi-reasons")[0].find_all("li")]
    assert dutch_reasons[0].startswith(f"40,5% in {YEAR - 1}")
    assert english_reasons[0] == (
        f"40.5% in {YEAR - 1} keeps pace: the trajectory expects at least 30% in {YEAR - 1} "
        f"(target for {YEAR + 2}: at least 90%)."
    )
    assert "40.5" not in dutch_card.text


def test_a_kpi_page_in_dutch_says_the_kpi_its_objective_and_its_figures_the_dutch_way(logged_in, programme):
    # given
    template = get_programme_template("ixm")
    trained = next(k for k in template.kpis if k.key == "employees_trained")
    objective = next(o for o in template.objectives if o.key == trained.objective)
    kpi = programme.kpis.get(key="employees_trained")

    # when
    page = parse(logged_in.get(kpi.get_absolute_url(), **DUTCH).content)

    # then
    assert page.find_all("h1")[0].text == dutch(trained.name)
    assert dutch(objective.text) in page.text
    assert dutch(trained.description) in page.text
    years = page.by_id("years").text
    assert (
        f"40,5% in {YEAR - 1} blijft op schema" in years and "40.5%" not in years
    )  # the Dutch catalogue's words


def test_a_kpi_status_is_its_english_sentence_and_says_its_numbers_in_the_locale():
    # given
    spec = rules.spec_from_values(
        unit="percent", direction="increase", baseline_value="10", baseline_year=2024, targets={"2028": "90"}
    )

    # when
    status = rules.assess_kpi(spec, 2025, Decimal("40.5"))

    # then: the same English as before, as a Text whose numbers follow the locale
    assert status.reasons[0] == (
        "40.5% in 2025 keeps pace: the trajectory expects at least 30% in 2025 (target for 2028: at least 90%)."
    )
    assert isinstance(status.reasons[0], Text) and status.as_dict()["reasons"][0] == status.reasons[0]
    with translation.override("nl"):
        assert localize(status.reasons[0]).startswith("40,5% in 2025")
        assert localize(status.reasons[1]) == "uitgangswaarde: 10% in 2024"
    with translation.override("en"):
        assert localize(status.reasons[0]) == status.reasons[0]


def test_a_refused_kpi_value_is_said_in_the_readers_number_format():
    # when
    with pytest.raises(rules.KpiInputError) as refused:
        rules.check_value(rules.PERCENT, Decimal("150.5"))

    # then
    assert str(refused.value) == "150.5% is over 100%"
    with translation.override("nl"):
        assert localize(refused.value.text) == "150,5% is meer dan 100%"


# -- a supplier's tier and its assessment ----------------------------------------------------------------------------


def test_a_stored_tier_reason_keeps_its_english_and_is_said_again_from_its_template(manager, supplier):
    # when
    d.sourcing_link_add(
        actor=manager, company=supplier, material="cobalt", country_iso3="COD", region="Lualaba", is_asm=True
    )

    # then: the stored JSON holds the English text as before, its template beside it
    stored = SupplierTier.objects.get(company=supplier).reasons
    asm = next(r for r in stored if r["code"] == "asm_sourcing")
    assert asm["text"].startswith("Sources cobalt from Lualaba, ") and asm["said"]["template"] == ASM_REASON
    rebuilt = next(r for r in reasons_from(stored) if r.code == "asm_sourcing")
    assert isinstance(rebuilt.text, Text) and rebuilt.text == asm["text"]


def test_a_suppliers_tier_in_dutch_says_its_reasons_and_its_gaps_in_dutch(
    logged_in, manager, supplier, dutch_catalogue
):
    # given: a high tier (ASM cobalt from the DRC) and a completed assessment with weak answers
    d.sourcing_link_add(
        actor=manager, company=supplier, material="cobalt", country_iso3="COD", region="Lualaba", is_asm=True
    )
    assessment = d.assessment_start(actor=manager, company=supplier, stage="before")
    d.assessment_save(actor=manager, assessment=assessment, answers=worst_answers(), complete=True)
    gap = assessment.gaps.order_by("id").first()
    url = reverse("programmes:supplier", args=[supplier.public_id])

    # when
    dutch_page = parse(logged_in.get(url, **DUTCH).content)
    english_page = parse(logged_in.get(url, **ENGLISH).content)

    # then: the tier's reason from its stored template, its material's Dutch name, the gap in the framework's Dutch
    said = dutch_page.find_all("li", data_code="asm_sourcing")[0].text
    assert (
        said.startswith("Haalt kobalt uit Lualaba, ") and "ambachtelijke en kleinschalige mijnbouw." in said
    )
    english = english_page.find_all("li", data_code="asm_sourcing")[0].text
    assert english.startswith("Sources cobalt from Lualaba, ")
    gaps = dutch_page.by_id("gap-list").text
    assert dutch(gap.description) in gaps and gap.description not in gaps


def test_an_assessments_result_in_dutch_says_the_steps_questions_and_option_labels_in_dutch(
    logged_in, manager, supplier
):
    # given
    assessment = d.assessment_start(actor=manager, company=supplier, stage="before")
    d.assessment_save(actor=manager, assessment=assessment, answers=worst_answers(), complete=True)
    framework = get_assessment_framework(DEFAULT_ASSESSMENT_FRAMEWORK)
    question = framework.questions[0]
    worst = question.option(worst_answers()[question.id])
    assessment.refresh_from_db()

    # when
    page = parse(
        logged_in.get(reverse("programmes:assessment", args=[assessment.public_id]), **DUTCH).content
    )

    # then: the question and the option its reason quotes in Dutch; the stored result stays English
    row = page.by_id(f"q-{question.id}").text
    assert dutch(question.title) in row and f"“{dutch(worst.label)}”" in row
    assert dutch(framework.sections[0].title) in page.by_id("sections").text
    assert assessment.result["questions"][0]["reason"].startswith(f"“{worst.label}”")


# -- a certification --------------------------------------------------------------------------------------------------


def test_a_certification_in_dutch_says_its_status_and_what_it_counts_toward_in_dutch(logged_in, supplier):
    # given
    record = CertificationFactory(
        company=supplier, scheme="copper_mark", status="awarded", valid_until=dt.date(YEAR + 2, 1, 1)
    )
    scheme = get_schemes().scheme("copper_mark")
    status = scheme.status("awarded")

    # when
    page = parse(logged_in.get(record.get_absolute_url(), **DUTCH).content)

    # then: the status and its meaning in Dutch, and the KPI's verdict quotes the Dutch status
    assert dutch(status.label) in page.text and dutch(status.meaning) in page.text
    assert dutch(status.label) in page.by_id("counts-toward").text
    assert status.label not in page.by_id("counts-toward").text
