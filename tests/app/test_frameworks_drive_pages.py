"""A consultation on another buyer's questionnaire (the test framework greenbuy-2026) works end to end.

Its dimensions (visibility, remedy, verification), levels (basic, developing, advanced) and roles (oem,
distributor, broker) appear on every page and in every workbook, and nothing of cfit-2025 does: the pages and
exports read the framework, they do not name its contents.
"""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

import hrdd.consultations
from hrdd.consultations import charts
from hrdd.consultations.models import Invitation
from hrdd.consultations.services import (
    ConsultationError,
    consultation_create,
    invitation_create,
    invitation_submit,
)
from hrdd.consultations.spreadsheets import XLSX_CONTENT_TYPE, SpreadsheetError, read_filled_questionnaire
from hrdd.domain.maturity import score_raw_response
from hrdd.domain.questionnaire_framework import get_framework
from tests.app.workbooks import fill_questionnaire, open_xlsx
from tests.html import document

FIXTURES = Path(__file__).resolve().parent.parent / "domain" / "fixtures"
CFIT_DIMENSION_TITLES = ("Awareness", "Policy commitments")
GREENBUY_DIMENSION_TITLES = ("Visibility", "Remedy", "Verification")

# An original equipment maker: traceability 4 (developing), grievance 6 (advanced), audits 8 (basic: the
# verification band needs more than 8) -> overall developing.
MAKER = {
    "company": "Green Maker Ltd",
    "role": "oem",
    "answers": {
        "traceability": ["smelters"],
        "grievance": "independent",
        "audits": ["third_party"],
        "auditor": "Audit & Co",
    },
}
# Every greenbuy dimension at its top level: traceability 9 capped at 6, grievance 6, audits 9.
LEADER = {
    "company": "Leader Devices",
    "role": "oem",
    "answers": {
        "traceability": ["smelters", "mines"],
        "grievance": "independent",
        "audits": ["self_assessment", "third_party"],
    },
}


@pytest.fixture
def greenbuy(settings):
    """Register the fixture folder as an extra framework folder, as an installation would."""
    settings.HRDD_FRAMEWORK_DIRS = [str(FIXTURES)]
    return get_framework("greenbuy-2026")


@pytest.fixture
def green_consultation(greenbuy, buyer):
    return consultation_create(
        actor=buyer,
        title="Servers on GreenBuy",
        product_category="server",
        deadline=dt.date.today() + dt.timedelta(days=20),
        framework_id="greenbuy-2026",
    )


@pytest.fixture
def green_invitation(buyer, green_consultation):
    return invitation_create(
        actor=buyer, consultation=green_consultation, email="maker@green.example", send=False
    )


@pytest.fixture
def green_submitted(buyer, green_consultation, green_invitation):
    """Two submitted greenbuy responses: a developing maker and an advanced one."""
    invitation_submit(invitation=green_invitation, raw=MAKER)
    leader = invitation_create(
        actor=buyer, consultation=green_consultation, email="leader@green.example", send=False
    )
    invitation_submit(invitation=leader, raw=LEADER)
    return green_invitation


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def post_data(raw, action):
    data = {"company": raw["company"], "role": raw["role"], "action": action}
    for key, value in raw["answers"].items():
        if key == "auditor":
            data["text_auditor"] = value
        else:
            data[key] = [value] if isinstance(value, str) else value
    return data


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def headers_of(table):
    """The text of each header cell of the table."""
    return [th.text for th in table.find_all("th")]


def row_with(table, text):
    """The one row of the table whose text holds `text`."""
    [row] = [tr for tr in table.find_all("tr") if text in tr.text]
    return row


def cells_of(row):
    """The text of each data cell of the row."""
    return [td.text for td in row.find_all("td")]


# choosing the framework


def test_a_framework_outside_the_package_is_unknown_until_its_folder_is_registered(buyer, settings):
    # given
    settings.HRDD_FRAMEWORK_DIRS = []

    # when
    with pytest.raises(ConsultationError) as refused:
        consultation_create(
            actor=buyer,
            title="Servers",
            product_category="server",
            deadline=dt.date.today(),
            framework_id="greenbuy-2026",
        )

    # then
    assert refused.value.field == "framework_id"
    assert "greenbuy-2026" in str(refused.value)


def test_a_registered_folder_lets_a_consultation_use_its_framework(green_consultation):
    # then
    assert green_consultation.framework_id == "greenbuy-2026"
    assert get_framework(green_consultation.framework_id).levels == ("basic", "developing", "advanced")


# the supplier link


def test_the_supplier_link_asks_the_frameworks_questions_and_roles(client, green_invitation):
    # when
    page = client.get(reverse("respond", args=[green_invitation.token]))

    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert "GreenBuy test questionnaire" in html
    for question in ("traceability", "grievance", "audits"):
        assert f'id="q-{question}"' in html
    for role in ("oem", "distributor", "broker"):
        assert f'value="{role}"' in html
    assert 'id="q-transparency"' not in html
    assert 'value="manufacturer"' not in html


def test_a_draft_saved_through_the_link_keeps_the_frameworks_answers(client, green_invitation):
    # given
    partial = {"company": "Green Maker Ltd", "role": "distributor", "answers": {"traceability": ["mines"]}}

    # when
    page = client.post(reverse("respond", args=[green_invitation.token]), post_data(partial, "save"))

    # then
    assert page.status_code == 302
    green_invitation.refresh_from_db()
    assert green_invitation.status == Invitation.Status.DRAFT
    assert green_invitation.role == "distributor"
    assert green_invitation.answers == {"traceability": ["mines"]}


def test_answers_submitted_through_the_link_are_scored_by_the_frameworks_points(
    client, logged_in, green_consultation, green_invitation
):
    # when
    page = client.post(reverse("respond", args=[green_invitation.token]), post_data(MAKER, "submit"))

    # then
    assert page.status_code == 302
    green_invitation.refresh_from_db()
    assert green_invitation.status == Invitation.Status.SUBMITTED
    assert green_invitation.answers["auditor"] == "Audit & Co"
    results = logged_in.get(reverse("consultations:detail", args=[green_consultation.public_id]))
    row = results.context["rows"][0]
    assert dict(row.score.levels) == {
        "visibility": "developing",
        "remedy": "advanced",
        "verification": "basic",
    }
    assert row.score.overall == "developing"


def test_a_submission_missing_a_frameworks_question_is_refused_naming_it(client, green_invitation):
    # given
    incomplete = {**MAKER, "answers": {"traceability": ["smelters"], "grievance": "hotline"}}

    # when
    page = client.post(reverse("respond", args=[green_invitation.token]), post_data(incomplete, "submit"))

    # then
    assert page.status_code == 400
    assert b"answers.audits" in page.content
    green_invitation.refresh_from_db()
    assert green_invitation.status == Invitation.Status.INVITED


# the consultation page and the supplier's scores


def test_the_consultation_page_has_one_column_per_dimension_of_the_framework(
    logged_in, green_consultation, green_submitted
):
    # when
    page = logged_in.get(reverse("consultations:detail", args=[green_consultation.public_id]))

    # then
    assert page.status_code == 200
    html = page.content.decode()
    table = document(page).by_id("suppliers")
    headers = headers_of(table)
    assert headers == ["Company", "Role", "Status", *GREENBUY_DIMENSION_TITLES, "Overall", "Warnings"]
    maker = row_with(table, "Green Maker Ltd")
    for dimension, score, tone, level in (
        ("visibility", "4", "medium", "developing"),
        ("remedy", "6", "high", "advanced"),
        ("verification", "8", "low", "basic"),
    ):
        cell = maker.find("td", data_dimension=dimension)
        assert cell.text == f"{score} {level}"
        assert cell.children[0] == f"{score} "
        badge = cell.find("span")
        assert badge.classes == {"level", f"level-{tone}"}
        assert badge.text == level
    assert not any(title in html for title in CFIT_DIMENSION_TITLES)


def test_the_consultation_page_recommends_by_the_frameworks_market_rule(
    logged_in, green_consultation, green_submitted
):
    # when
    page = logged_in.get(reverse("consultations:detail", args=[green_consultation.public_id]))

    # then
    market = page.context["market"]
    assert market.distribution["overall"] == {"basic": 0, "developing": 1, "advanced": 1}
    assert market.recommended_scenario == 10  # one advanced of two: short of the quorum of two
    text = text_of(page.content.decode())
    assert "Cautious tender" in text
    assert "Always ask for the GreenBuy label." in text


def test_the_consultation_chart_draws_the_frameworks_dimensions_and_levels(
    logged_in, green_consultation, green_submitted
):
    # when
    page = logged_in.get(reverse("consultations:detail", args=[green_consultation.public_id]))

    # then
    svg = str(page.context["chart"])
    for label in (*GREENBUY_DIMENSION_TITLES, "basic", "developing", "advanced"):
        assert f">{label}</text>" in svg
    assert ">medium</text>" not in svg
    assert "Remedy: 2 advanced" in svg


def test_the_chart_colours_the_lowest_level_red_and_the_highest_green(greenbuy):
    # then
    assert charts.level_colour("basic", greenbuy) == "#c0392b"
    assert charts.level_colour("developing", greenbuy) == "#e6a700"
    assert charts.level_colour("advanced", greenbuy) == "#1e8449"


def test_the_suppliers_scores_page_lists_each_dimension_with_its_level(
    logged_in, green_consultation, green_submitted
):
    # when
    page = logged_in.get(
        reverse("consultations:response", args=[green_consultation.public_id, green_submitted.pk])
    )

    # then
    assert page.status_code == 200
    html = page.content.decode()
    levels = document(page).by_id("levels")
    rows = [" ".join(cells_of(tr)) for tr in levels.find("tbody").find_all("tr")]
    assert rows == ["Visibility 4 developing", "Remedy 6 advanced", "Verification 8 basic"]
    assert "Maturity: developing" in text_of(html)
    assert "Fixture, matrix" in html  # the source of each band, among the reasons
    assert "Audit &amp; Co" in html


# workbooks


def test_the_export_has_the_frameworks_score_and_level_columns(
    logged_in, green_consultation, green_submitted
):
    # when
    page = logged_in.get(reverse("consultations:export", args=[green_consultation.public_id]))

    # then
    assert page.status_code == 200
    wb = open_xlsx(page.content)
    rows = list(wb["Suppliers"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[4:-2] == [
        "score traceability",
        "score grievance",
        "score audits",
        "score visibility",
        "score remedy",
        "score verification",
        "level visibility",
        "level remedy",
        "level verification",
    ]
    maker = dict(zip(header, next(r for r in rows if r[0] == "Green Maker Ltd"), strict=True))
    assert maker["level verification"] == "basic"
    assert maker["overall"] == "developing"


def test_the_export_counts_the_market_by_the_frameworks_levels(
    logged_in, green_consultation, green_submitted
):
    # when
    wb = open_xlsx(
        logged_in.get(reverse("consultations:export", args=[green_consultation.public_id])).content
    )

    # then
    market = {row[0]: row[1:] for row in wb["Market"].iter_rows(values_only=True) if row and row[0]}
    assert market["distribution"][:3] == ("basic", "developing", "advanced")
    assert market["overall"][:3] == (0, 1, 1)
    assert market["recommended scenario"][0] == 10
    method = [row[0] for row in wb["Method"].iter_rows(values_only=True)]
    assert method[0] == "framework"
    assert {"visibility", "remedy", "verification"} <= set(method)


def test_the_blank_questionnaire_holds_the_frameworks_questions_and_roles(logged_in, green_consultation):
    # when
    page = logged_in.get(reverse("consultations:blank", args=[green_consultation.public_id]))

    # then
    assert page["Content-Type"] == XLSX_CONTENT_TYPE
    rows = list(open_xlsx(page.content)["Questionnaire"].iter_rows(values_only=True))
    assert rows[1][3] == "greenbuy-2026"
    keys = {row[0] for row in rows if row}
    assert {"traceability", "grievance", "audits"} <= keys
    assert "transparency" not in keys
    role_row = next(row for row in rows if row[0] == "role")
    assert "oem, distributor, broker" in role_row[2]
    assert ("audits", "text:auditor") in {(row[0], row[1]) for row in rows if row}


def test_the_supplier_downloads_the_frameworks_blank_questionnaire_through_the_link(client, green_invitation):
    # when
    page = client.get(reverse("respond_blank", args=[green_invitation.token]))

    # then
    keys = {row[0] for row in open_xlsx(page.content)["Questionnaire"].iter_rows(values_only=True) if row}
    assert {"traceability", "grievance", "audits"} <= keys


def test_a_filled_blank_questionnaire_reads_back_by_the_frameworks_questions(
    logged_in, green_consultation, greenbuy
):
    # given
    blank = logged_in.get(reverse("consultations:blank", args=[green_consultation.public_id])).content
    filled = fill_questionnaire(blank, company=LEADER["company"], role="oem", answers=LEADER["answers"])

    # when
    read = read_filled_questionnaire(io.BytesIO(filled), greenbuy)

    # then
    assert read.framework_id == "greenbuy-2026"
    assert read.raw_response["answers"] == {
        "traceability": ["smelters", "mines"],
        "grievance": ["independent"],
        "audits": ["self_assessment", "third_party"],
    }
    score = score_raw_response(read.raw_response, greenbuy)
    assert dict(score.levels) == {"visibility": "advanced", "remedy": "advanced", "verification": "advanced"}


def test_a_filled_cfit_questionnaire_is_refused_by_a_greenbuy_consultation(greenbuy, blank_xlsx):
    # given
    filled = fill_questionnaire(blank_xlsx, company="Acme", role="manufacturer", answers={})

    # when / then
    with pytest.raises(SpreadsheetError, match="greenbuy-2026"):
        read_filled_questionnaire(io.BytesIO(filled), greenbuy)


# the default framework is read the same way


def test_the_default_frameworks_consultation_page_takes_its_columns_from_cfit_2025(
    logged_in, consultation, submitted
):
    # when
    page = logged_in.get(reverse("consultations:detail", args=[consultation.public_id]))

    # then
    headers = headers_of(document(page).by_id("suppliers"))
    titles = [d.title for d in get_framework("cfit-2025").dimensions]
    assert headers[3:-2] == titles


def test_no_consultation_template_names_a_dimension_or_level_of_cfit_2025():
    # given
    framework = get_framework("cfit-2025")
    folder = Path(hrdd.consultations.__file__).parent / "templates" / "consultations"
    names = [d.id for d in framework.dimensions] + list(framework.levels)
    pattern = re.compile(r"(scores|levels)\.(" + "|".join(names) + r")\b|level-(" + "|".join(names) + r")\b")

    # when
    found = {path.name: pattern.findall(path.read_text()) for path in folder.glob("*.html")}

    # then
    assert found and all(not hits for hits in found.values()), found
