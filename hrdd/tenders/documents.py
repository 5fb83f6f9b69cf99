"""The tender annex and the bid evaluation as documents: Markdown, HTML, DOCX, JSON, OCDS and XLSX."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from hrdd.core.spreadsheets import append_row, workbook_bytes
from hrdd.domain.tender import Evaluation, TenderAnnex, number_text

KIND_TITLES = {
    "label": "Baseline: certified products",
    "selection": "Selection criteria",
    "award": "Award criteria",
    "clause": "Contract clauses (performance conditions)",
}
KINDS = ("label", "selection", "award", "clause")


def _title(annex: TenderAnnex, title: str) -> str:
    return title or _("Human-rights requirements: %s") % annex.scenario.title


def annex_markdown(annex: TenderAnnex, *, title: str = "") -> str:
    """Return the tender's human-rights annex as Markdown."""
    lines = [
        f"# {_title(annex, title)}",
        "",
        f"*{annex.scenario.aim}* ({annex.scenario.source}; {annex.framework})",
        "",
    ]
    if annex.risk_notes:
        lines += ["## " + _("Known risks of this product (from the buyer's risk assessment)"), ""]
        lines += [f"- {note}" for note in annex.risk_notes] + [""]
    for kind in KINDS:
        items = annex.of_kind(kind)
        if not items:
            continue
        lines += [f"## {_(KIND_TITLES[kind])}", ""]
        for item in items:
            weight = f" — {_('weight')} {number_text(item.weight)}" if item.weight is not None else ""
            lines += [f"### {item.criterion.id} {item.criterion.title}{weight}", "", item.requirement, ""]
            lines.append(f"- **{_('Verification')}:** {item.criterion.verification}")
            lines.append(f"- **{_('Scoring')}:** {item.criterion.scoring}")
            for kpi, text in item.kpis:
                lines.append(f"- **KPI {kpi}:** {text}")
            lines.append(f"- **{_('Legal basis')}:** " + "; ".join(item.legal))
            if item.criterion.note:
                lines.append(f"- *{item.criterion.note}*")
            lines.append("")
    if annex.of_kind("award"):
        lines += [
            f"{_('Price weight')}: {number_text(annex.price_weight)}. "
            + _(
                "Price points = price weight x lowest admitted price / bid price; each award criterion scores its "
                "weight x the fraction earned."
            ),
            "",
        ]
    return "\n".join(lines)


def annex_html(annex: TenderAnnex, *, title: str = "") -> str:
    """Return the annex as a standalone HTML page (to paste into tender documents)."""
    sections = [(kind, _(KIND_TITLES[kind]), annex.of_kind(kind)) for kind in KINDS if annex.of_kind(kind)]
    return render_to_string(
        "tenders/annex_standalone.html", {"annex": annex, "sections": sections, "title": _title(annex, title)}
    )


def annex_json(annex: TenderAnnex) -> str:
    """Return the annex as JSON."""
    return json.dumps(annex.as_dict(), indent=2, ensure_ascii=False)


def annex_docx(annex: TenderAnnex, *, title: str = "") -> bytes:
    """Return the annex as a Word document with real headings and tables."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(_title(annex, title), level=1)
    doc.add_paragraph(f"{annex.scenario.aim} ({annex.scenario.source}; {annex.framework})")
    if annex.risk_notes:
        doc.add_heading(_("Known risks of this product"), level=2)
        for note in annex.risk_notes:
            doc.add_paragraph(note, style="List Bullet")
    for kind in KINDS:
        items = annex.of_kind(kind)
        if not items:
            continue
        doc.add_heading(_(KIND_TITLES[kind]), level=2)
        for item in items:
            weight = f" ({_('weight')} {number_text(item.weight)})" if item.weight is not None else ""
            doc.add_heading(f"{item.criterion.id} {item.criterion.title}{weight}", level=3)
            doc.add_paragraph(item.requirement)
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            rows = [
                (_("Verification"), item.criterion.verification),
                (_("Scoring"), item.criterion.scoring),
                *((f"KPI: {kpi}", text) for kpi, text in item.kpis),
                (_("Legal basis"), "; ".join(item.legal)),
            ]
            if item.criterion.note:
                rows.append((_("Note"), item.criterion.note))
            for label, text in rows:
                cells = table.add_row().cells
                cells[0].text = label
                cells[1].text = text
    if annex.of_kind("award"):
        doc.add_heading(_("Weighting"), level=2)
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = _("Criterion")
        table.rows[0].cells[1].text = _("Weight")
        for name, weight in [("price", annex.price_weight)] + [
            (i.criterion.id, i.weight) for i in annex.of_kind("award")
        ]:
            cells = table.add_row().cells
            cells[0].text = name
            cells[1].text = f"{number_text(weight)}"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def annex_ocds(
    annex: TenderAnnex,
    *,
    title: str = "",
    ocid_prefix: str = "ocds-hrdd00",
    tender_id: str | None = None,
    buyer: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Return an OCDS 1.1 release whose tender carries the criteria in the extensions' fields.

    sustainability (goal social.humanRightsInSupplyChains), selectionCriteria, lots[].awardCriteria and the
    contract performance conditions as reporting milestones.
    """
    now = now or dt.datetime.now(dt.UTC)
    tender_id = tender_id or str(uuid.uuid4())
    ocid = f"{ocid_prefix}-{tender_id}"
    strategies = []
    if annex.of_kind("label"):
        strategies.append("technicalSpecifications")
    if annex.of_kind("selection"):
        strategies.append("selectionCriteria")
    if annex.of_kind("award"):
        strategies.append("awardCriteria")
    if annex.of_kind("clause"):
        strategies.append("contractPerformanceConditions")
    tender: dict[str, Any] = {
        "id": tender_id,
        "title": _title(annex, title),
        "description": f"{annex.scenario.title}: {annex.scenario.aim}",
        "mainProcurementCategory": "goods",
        "hasSustainability": True,
        "sustainability": [
            {
                "goal": "social.humanRightsInSupplyChains",
                "strategies": strategies,
                "description": f"{annex.scenario.title} ({annex.framework}, {annex.scenario.source})",
            }
        ],
    }
    selection = annex.of_kind("selection")
    if selection:
        tender["selectionCriteria"] = {
            "criteria": [
                {
                    "type": "technical",
                    "description": f"{i.criterion.id} {i.criterion.title}: {i.requirement}",
                    "minimum": i.criterion.scoring,
                    "appliesTo": ["supplier"],
                }
                for i in selection
            ]
        }
    awards = annex.of_kind("award")
    if awards:
        criteria = [
            {
                "type": "price",
                "name": "Price",
                "description": "Price points = price weight x lowest admitted price / bid price.",
                "numbers": [{"number": annex.price_weight, "weight": "pointsExact"}],
            }
        ] + [
            {
                "type": "quality",
                "name": f"{i.criterion.id} {i.criterion.title}",
                "description": f"{i.requirement} Scoring: {i.criterion.scoring}",
                "numbers": [{"number": i.weight or 0.0, "weight": "pointsExact"}],
            }
            for i in awards
        ]
        tender["awardCriteria"] = "ratedCriteria"
        tender["awardCriteriaDetails"] = "; ".join(
            f"{c['name']}: {number_text(c['numbers'][0]['number'])} points" for c in criteria
        )
        tender["lots"] = [{"id": "1", "title": tender["title"], "awardCriteria": {"criteria": criteria}}]
    clauses = annex.of_kind("clause") + annex.of_kind("label")
    if clauses:
        tender["milestones"] = [
            {
                "id": i.criterion.id,
                "title": i.criterion.title,
                "type": "reporting" if i.criterion.kind == "clause" else "delivery",
                "description": i.requirement,
            }
            for i in clauses
        ]
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-tender-{now:%Y%m%dT%H%M%SZ}",
        "date": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tag": ["tender"],
        "initiationType": "tender",
        "language": "en",
        "tender": tender,
    }
    if buyer:
        party_id = "buyer-1"
        release["parties"] = [{"id": party_id, "name": buyer, "roles": ["buyer"]}]
        release["buyer"] = {"id": party_id, "name": buyer}
    return release


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
            append_row(reasons, [b.bidder, criterion, reason])
        for reason in b.reasons:
            append_row(reasons, [b.bidder, "admission and flags", reason])
    weights = wb.create_sheet("Weights")
    append_row(weights, ["criterion", "weight"])
    for criterion, weight in evaluation.weights.items():
        append_row(weights, [criterion, weight])
    append_row(weights, [])
    append_row(weights, ["scenario", evaluation.scenario])
    append_row(weights, ["label required", evaluation.require_label])
    append_row(weights, ["framework", evaluation.framework])
    for note in evaluation.notes:
        append_row(weights, ["note", note])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return workbook_bytes(wb)


def evaluation_docx(evaluation: Evaluation, *, title: str = "") -> bytes:
    """Return the evaluation report as a Word document: ranking, then each bid with its reasons."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(title or _("Evaluation of the bids: human-rights criteria"), level=1)
    doc.add_paragraph(
        _("Scenario %(scenario)s; weights %(weights)s; label required: %(label)s; %(framework)s.")
        % {
            "scenario": evaluation.scenario,
            "weights": ", ".join(f"{k} {number_text(v)}" for k, v in evaluation.weights.items()),
            "label": _("yes") if evaluation.require_label else _("no"),
            "framework": evaluation.framework,
        }
    )
    for note in evaluation.notes:
        doc.add_paragraph(note)
    doc.add_heading(_("Ranking"), level=2)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, [_("Rank"), _("Bidder"), _("Price"), _("Total"), _("Admitted")], strict=True
    ):
        cell.text = text
    for b in sorted(evaluation.bids, key=lambda b: (b.rank is None, b.rank or 0, b.bidder)):
        cells = table.add_row().cells
        cells[0].text = str(b.rank or "—")
        cells[1].text = b.bidder
        cells[2].text = f"{number_text(b.price)}" + (" ⚠" if b.abnormally_low else "")
        cells[3].text = f"{number_text(b.total)}" if b.total is not None else "—"
        cells[4].text = _("yes") if b.admitted else _("no")
    for b in evaluation.bids:
        doc.add_heading(b.bidder, level=2)
        for reason in b.reasons:
            doc.add_paragraph(reason, style="List Bullet")
        detail = doc.add_table(rows=1, cols=4)
        detail.style = "Table Grid"
        for cell, text in zip(
            detail.rows[0].cells, [_("Criterion"), _("Fraction"), _("Points"), _("Why")], strict=True
        ):
            cell.text = text
        for criterion, reason in b.fraction_reasons.items():
            cells = detail.add_row().cells
            cells[0].text = criterion
            fraction = b.fractions.get(criterion)
            cells[1].text = f"{number_text(fraction)}" if fraction is not None else ""
            points = b.points.get(criterion)
            cells[2].text = f"{number_text(points)}" if points is not None else ""
            cells[3].text = reason
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
