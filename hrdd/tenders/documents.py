"""The tender annex and the bid evaluation as documents: Markdown, HTML, DOCX, JSON and XLSX (OCDS: ocds.py).

The annex is built once as an `AnnexDocument` (what a published annex says: who publishes it, the risks behind it,
each criterion, how bids are scored, the buyer's choices and the bidder's response form) and written out in each
format; the evaluation likewise as an `AwardReport`. Numbers, prices and dates are written for the active language
(django.utils.formats), so a report reads "EUR 1,234,567.00" and "96.65 points", never "1234567" or "96.6505".
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from hrdd.core.spreadsheets import append_row, workbook_bytes
from hrdd.core.texts import localize
from hrdd.domain.tender import (
    Evaluation,
    TenderAnnex,
    TenderFramework,
    TenderFrameworkError,
    fill_months,
    get_tender_framework,
    joined,
)
from hrdd.domain.tender_choices import DUE_DILIGENCE_TEXT, TenderChoices
from hrdd.domain.texts import Text

KIND_TITLES = {
    "label": gettext_noop("Admission requirement: certified products"),
    "selection": gettext_noop("Selection criteria"),
    "award": gettext_noop("Award criteria"),
    "clause": gettext_noop("Contract clauses (performance conditions)"),
}
KINDS = ("label", "selection", "award", "clause")


# --- numbers, prices and dates as the active language writes them ------------------------------------------------


def amount(value: float, *, decimals: int = 2) -> str:
    """A number with the language's thousands separator and decimal mark: 1,234,567.00."""
    # rounded first: number_format cuts extra decimals off (399,666.666 would read 399,666.66)
    return formats.number_format(
        round(float(value), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


def points(value: float | None) -> str:
    """Points to two decimals (96.65); a dash for none."""
    return "—" if value is None else amount(value)


def weight_text(value: float | None) -> str:
    """A weight as written in the annex: whole when whole (20), else to two decimals (13.33)."""
    if value is None:
        return "—"
    return amount(value, decimals=0 if float(value).is_integer() else 2)


def money(value: float, currency: str) -> str:
    """A price with its currency code and two decimals: EUR 255,000.00."""
    return f"{currency} {amount(value)}"


def share(fraction: float) -> str:
    """The share of a criterion's points a bid earns: 70%."""
    return f"{amount(fraction * 100, decimals=0)}%"


def date_text(value: dt.date | dt.datetime | None) -> str:
    """A date in the language's format."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(value, "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


# --- who publishes the document ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentHeader:
    """What every page of a published document says: the buyer, the tender, its reference, number and date."""

    buyer: str = ""
    tender: str = ""
    reference: str = ""
    number: str = ""  # "Annex 1"; empty for a report
    date: dt.date | None = None
    currency: str = "EUR"

    def top_line(self) -> str:
        """The first header line: buyer · tender · reference."""
        parts = [self.buyer, self.tender]
        if self.reference:
            parts.append(_("Reference %s") % self.reference)
        return " · ".join(p for p in parts if p)

    def second_line(self) -> str:
        """The second header line: number · date."""
        return " · ".join(p for p in (self.number, date_text(self.date)) if p)

    def facts(self) -> list[tuple[str, str]]:
        """The header as labelled facts, for the document's first lines."""
        rows = [
            (_("Contracting authority"), self.buyer),
            (_("Tender"), self.tender),
            (_("Reference"), self.reference),
            (_("Date"), date_text(self.date)),
        ]
        return [(label, value) for label, value in rows if value]


def document_header(tender: Any, *, number: str = "", date: dt.date | None = None) -> DocumentHeader:
    """The header of a stored tender's documents: its organisation, title, the procurement's reference."""
    from hrdd.tenders.services import tender_choices

    procurement = getattr(tender, "procurement", None)
    return DocumentHeader(
        buyer=tender.organisation.name,
        tender=tender.title,
        reference=getattr(procurement, "reference", "") or "",
        number=number,
        date=date or timezone.localdate(),
        currency=tender_choices(tender).currency,
    )


def _framework(name: str) -> TenderFramework | None:
    """The tender framework an annex or evaluation names ("cfit-2025-tender 2025.1"), if it is still shipped."""
    try:
        return get_tender_framework(name.split()[0]) if name else None
    except TenderFrameworkError:
        return None


def _criterion_title(framework: TenderFramework | None, criterion_id: str) -> str:
    if framework is not None:
        for criterion in framework.criteria:
            if criterion.id == criterion_id:
                return f"{criterion_id} {localize(criterion.title)}"
    return criterion_id


def filled(template: str, text: str, months: int) -> str:
    """A framework text with the buyer's months filled in, in the active language: its translation is keyed by
    the text before they are filled in (`template`); without one, `text` as it is (localized)."""
    return fill_months(localize(template), months) if template else localize(text)


def lowered(text: str) -> str:
    """A title inside a sentence: in lower case, except in German, whose nouns keep their capital."""
    return text if document_language() == "de" else text.lower()


def document_language() -> str:
    """The language active now, as a shipped code: the language a document is being written in."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# --- the annex, as published -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One criterion or clause: its heading, requirement and the facts a bidder needs (evidence, scoring, law)."""

    id: str
    heading: str
    requirement: str
    rows: tuple[tuple[str, str], ...]
    note: str = ""  # for the buyer's page only (e.g. the manual's numbering slip)


@dataclass(frozen=True)
class Section:
    kind: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class FormTable:
    """One table of the response form: a first column that says what to give, empty cells for the answers."""

    id: str
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    intro: str = ""


@dataclass(frozen=True)
class AnnexDocument:
    header: DocumentHeader
    heading: str
    facts: tuple[tuple[str, str], ...]
    intro: tuple[str, ...]
    risks: tuple[str, ...]
    sections: tuple[Section, ...]
    scoring: tuple[str, ...]  # paragraphs: admission, the price formula, an example, the total
    weights: tuple[tuple[str, str], ...]  # (criterion, maximum points), the total last
    choices: tuple[tuple[str, str], ...]  # (topic, the buyer's choice)
    response_intro: str
    response: tuple[FormTable, ...]
    declaration: str
    signature: FormTable
    author: str = ""
    title: str = ""

    @property
    def price_formula(self) -> str:
        return self.scoring[1] if len(self.scoring) > 1 else ""


KPI_TITLES = {
    "timeliness": gettext_noop("timeliness"),
    "completeness": gettext_noop("completeness"),
    "contents": gettext_noop("contents"),
    "responsiveness": gettext_noop("responsiveness"),
}

ELEMENT_TEXTS = {
    "policies": gettext_noop("(1) The main human-rights policies, and where they can be read"),
    "risk_identification": gettext_noop("(2) How human-rights risks are identified and prioritised"),
    "monitoring": gettext_noop("(3) How prioritised risks are monitored at high-risk suppliers"),
    "mitigation": gettext_noop("(4) The actions taken to mitigate risks"),
    "reporting": gettext_noop("(5) Where the due diligence is reported"),
}


def _label_heading(annex: TenderAnnex) -> str:
    if annex.require_label:
        return _("Admission requirement: certified products")
    return _("Recommendation: certified products")


def _section_heading(kind: str, annex: TenderAnnex) -> str:
    if kind == "label":
        return _label_heading(annex)
    return _(KIND_TITLES[kind])


def _block(item: Any, *, months: int, published: bool) -> Block:
    criterion = item.criterion
    heading = f"{criterion.id} {localize(criterion.title)}"
    if item.weight is not None:
        heading += " — " + _("up to %s points") % weight_text(item.weight)
    templates = item.kpi_templates or ("",) * len(item.kpis)
    rows = [
        (_("Evidence"), localize(criterion.verification)),
        (_("How it is scored"), localize(criterion.scoring)),
        *(
            (_("Performance measure: %s") % _(KPI_TITLES.get(kpi, kpi)), filled(template, text, months))
            for (kpi, text), template in zip(item.kpis, templates, strict=True)
        ),
        (_("Legal basis"), "; ".join(localize(legal) for legal in item.legal)),
    ]
    return Block(
        id=criterion.id,
        heading=heading,
        requirement=filled(item.requirement_template, item.requirement, months),
        rows=tuple(rows),
        note="" if published else localize(criterion.note or ""),
    )


def _response_rows(item: Any) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]:
    """The response form's columns, rows and intro for one criterion, from the rule that reads the answers."""
    rule = item.criterion.rule
    extra = rule.model_extra or {}
    answer = (_("What to give"), _("Your answer, or where it is in your bid"))
    if rule.type == "label":
        return (
            answer,
            (
                (_("The label each product offered holds (name, generation or criteria set)"), ""),
                (_("Certificate number or registry entry of each product"), ""),
                (
                    _(
                        "For an equivalent label: its name, its criteria and the proof that the products meet them"
                    ),
                    "",
                ),
            ),
            "",
        )
    if rule.type == "risk_assessment":
        return (
            answer,
            (
                (_("Key components used in the products (at least %d)") % extra.get("components", 1), ""),
                (_("Raw materials used in them (at least %d)") % extra.get("raw_materials", 2), ""),
                (
                    _("Countries these components and materials (probably) come from (at least %d)")
                    % extra.get("countries", 1),
                    "",
                ),
                (
                    _("Human-rights risks tied to them, each briefly discussed (at least %d)")
                    % extra.get("risks", 3),
                    "",
                ),
                (_("The report attached (file name; at most two pages)"), ""),
            ),
            "",
        )
    if rule.type == "site_list":
        return (
            answer,
            (
                (_("Production sites: the name and address of each (attach the list when it is longer)"), ""),
                (_("Or a plan to compile the list: its timeline"), ""),
                (_("Plan: its deliverables"), ""),
                (_("Plan: the main challenges"), ""),
                (_("Plan: how suppliers will be engaged"), ""),
            ),
            _("Give either the list or the plan with all four parts."),
        )
    if rule.type == "policy_commitment":
        return (
            answer,
            (
                (_("Where the written commitment can be read (document and page, or web address)"), ""),
                (_("Evidence that it was communicated to suppliers (how, when and to whom)"), ""),
            ),
            "",
        )
    if rule.type == "action_plan":
        return (
            (_("No."), _("Action"), _("Why this action (justification)")),
            tuple((str(n), "", "") for n in (1, 2, 3)),
            _("Add rows for further actions; each action needs its justification."),
        )
    if rule.type == "due_diligence":
        elements = extra.get("elements", ())
        return (
            answer,
            tuple((_(ELEMENT_TEXTS.get(e, e.replace("_", " "))), "") for e in elements),
            "",
        )
    return answer, (), ""


def _price_example(price_weight: float, currency: str) -> str:
    lowest, bid = 100_000, 110_000
    earned = round(price_weight * lowest / bid, 2)
    return _(
        "Example: with a price weight of %(weight)s, a bid of %(bid)s when the lowest admitted price is "
        "%(lowest)s earns %(weight)s × %(lowest)s ÷ %(bid)s = %(points)s points."
    ) % {
        "weight": weight_text(price_weight),
        "bid": money(bid, currency),
        "lowest": money(lowest, currency),
        "points": points(earned),
    }


def _label_role_text(role: str) -> str:
    return {
        "admission": _("an admission requirement: a bid without it is not admitted"),
        "award": _("an award criterion: points for it"),
        "recommendation": _("a recommendation: not scored"),
    }[role]


def _labels_accepted(choices: TenderChoices) -> str:
    epeat = {
        "rsc-2025": _("EPEAT under its 2025 Responsible Supply Chains criteria"),
        "any": _("any EPEAT registration"),
        "none": _("EPEAT not on its own"),
    }[choices.epeat]
    return _("TCO Certified generation %(generation)s or later; %(epeat)s; or an equivalent label") % {
        "generation": choices.tco_generation,
        "epeat": epeat,
    }


def annex_document(
    annex: TenderAnnex,
    *,
    title: str = "",
    header: DocumentHeader | None = None,
    choices: TenderChoices | None = None,
    published: bool = True,
) -> AnnexDocument:
    """What the published annex says, whatever its format. `published=False` adds the buyer's notes (the page)."""
    header = header or DocumentHeader(tender=title, number=_("Annex 1"), date=timezone.localdate())
    if title and not header.tender:
        header = replace(header, tender=title)
    choices = choices or TenderChoices.from_dict({}, require_label=annex.require_label)
    currency = header.currency
    framework = _framework(annex.framework)
    heading = _("Human-rights requirements")
    if header.number:
        heading = f"{header.number}: {heading}"
    facts = header.facts()
    # the guidance itself, without the framework file's list of sections
    source = framework.source.split(", section")[0] if framework is not None else annex.framework
    intro = (
        _("%(aim)s These requirements follow %(source)s, %(section)s (%(scenario)s).")
        % {
            "aim": localize(annex.scenario.aim),
            "source": source,
            "section": annex.scenario.source.lower(),
            "scenario": lowered(localize(annex.scenario.title)),
        },
        _(
            "Each tenderer completes the response form at the end of this annex and attaches the evidence it asks "
            "for. The contract clauses bind the tenderer awarded the contract."
        ),
    )
    sections = tuple(
        Section(
            kind,
            _section_heading(kind, annex),
            tuple(_block(i, months=annex.months, published=published) for i in items),
        )
        for kind in KINDS
        if (items := annex.of_kind(kind))
    )
    awards = annex.of_kind("award")
    scoring: list[str] = []
    weights: list[tuple[str, str]] = []
    if awards:
        admission = [i.criterion.id for i in annex.of_kind("selection")]
        if annex.require_label and annex.of_kind("label"):
            admission.insert(0, annex.of_kind("label")[0].criterion.id)
        scoring.append(
            _("Only admitted bids are scored: a bid is admitted when it meets %s.") % ", ".join(admission)
            if admission
            else _("Every bid is scored: this tender has no admission requirement on human rights.")
        )
        scoring.append(
            _(
                "Price points = price weight × lowest admitted price ÷ the bid's price (the lowest price earns all %s)."
            )
            % weight_text(annex.price_weight)
        )
        scoring.append(_price_example(annex.price_weight, currency))
        scoring.append(
            _(
                "Each award criterion earns its maximum points times the share of it the bid meets (see 'How it is "
                "scored' under each criterion). The total is the price points plus the award criteria's points, "
                "rounded to two decimals; the highest total ranks first."
            )
        )
        if framework is not None:
            scoring.append(
                _(
                    "A price more than %(share)s below the mean of the other bids is flagged as possibly abnormally "
                    "low, and the tenderer is asked to explain it (Directive 2014/24/EU Article 69); the flag does "
                    "not change the score."
                )
                % {"share": f"{framework.parameters.abnormally_low_share:.0%}"}
            )
        weights = [(_("Price"), weight_text(annex.price_weight))]
        weights += [
            (f"{i.criterion.id} {localize(i.criterion.title)}", weight_text(i.weight)) for i in awards
        ]
        total = annex.price_weight + sum(i.weight or 0.0 for i in awards)
        weights.append((_("Total"), weight_text(total)))
    ids = {i.criterion.id for i in annex.items}
    picked: list[tuple[str, str]] = []
    if any(i.criterion.rule.type == "label" for i in annex.items):
        role = "award" if any(i.criterion.rule.type == "label" for i in awards) else choices.label_role
        picked.append((_("The label"), _label_role_text(role)))
        picked.append((_("Labels accepted"), _labels_accepted(choices)))
    if "CC1" in ids:
        picked.append(
            (
                _("Risk assessment after award (CC1)"),
                _("%d months after the award at the latest, and before delivery") % annex.months,
            )
        )
    if any(i.criterion.rule.type == "due_diligence" for i in awards):
        picked.append(
            (_("Scoring of due-diligence processes"), localize(DUE_DILIGENCE_TEXT[choices.due_diligence]))
        )
    if awards:
        picked.append((_("Maximum points"), _("as in the table under 'How the bids are scored'")))
        picked.append((_("Price points"), _("price weight × lowest admitted price ÷ the bid's price")))
    picked.append((_("Currency of the prices"), currency))
    response = [
        FormTable(
            id="tenderer",
            heading=_("The tenderer"),
            columns=(_("What to give"), _("Your answer")),
            rows=(
                (_("Tenderer (legal name)"), ""),
                (_("Address"), ""),
                (_("Contact person, e-mail and telephone"), ""),
                (_("Total price offered (%s, excluding VAT)") % currency, ""),
            ),
        )
    ]
    for item in annex.items:
        if item.criterion.kind == "clause":
            continue
        columns, rows, form_intro = _response_rows(item)
        if rows:
            response.append(
                FormTable(
                    id=item.criterion.id,
                    heading=f"{item.criterion.id} {localize(item.criterion.title)}",
                    columns=columns,
                    rows=rows,
                    intro=form_intro,
                )
            )
    clauses = [i.criterion.id for i in annex.of_kind("clause")]
    declaration = (
        _(
            "The tenderer declares that the answers above are true and complete, and accepts the contract clauses "
            "%s of this annex should it be awarded the contract."
        )
        % ", ".join(clauses)
        if clauses
        else _("The tenderer declares that the answers above are true and complete.")
    )
    signature = FormTable(
        id="signature",
        heading=_("Signed for the tenderer"),
        columns=("", _("For the tenderer")),
        rows=((_("Name"), ""), (_("Function"), ""), (_("Signature"), ""), (_("Place and date"), "")),
    )
    return AnnexDocument(
        header=header,
        heading=heading,
        facts=tuple(facts),
        intro=intro,
        risks=annex.risk_notes,
        sections=sections,
        scoring=tuple(scoring),
        weights=tuple(weights),
        choices=tuple(picked),
        response_intro=_(
            "Complete one table per criterion; where an answer is long, give it in an attachment and name the "
            "attachment and page here."
        ),
        response=tuple(response),
        declaration=declaration,
        signature=signature,
        author=header.buyer,
        title=" · ".join(p for p in (header.number, header.tender) if p) if header.tender else heading,
    )


@dataclass(frozen=True)
class Reading:
    """One place where the manual leaves room: what it says, the buyer's choice and hrdd's suggestion."""

    topic: str
    manual: str
    chosen: str
    suggested: str

    @property
    def changed(self) -> bool:
        return self.chosen != self.suggested


def buyer_readings(tender: Any, annex: TenderAnnex) -> tuple[Reading, ...]:
    """hrdd's readings of the manual beside the buyer's choices, for the tender page: each is the buyer's to make."""
    from hrdd.domain.tender import default_weights
    from hrdd.tenders.services import tender_choices, tender_framework

    choices = tender_choices(tender)
    suggested = TenderChoices()
    framework = tender_framework(tender)
    base = get_tender_framework(tender.framework_id)
    ids = {i.criterion.id for i in annex.items}

    def weights_text(values: dict[str, float]) -> str:
        return ", ".join(f"{_('price') if k == 'price' else k} {weight_text(v)}" for k, v in values.items())

    chosen_weights = {"price": annex.price_weight} | {
        i.criterion.id: i.weight or 0.0 for i in annex.items if i.weight is not None
    }
    found = [
        Reading(
            _("The label"),
            _(
                "Section 3.3.1: certified products are a good starting point whatever the market's maturity; "
                "whether to require, score or recommend them is left open."
            ),
            _label_role_text(choices.label_role),
            _label_role_text(suggested.label_role),
        ),
        Reading(
            _("Labels accepted"),
            _(
                "Section 3.3.1 names TCO Certified generation 9, and EPEAT's criteria in force from November 2025."
            ),
            _labels_accepted(choices),
            _labels_accepted(suggested),
        ),
    ]
    if "CC1" in ids:
        found.append(
            Reading(
                _("Risk assessment after award (CC1)"),
                _("Contract clause 1: 'at the latest, X months after the award', X left to the buyer."),
                _("%d months") % annex.months,
                _("%d months") % base.parameters.default_months,
            )
        )
    if any(i.criterion.rule.type == "due_diligence" for i in annex.items):
        found.append(
            Reading(
                _("Scoring of due-diligence processes (AC7)"),
                _("Award criterion 7: 'depending on completeness: 0-100%' over five elements."),
                localize(DUE_DILIGENCE_TEXT[choices.due_diligence]),
                localize(DUE_DILIGENCE_TEXT[suggested.due_diligence]),
            )
        )
    found += [
        Reading(
            _("Maximum points"),
            _("The manual gives each criterion's shares, not the weights of the criteria against price."),
            weights_text(chosen_weights),
            weights_text(default_weights(annex.scenario, framework)),
        ),
        Reading(
            _("Price points"),
            _("The manual gives no price formula."),
            _("price weight × lowest admitted price ÷ the bid's price"),
            _("price weight × lowest admitted price ÷ the bid's price"),
        ),
    ]
    return tuple(found)


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") or " "


def _md_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(c) for c in columns) + " |"]
    lines.append("|" + "|".join("---" for _c in columns) + "|")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def annex_markdown(
    annex: TenderAnnex,
    *,
    title: str = "",
    header: DocumentHeader | None = None,
    choices: TenderChoices | None = None,
) -> str:
    """Return the tender's human-rights annex as Markdown: the header's facts under the heading, then the rest."""
    doc = annex_document(annex, title=title, header=header, choices=choices)
    lines = [f"# {doc.heading}", ""]
    lines += [f"**{label}:** {value}  " for label, value in doc.facts] + [""]
    lines += [*(p + "\n" for p in doc.intro)]
    if doc.risks:
        lines += ["## " + _("Why these requirements: known risks of this product"), ""]
        lines += [
            _("The contracting authority's assessment of the product's supply chain found, among others:"),
            "",
        ]
        lines += [f"- {note}" for note in doc.risks] + [""]
    for section in doc.sections:
        lines += [f"## {section.heading}", ""]
        for block in section.blocks:
            lines += [f"### {block.heading}", "", block.requirement, ""]
            lines += [f"- **{label}:** {text}" for label, text in block.rows]
            lines.append("")
    if doc.scoring:
        lines += ["## " + _("How the bids are scored"), ""]
        lines += [*(p + "\n" for p in doc.scoring)]
        lines += _md_table((_("Criterion"), _("Maximum points")), doc.weights) + [""]
    lines += ["## " + _("Choices of the contracting authority"), ""]
    lines += _md_table((_("Topic"), _("Choice")), doc.choices) + [""]
    lines += ["## " + _("Response form (completed by the tenderer)"), "", doc.response_intro, ""]
    for table in doc.response:
        lines += [f"### {table.heading}", ""]
        if table.intro:
            lines += [table.intro, ""]
        lines += _md_table(table.columns, table.rows) + [""]
    lines += [doc.declaration, ""]
    lines += [f"### {doc.signature.heading}", ""] + _md_table(doc.signature.columns, doc.signature.rows)
    return "\n".join(lines) + "\n"


def annex_html(
    annex: TenderAnnex,
    *,
    title: str = "",
    header: DocumentHeader | None = None,
    choices: TenderChoices | None = None,
) -> str:
    """Return the annex as a standalone HTML page (to publish or paste into the tender documents)."""
    doc = annex_document(annex, title=title, header=header, choices=choices)
    return render_to_string("tenders/annex_standalone.html", {"doc": doc, "language": document_language()})


def annex_json(annex: TenderAnnex) -> str:
    """Return the annex as JSON (the API's shape), its texts in the active language."""
    data = annex.as_dict()
    data["title"] = localize(annex.scenario.title)
    data["aim"] = localize(annex.scenario.aim)
    for item, out in zip(annex.items, data["items"], strict=True):
        criterion = item.criterion
        templates = item.kpi_templates or ("",) * len(item.kpis)
        out |= {
            "title": localize(criterion.title),
            "requirement": filled(item.requirement_template, item.requirement, annex.months),
            "verification": localize(criterion.verification),
            "scoring": localize(criterion.scoring),
            "kpis": [
                {"kpi": kpi, "text": filled(template, text, annex.months)}
                for (kpi, text), template in zip(item.kpis, templates, strict=True)
            ],
            "legal_basis": [localize(legal) for legal in item.legal],
            "note": localize(criterion.note) if criterion.note else criterion.note,
        }
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- Word ----------------------------------------------------------------------------------------------------------


def _field(paragraph: Any, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph: begin, instruction, separate, its last value, end."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _new_docx(header: DocumentHeader, *, title: str, subject: str, landscape: bool = False) -> Any:
    """An A4 Word document with the header on every page, 'Page X of Y' in the footer and the buyer as author."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(2.2)
    head = section.header.paragraphs[0]
    head.text = header.top_line()
    second = section.header.add_paragraph(header.second_line())
    for paragraph in (head, second):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for run in paragraph.runs:
            run.font.size = Pt(8)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run(_("Page") + " ")
    _field(foot, "PAGE")
    foot.add_run(" " + _("of") + " ")
    _field(foot, "NUMPAGES")
    for run in foot.runs:
        run.font.size = Pt(8)
    properties = doc.core_properties
    properties.author = header.buyer
    properties.last_modified_by = header.buyer
    properties.title = title
    properties.subject = subject
    properties.keywords = header.reference
    properties.language = document_language()
    properties.comments = ""
    properties.category = ""
    properties.revision = 1
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    properties.created = properties.modified = now
    for part in doc.part.package.parts:  # the template names a Word for Mac as the application that wrote it
        if str(part.partname) == "/docProps/app.xml":
            part._blob = re.sub(
                rb"<Application>[^<]*</Application>", b"<Application>hrdd</Application>", part.blob
            )
    return doc


def _table(
    doc: Any,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float] = (),
    right: Sequence[int] = (),
) -> Any:
    """A bordered table with a bold header row (repeated on each page) and a little space after it.

    `widths` in cm size the columns to their content (the grid, which LibreOffice reads, and each cell, which Word
    reads); the columns numbered in `right` hold numbers and are aligned right.
    """
    table = doc.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    if any(columns):
        cells = table.add_row().cells
        for cell, text in zip(cells, columns, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            for run in paragraph.runs:
                run.font.size = Pt(9)
            if index in right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)  # air between a table and what follows
    return table


def _repeat_header(row: Any) -> None:
    """Repeat a table's header row on each page it runs over."""
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def _answer_space(table: Any, *, first: int, height_cm: float, together: bool = False) -> None:
    """Give the answer rows of a response table room to write in; `together` keeps the table on one page."""
    for row in list(table.rows)[first:]:
        row.height = Cm(height_cm)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    if together:
        for row in list(table.rows)[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _docx_bytes(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def annex_docx(
    annex: TenderAnnex,
    *,
    title: str = "",
    header: DocumentHeader | None = None,
    choices: TenderChoices | None = None,
) -> bytes:
    """Return the annex as a Word document: header, page numbers, headings, tables and the response form."""
    content = annex_document(annex, title=title, header=header, choices=choices)
    doc = _new_docx(content.header, title=content.title, subject=_("Human-rights requirements"))
    doc.add_heading(content.heading, level=1)
    if content.facts:
        _table(doc, ("", ""), content.facts, widths=(4.5, 12.5))
    for paragraph in content.intro:
        doc.add_paragraph(paragraph)
    if content.risks:
        doc.add_heading(_("Why these requirements: known risks of this product"), level=2)
        doc.add_paragraph(
            _("The contracting authority's assessment of the product's supply chain found, among others:")
        )
        for note in content.risks:
            doc.add_paragraph(note, style="List Bullet")
    for section in content.sections:
        doc.add_heading(section.heading, level=2)
        for block in section.blocks:
            doc.add_heading(block.heading, level=3)
            doc.add_paragraph(block.requirement)
            _table(doc, ("", ""), block.rows, widths=(4.5, 12.5))
    if content.scoring:
        doc.add_heading(_("How the bids are scored"), level=2)
        for paragraph in content.scoring:
            doc.add_paragraph(paragraph)
        _table(doc, (_("Criterion"), _("Maximum points")), content.weights, widths=(11, 3.2), right=(1,))
    doc.add_heading(_("Choices of the contracting authority"), level=2)
    _table(doc, (_("Topic"), _("Choice")), content.choices, widths=(5.5, 11.5))
    doc.add_page_break()
    doc.add_heading(_("Response form (completed by the tenderer)"), level=2)
    doc.add_paragraph(content.response_intro)
    for form in content.response:
        doc.add_heading(form.heading, level=3)
        if form.intro:
            doc.add_paragraph(form.intro)
        widths = (1.2, 7.8, 8) if len(form.columns) == 3 else (7, 10)
        table = _table(doc, form.columns, form.rows, widths=widths)
        _answer_space(table, first=1, height_cm=1.2)
    doc.add_paragraph(content.declaration)
    doc.add_heading(content.signature.heading, level=3)
    table = _table(doc, content.signature.columns, content.signature.rows, widths=(5, 12))
    _answer_space(table, first=1, height_cm=1.0, together=True)
    return _docx_bytes(doc)


# --- the evaluation, as an award report -------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionLine:
    criterion: str
    maximum: str
    earned: str
    points: str
    why: str


@dataclass(frozen=True)
class RankingRow:
    cells: tuple[str, ...]
    admitted: bool
    abnormally_low: bool = False


@dataclass(frozen=True)
class BidSection:
    bidder: str
    outcome: str
    notes: tuple[str, ...]
    lines: tuple[CriterionLine, ...]
    admitted: bool


@dataclass(frozen=True)
class AwardReport:
    header: DocumentHeader
    heading: str
    facts: tuple[tuple[str, str], ...]
    proposal: str
    method: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[RankingRow, ...]
    bids: tuple[BidSection, ...]
    notes: tuple[str, ...]
    signoff_columns: tuple[str, ...]
    signoff_rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


_SHORTFALL = re.compile(r"\b([a-z_]+) (\d+) < (\d+)")
_FIELD_WORDS = {
    "product_sites": "production sites of the products",
    "component_sites": "production sites of the components",
}
_SNAKE = re.compile(r"\b([a-z]+(?:_[a-z]+)+)\b")


# The rules' terse forms (hrdd.domain.tender) and the sentences the reports write for them.
SENTENCE_TEMPLATES = {
    "%(what)s %(found)s < %(needed)s": gettext_noop(
        "%(what)s: %(found)s where at least %(needed)s are asked"
    ),
}
# The names of fields, elements and plan parts the rules write, in words.
NAME_WORDS = {
    "components": gettext_noop("components"),
    "raw_materials": gettext_noop("raw materials"),
    "countries": gettext_noop("countries"),
    "risks": gettext_noop("risks"),
    "product_sites": gettext_noop("production sites of the products"),
    "component_sites": gettext_noop("production sites of the components"),
    "label": gettext_noop("label"),
    "risk_assessment": gettext_noop("risk assessment"),
    "policy_commitment": gettext_noop("policy commitment"),
    "actions": gettext_noop("actions"),
    "due_diligence": gettext_noop("due diligence"),
    "policies": gettext_noop("policies"),
    "risk_identification": gettext_noop("risk identification"),
    "monitoring": gettext_noop("monitoring"),
    "mitigation": gettext_noop("mitigation"),
    "reporting": gettext_noop("reporting"),
    "timeline": gettext_noop("timeline"),
    "deliverables": gettext_noop("deliverables"),
    "challenges": gettext_noop("challenges"),
    "supplier_engagement": gettext_noop("supplier engagement"),
}
NAME_PARAMETERS = frozenset({"what", "field", "parts", "elements"})  # a name, or names separated by ", "


def _plain(text: str) -> str:
    """A terse text with its shortfalls spelled out and its field names in words (English only: a stored reason
    that kept no template, or a free text inside a reason)."""
    text = _SHORTFALL.sub(
        lambda m: (
            _("%(what)s: %(found)s where at least %(needed)s are asked")
            % {"what": m.group(1).replace("_", " "), "found": m.group(2), "needed": m.group(3)}
        ),
        text,
    )
    for name, words in _FIELD_WORDS.items():
        text = text.replace(name, words)
    return _SNAKE.sub(lambda m: m.group(1).replace("_", " "), text)


def _names(value: str) -> str:
    """Names the rules write ("risk_identification, monitoring") in words, as a list said in any language."""
    words = [
        Text(NAME_WORDS[name]) if name in NAME_WORDS else name.replace("_", " ") for name in value.split(", ")
    ]
    return joined(words)


def _as_sentence(text: Text) -> Text:
    """A rule's Text rewritten as the report says it: its sentence template, names in words."""
    params: dict[str, Any] = {}
    for name, value in text.params.items():
        if isinstance(value, Text):
            params[name] = _as_sentence(value)
        elif isinstance(value, str) and name in NAME_PARAMETERS:
            params[name] = _names(value)
        elif isinstance(value, str):
            params[name] = _plain(value)
        else:
            params[name] = value
    return Text(SENTENCE_TEMPLATES.get(text.template, text.template), **params)


def sentence(text: str) -> str:
    """A rule's terse reason as a sentence in the active language: field names in words, shortfalls spelled out,
    a capital and a full stop. A reason stored without its template (before hrdd kept them) is read as English."""
    said = str(localize(_as_sentence(text))).strip() if isinstance(text, Text) else _plain(str(text).strip())
    if not said:
        return said
    said = said[0].upper() + said[1:]
    return said if said.endswith((".", "!", "?")) else said + "."


def _ordinal_rank(rank: int, count: int) -> str:
    return _("Ranked %(rank)d of %(count)d admitted bids") % {"rank": rank, "count": count}


def award_report(
    evaluation: Evaluation,
    *,
    header: DocumentHeader | None = None,
    evaluated_at: dt.datetime | None = None,
) -> AwardReport:
    """The evaluation as an award report: facts, the proposed award, the method, the ranking, each bid's reasons,
    the notes and the sign-off, every number written for the reader."""
    header = header or DocumentHeader(date=timezone.localdate())
    currency = header.currency
    framework = _framework(evaluation.framework)
    award_ids = [k for k in evaluation.weights if k != "price"]
    maximum = sum(evaluation.weights.values())
    ranked = sorted(evaluation.bids, key=lambda b: (b.rank is None, b.rank or 0, b.bidder))
    admitted = [b for b in ranked if b.admitted]
    lowest = min((b.price for b in admitted), default=None)
    facts = [
        (_("Contracting authority"), header.buyer),
        (_("Tender"), header.tender),
        (_("Reference"), header.reference),
        (_("Bids evaluated on"), date_text(evaluated_at)),
        (_("Report date"), date_text(header.date)),
        (
            _("Rules applied"),
            _("scenario %(scenario)s of %(framework)s")
            % {"scenario": evaluation.scenario, "framework": evaluation.framework},
        ),
        (
            _("Label"),
            _("required for admission") if evaluation.require_label else _("not required for admission"),
        ),
        (_("Bids received"), str(len(evaluation.bids))),
    ]
    winner = admitted[0] if admitted else None
    if winner is None:
        proposal = _("No bid was admitted: the contract cannot be awarded on this evaluation.")
    else:
        proposal = _(
            "Proposed award: %(bidder)s, ranked first with %(total)s of %(maximum)s points at a price of %(price)s."
        ) % {
            "bidder": winner.bidder,
            "total": points(winner.total),
            "maximum": points(maximum),
            "price": money(winner.price, currency),
        }
        if winner.abnormally_low:
            proposal += " " + _(
                "Its price was flagged as possibly abnormally low: ask the tenderer to explain it before the award."
            )
    method = [
        _("Maximum points: %s.")
        % ", ".join(
            f"{_('price') if k == 'price' else k} {weight_text(v)}" for k, v in evaluation.weights.items()
        ),
        _("Price points = price weight × lowest admitted price ÷ the bid's price")
        + (_("; the lowest admitted price is %s.") % money(lowest, currency) if lowest is not None else "."),
        _("Each award criterion earns its maximum points times the share of it the bid meets."),
    ]
    columns = (
        _("Rank"),
        _("Bidder"),
        _("Price (%s)") % currency,
        _("Price points"),
        *award_ids,
        _("Total"),
    )
    rows = []
    for b in ranked:
        rows.append(
            RankingRow(
                (
                    str(b.rank) if b.rank else _("not admitted"),
                    b.bidder,
                    amount(b.price),
                    points(b.points.get("price")) if b.admitted else "—",
                    *((points(b.points.get(k)) if b.admitted else "—") for k in award_ids),
                    points(b.total),
                ),
                b.admitted,
                b.abnormally_low,
            )
        )
    sections = []
    prices = [b.price for b in evaluation.bids]
    for b in ranked:
        if b.admitted and b.rank:
            outcome = _ordinal_rank(b.rank, len(admitted)) + " " + _("with %s points.") % points(b.total)
        else:
            outcome = _("Not admitted, so not scored.")
        # the abnormally-low flag is written again below, with the prices as the reader reads them
        notes = [sentence(r) for r in b.reasons if not r.startswith("possibly abnormally low")]
        if b.abnormally_low:
            others = list(prices)
            others.remove(b.price)
            mean = sum(others) / len(others) if others else b.price
            notes.append(
                _(
                    "The price of %(price)s is more than %(share)s below the mean of the other bids (%(mean)s): it "
                    "is possibly abnormally low, and the tenderer should be asked to explain it (Directive "
                    "2014/24/EU Article 69). The score is unchanged."
                )
                % {
                    "price": money(b.price, currency),
                    "mean": money(mean, currency),
                    "share": f"{framework.parameters.abnormally_low_share:.0%}" if framework else "30%",
                }
            )
        lines = []
        if b.admitted and "price" in b.points and lowest is not None:
            lines.append(
                CriterionLine(
                    _("Price"),
                    weight_text(evaluation.weights.get("price")),
                    share(lowest / b.price),
                    points(b.points["price"]),
                    _("%(weight)s × lowest admitted price %(lowest)s ÷ this bid's price %(price)s.")
                    % {
                        "weight": weight_text(evaluation.weights.get("price")),
                        "lowest": money(lowest, currency),
                        "price": money(b.price, currency),
                    },
                )
            )
        for criterion_id, reason in b.fraction_reasons.items():
            if criterion_id == "price":
                continue
            title = _criterion_title(framework, criterion_id)
            fraction = b.fractions.get(criterion_id)
            if criterion_id in evaluation.weights:
                lines.append(
                    CriterionLine(
                        title,
                        weight_text(evaluation.weights[criterion_id]),
                        share(fraction) if fraction is not None else "—",
                        points(b.points.get(criterion_id)) if b.admitted else "—",
                        sentence(reason),
                    )
                )
            else:  # the label requirement (given when it has a reason) or a selection criterion: met or not
                met = fraction is None or fraction > 0
                lines.append(
                    CriterionLine(
                        title,
                        _("required"),
                        _("met") if met else _("not met"),
                        "—",
                        sentence(reason),
                    )
                )
        sections.append(
            BidSection(
                bidder=b.bidder, outcome=outcome, notes=tuple(notes), lines=tuple(lines), admitted=b.admitted
            )
        )
    return AwardReport(
        header=header,
        heading=_("Award report"),
        facts=tuple((label, value) for label, value in facts if value),
        proposal=proposal,
        method=tuple(method),
        columns=columns,
        rows=tuple(rows),
        bids=tuple(sections),
        notes=tuple(sentence(n) for n in evaluation.notes),
        signoff_columns=("", _("Prepared by"), _("Approved by")),
        signoff_rows=tuple(
            (label, "", "") for label in (_("Name"), _("Function"), _("Signature"), _("Date"))
        ),
    )


def evaluation_docx(
    evaluation: Evaluation,
    *,
    title: str = "",
    header: DocumentHeader | None = None,
    evaluated_at: dt.datetime | None = None,
) -> bytes:
    """Return the evaluation as a Word award report: facts, proposed award, ranking, each bid, sign-off."""
    report = award_report(evaluation, header=header, evaluated_at=evaluated_at)
    heading = title or report.heading
    if report.header.tender and not title:
        heading = f"{report.heading}: {report.header.tender}"
    n_awards = len(report.columns) - 5
    landscape = n_awards > 2  # the ranking's columns fit a portrait page up to two award criteria
    doc = _new_docx(report.header, title=heading, subject=_("Award report"), landscape=landscape)
    doc.add_heading(heading, level=1)
    width = 25.7 if landscape else 17
    _table(doc, ("", ""), report.facts, widths=(4.5, width - 4.5))
    doc.add_heading(_("Proposed award"), level=2)
    doc.add_paragraph(report.proposal)
    doc.add_heading(_("Method"), level=2)
    for paragraph in report.method:
        doc.add_paragraph(paragraph)
    doc.add_heading(_("Ranking"), level=2)
    widths = (2.2, 4.4, 3.0, 1.9, *([1.7] * n_awards), 1.7)
    flagged = [
        (*row.cells[:2], row.cells[2] + (" ⚠" if row.abnormally_low else ""), *row.cells[3:])
        for row in report.rows
    ]
    _table(doc, report.columns, flagged, widths=widths, right=tuple(range(2, len(report.columns))))
    for section in report.bids:
        doc.add_heading(section.bidder, level=2)
        doc.add_paragraph(section.outcome)
        for note in section.notes:
            doc.add_paragraph(note, style="List Bullet")
        _table(
            doc,
            (_("Criterion"), _("Maximum"), _("Earned"), _("Points"), _("Why")),
            [(x.criterion, x.maximum, x.earned, x.points, x.why) for x in section.lines],
            widths=(4.2, 2.3, 1.9, 1.7, width - 10.1),
            right=(1, 2, 3),
        )
    if report.notes:
        doc.add_heading(_("Notes"), level=2)
        for note in report.notes:
            doc.add_paragraph(note, style="List Bullet")
    doc.add_heading(_("Sign-off"), level=2)
    table = _table(doc, report.signoff_columns, report.signoff_rows, widths=(3.5, 6.5, 6.5))
    _answer_space(table, first=1, height_cm=1.0, together=True)
    return _docx_bytes(doc)


# --- Excel -----------------------------------------------------------------------------------------------------------


def evaluation_xlsx(evaluation: Evaluation) -> bytes:
    """Return the evaluation report as an XLSX workbook: bids, reasons, weights."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bids"
    criteria = list(dict.fromkeys(k for b in evaluation.bids for k in b.fractions))
    append_row(
        ws,
        [
            "rank",
            "bidder",
            "price",
            "admitted",
            "total",
            "abnormally low",
            *[f"fraction {c}" for c in criteria],
            "price points",
            *[f"points {c}" for c in criteria],
        ],
    )
    for b in sorted(evaluation.bids, key=lambda b: (b.rank is None, b.rank or 0, b.bidder)):
        append_row(
            ws,
            [
                b.rank,
                b.bidder,
                b.price,
                b.admitted,
                b.total,
                b.abnormally_low,
                *[b.fractions.get(c) for c in criteria],
                b.points.get("price"),
                *[b.points.get(c) for c in criteria],
            ],
        )
    reasons = wb.create_sheet("Reasons")
    append_row(reasons, ["bidder", "criterion", "reason"])
    for b in evaluation.bids:
        for criterion, reason in b.fraction_reasons.items():
            append_row(reasons, [b.bidder, criterion, sentence(reason)])
        for reason in b.reasons:
            append_row(reasons, [b.bidder, "admission and flags", sentence(reason)])
    weights = wb.create_sheet("Weights")
    append_row(weights, ["criterion", "weight"])
    for criterion, weight in evaluation.weights.items():
        append_row(weights, [criterion, weight])
    append_row(weights, [])
    append_row(weights, ["scenario", evaluation.scenario])
    append_row(weights, ["label required", evaluation.require_label])
    append_row(weights, ["framework", evaluation.framework])
    for note in evaluation.notes:
        append_row(weights, ["note", localize(note)])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return workbook_bytes(wb)
