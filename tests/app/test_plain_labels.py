"""Pages and documents show plain titles, never hrdd's internal ids (`component_manufacturing`, `child_labour`,
`tier1_only`...), and explain the codes and scores a newcomer meets."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from hrdd.accounts.models import User
from hrdd.contracts.models import Contract
from hrdd.core.labels import code_meaning, status_label
from hrdd.demo import DEMO_LOGIN, load_demo
from hrdd.domain.labels import VOCABULARIES, title_of, vocabulary
from hrdd.risks.models import ProductRiskAssessment
from hrdd.tenders.models import Tender
from tests.html import parse

# Every id of the frameworks' vocabularies that is written with an underscore, and so is no English word.
INTERNAL_IDS = frozenset(i for kind in VOCABULARIES for i in vocabulary(kind) if "_" in i)
ID_PATTERN = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
# Where an id is shown on purpose: JSON and command-line examples are set in <code> or <pre>.
HIDDEN = {"script", "style", "code", "pre", "textarea", "template"}
# Links the crawl does not follow: they change data, log out or download.
NOT_FOLLOWED = re.compile(
    r"logout|/delete|/archive|/restore|/withdraw|/reopen|/resend|/admin|/api/|format=|\.ics|calendar|/export|"
    r"/file|/template|/blank|/feed|/remind|/deactivate|/reactivate|page="
)


class VisibleText(HTMLParser):
    """The text a person reads on a page: its text and its tooltips, without scripts, styles and code."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in HIDDEN:
            self.hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name in ("title", "placeholder", "aria-label"):
            if values.get(name) and not self.hidden:
                self.parts.append(values[name])

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(page) -> VisibleText:
    reader = VisibleText()
    reader.feed(page.content.decode())
    return reader


def internal_ids(text: str) -> set[str]:
    return {m.group() for m in ID_PATTERN.finditer(text)} & INTERNAL_IDS


@pytest.fixture
def demo(db, client):
    load_demo()
    client.force_login(User.objects.get(email=DEMO_LOGIN))
    return client


def test_the_vocabularies_hold_the_ids_a_newcomer_stumbled_on():
    assert {"component_manufacturing", "child_labour", "refining_smelting", "site_list", "tier1_only"} <= (
        INTERNAL_IDS
    )


@pytest.mark.parametrize(
    ("value", "kind", "title"),
    [
        ("component_manufacturing", "stage", "Component manufacturing"),
        ("child_labour", "category", "Child labour"),
        ("timeliness", "kpi", "Timeliness"),
        ("explanation_if_incomplete", "content", "Explanation where the list is incomplete"),
        ("wgi_rule_of_law_percentile_rank", "indicator", "World Bank rule-of-law percentile rank"),
        ("tier1_only", "option", "No view beyond the direct suppliers"),
        ("AC1", "criterion", "Human-rights risk assessment"),
        ("some_new_thing", "stage", "some new thing"),  # no title written: the id as words
    ],
)
def test_every_id_has_one_title_written_in_the_frameworks(value, kind, title):
    assert title_of(value, kind) == title


def test_a_criterion_code_says_what_kind_of_requirement_it_is():
    assert code_meaning("AC1") == "award criterion 1: Human-rights risk assessment"
    assert code_meaning("SC2") == "selection criterion 2: Supply-chain transparency: products"
    assert code_meaning("CC3") == "contract clause 3: Reporting on mitigating actions"
    assert code_meaning("LABEL").startswith("label requirement: Certified products")


def test_status_codes_are_shown_as_words():
    assert [status_label(s) for s in ("problem", "warning", "pending", "ok")] == [
        "problem",
        "warning",
        "pending",
        "ok",
    ]


def test_no_page_of_the_demo_shows_an_internal_id(demo):
    # given: every page a buyer reaches by following links from the overview
    seen: set[str] = set()
    queue = [reverse("overview")]
    shown: dict[str, set[str]] = {}

    # when
    while queue and len(seen) < 120:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page = demo.get(url)
        if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
            continue
        reader = visible(page)
        found = internal_ids(" ".join(reader.parts))
        if found:
            shown[url] = found
        for link in reader.links:
            target = urlparse(urljoin(url, link))
            path = target.path + (f"?{target.query}" if target.query else "")
            if target.netloc in ("", "testserver") and not NOT_FOLLOWED.search(path) and path not in seen:
                queue.append(path)

    # then
    assert len(seen) > 40
    assert shown == {}


def test_the_supplier_reporting_page_shows_no_internal_id(demo, client):
    # given: the contract whose supplier lists its production sites
    contract = Contract.objects.filter(obligations__submissions__isnull=False).distinct().first()

    # when
    client.logout()
    page = client.get(contract.get_supplier_url())

    # then
    assert page.status_code == 200
    assert internal_ids(" ".join(visible(page).parts)) == set()


def test_the_contract_page_names_kpis_contents_stages_and_countries_in_words(demo):
    # given
    contract = next(
        c for c in Contract.objects.all() if c.obligations.filter(submissions__sites__isnull=False).exists()
    )

    # when
    text = " ".join(visible(demo.get(contract.get_absolute_url())).parts)

    # then
    assert "Timeliness:" in text
    assert "Production sites listed:" in text or "Explanation where the list is incomplete:" in text
    assert not internal_ids(text)


def test_the_tender_page_explains_the_codes(demo):
    # given
    tender = Tender.objects.first()

    # when
    document = parse(demo.get(tender.get_absolute_url()).content)

    # then
    help_box = document.by_id("codes-help")
    assert help_box.tag == "details"
    summary = next(e for e in help_box.iter() if e.tag == "summary")
    assert summary.text == "What do these codes mean?"
    for words in ("Selection criterion", "Award criterion", "Contract clause", "TCO Certified"):
        assert words in help_box.text


def test_the_bids_page_marks_each_criterion_code_as_an_abbreviation(demo):
    # given
    tender = Tender.objects.first()

    # when
    document = parse(demo.get(reverse("tenders:bids", args=[tender.public_id])).content)

    # then
    heads = [e for e in document.by_id("drafts").iter() if e.tag == "abbr"]
    assert heads
    assert all(
        re.match(r"(award criterion|selection criterion|label requirement)\b", h.get("title")) for h in heads
    )


def test_the_risk_page_explains_what_a_score_means(demo):
    # given
    saved = ProductRiskAssessment.objects.first()

    # when
    document = parse(demo.get(saved.get_absolute_url()).content)

    # then
    help_box = document.by_id("score-help")
    assert help_box.tag == "details"
    text = help_box.text
    for words in ("Exposure", "Likelihood", "Severity", "hrdd's own choices", "child labour 3"):
        assert words in text
    assert "So no score is above 3" in text
    method = document.by_id("method").text
    assert "Component manufacturing" in method
    assert "component_manufacturing" not in method


def download(client, saved, fmt):
    page = client.get(saved.get_absolute_url(), {"format": fmt})
    assert page.status_code == 200
    return page.content


def test_the_word_risk_report_names_stages_risks_and_countries_in_words(demo):
    # given
    saved = ProductRiskAssessment.objects.first()

    # when
    document = Document(io.BytesIO(download(demo, saved, "docx")))

    # then
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(texts)
    assert not internal_ids(text)
    risks = document.tables[1]
    where = [row.cells[1].text for row in risks.rows[1:]]
    assert any(w.endswith(", Democratic Republic of the Congo") or "Congo" in w for w in where)
    assert not any(re.search(r"\b[A-Z]{3}$", w) for w in where)  # no bare ISO code


def test_the_excel_risk_workbook_names_stages_and_risks_in_words(demo):
    # given
    saved = ProductRiskAssessment.objects.first()

    # when
    workbook = load_workbook(io.BytesIO(download(demo, saved, "xlsx")))

    # then
    cells = [str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert not internal_ids("\n".join(cells))
    risks = list(workbook["3 Risk scoping"].iter_rows(values_only=True))
    categories = {row[0] for row in risks[1:]}
    stages = {row[1] for row in risks[1:]}
    assert "Child labour" in categories
    assert stages <= set(vocabulary("stage").values())


def test_the_markdown_risk_report_shows_no_internal_id(demo):
    # given
    saved = ProductRiskAssessment.objects.first()

    # when
    text = download(demo, saved, "md").decode()

    # then
    assert not internal_ids(text)
    assert "Product category: Notebooks." in text
