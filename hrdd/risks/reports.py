"""The product risk assessment as documents: Markdown, a two-page DOCX and the deep dive's XLSX workbook."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from hrdd.core.countries import country_name
from hrdd.core.spreadsheets import append_row, workbook_bytes
from hrdd.core.texts import localize
from hrdd.domain.risk import RiskAssessment, RiskMethod, assessment_json, fold_countries
from hrdd.risks.titles import material_said, number, said, stage_title, stage_word, who

COUNTRIES_IN_REPORT = 3  # per material in the short report
MATERIALS_IN_REPORT = 8


def _share(value: float | None) -> str:
    return _("share unknown") if value is None else f"{number(value)}%"


def _country(share) -> str:  # type: ignore[no-untyped-def]
    """A country by its name in the report's language (a risk or a production share carries both name and code;
    English keeps the knowledge base's spelling)."""
    return country_name(share.country_iso3, english=share.country)


def _materials(names: Sequence[str]) -> str:
    return ", ".join(material_said(n) for n in names)


def _who(risk) -> str:  # type: ignore[no-untyped-def]
    return who(risk)


def _why(risk) -> str:  # type: ignore[no-untyped-def]
    """The signals behind a risk, without the arithmetic lines."""
    signals = [localize(r) for r in risk.reasons if r.startswith("+")]
    return "; ".join(signals) or _("present at this stage (baseline)")


def _named(share) -> str:  # type: ignore[no-untyped-def]
    """The country's name as the workbook's country column gives it: blank where the source names none."""
    return _country(share) if share.country else ""


def _short_source(source: str, limit: int = 110) -> str:
    """A source's name cut at a word, with an ellipsis, to keep the two-page report on two pages."""
    if len(source) <= limit:
        return source
    return source[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _materials_with_data(assessment: RiskAssessment):  # type: ignore[no-untyped-def]
    ranked = sorted(
        assessment.raw_materials,
        key=lambda m: (-max((c.share_pct or 0 for c in m.countries), default=0), m.name),
    )
    return ranked


def to_json(assessment: RiskAssessment) -> str:
    """Return the assessment as JSON text (hrdd.domain.risk.assessment_json)."""
    return assessment_json(assessment)


def to_markdown(assessment: RiskAssessment, method: RiskMethod, *, title: str = "") -> str:
    """Return the short report as Markdown (the manual's four steps)."""
    lines = [
        f"# {title or _('Human-rights risk assessment: %s') % said(assessment.product_title)}",
        "",
        _("Product category: %(product)s. Method: %(method)s (exposure x likelihood x severity).")
        % {"product": said(assessment.product_title), "method": assessment.method},
        "",
        "## " + _("1. Key components and raw materials"),
        "",
    ]
    for component in assessment.components:
        lines.append(f"- **{component.name}**: {_materials(component.raw_materials) or _('no data')}")
    lines += ["", "## " + _("2. Likely sourcing countries"), ""]
    lines.append("| " + " | ".join([_("Material"), _("Stage"), _("Country"), _("Share"), _("Year")]) + " |")
    lines.append("|---|---|---|---|---|")
    for material in assessment.raw_materials:
        if not material.countries:
            lines.append(f"| {material_said(material.name)} | | {_('no data')} | | |")
        for fold in material.folds or fold_countries(
            material.countries, method.parameters.countries_per_material
        ):
            for c in fold.shown:
                lines.append(
                    f"| {material_said(material.name)} | {stage_title(method, c.stage)} | {_country(c)} "
                    f"| {_share(c.share_pct)} | {c.year or ''} |"
                )
            if fold.others:
                lines.append(
                    f"| {material_said(material.name)} | {stage_title(method, fold.stage)} | {localize(fold.others_text())} | | |"
                )
    for c in assessment.manufacturing:
        lines.append(
            f"| {_('(factories)')} | {stage_title(method, c.stage)} | {_country(c)} | {_share(c.share_pct)} | |"
        )
    lines += [
        "",
        _(
            "Shares as the sources publish them: rounded world totals can make a stage's shares add up to a little more than 100%."
        ),
    ]
    lines += ["", "## " + _("3. Salient human-rights risks"), ""]
    for i, risk in enumerate(assessment.salient(method.parameters.report_risks), start=1):
        lines.append(
            f"{i}. **{said(risk.category_title)}**, {stage_word(method, risk.stage)}, {_who(risk)}, "
            f"{_country(risk)}: {_('score')} {number(risk.score)}. {_why(risk)}."
        )
        lines.append(f"   - {_('Reasons')}: " + " / ".join(localize(r) for r in risk.reasons))
        lines.append(f"   - {_('Sources')}: " + " / ".join(risk.sources))
    lines += ["", "## " + _("4. Gaps in the data"), ""]
    lines += [f"- {localize(gap)}" for gap in assessment.gaps] or ["- " + _("none")]
    return "\n".join(lines) + "\n"


def to_docx(assessment: RiskAssessment, method: RiskMethod, *, title: str = "") -> bytes:
    """Return the short report (at most two pages) as a Word document."""
    # python-docx and openpyxl are imported by the formats that need them: `hrdd risk assess --json` starts
    # without them (issue 9).
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(8.5)
    normal.paragraph_format.space_after = Pt(2)
    for name, size in (("Heading 1", 14), ("Heading 2", 11)):
        doc.styles[name].font.size = Pt(size)
        doc.styles[name].paragraph_format.space_before = Pt(6)
        doc.styles[name].paragraph_format.space_after = Pt(3)
    doc.add_heading(title or _("Human-rights risk assessment: %s") % said(assessment.product_title), level=1)
    doc.add_paragraph(
        _(
            "What this is: a first, sourced overview of the human-rights risks in the supply chain of this "
            "product category (CFIT manual, step 1). Salience = the country's share of production x the "
            "likelihood from labour-rights listings and country indicators x the severity of the risk. "
            "Method %(method)s; every figure comes from the knowledge base with its source."
        )
        % {"method": assessment.method}
    )

    doc.add_heading(_("1. Key components and raw materials"), level=2)
    doc.add_paragraph(
        "; ".join(
            f"{c.name}: {_materials(c.raw_materials)}" for c in assessment.components if c.raw_materials
        )
    )

    doc.add_heading(_("2. Likely sourcing countries"), level=2)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, [_("Material"), _("Top producing countries"), _("Source")], strict=True
    ):
        cell.text = text
    materials = [m for m in _materials_with_data(assessment) if m.countries][:MATERIALS_IN_REPORT]
    for material in materials:
        row = table.add_row().cells
        folds = fold_countries(material.countries, COUNTRIES_IN_REPORT)
        top = [c for f in folds for c in f.shown]
        row[0].text = material_said(material.name)
        row[1].text = "; ".join(
            ", ".join(
                f"{_country(c)} {_share(c.share_pct)} ({stage_word(method, c.stage)}, {c.year})"
                for c in f.shown
            )
            + (f", {localize(f.others_text())}" if f.others else "")
            for f in folds
        )
        row[2].text = top[0].source.split(";")[0][:90]
    if assessment.manufacturing:
        row = table.add_row().cells
        row[0].text = _("factories")
        row[1].text = ", ".join(
            sorted({f"{_country(c)} ({stage_word(method, c.stage)})" for c in assessment.manufacturing})
        )
        row[2].text = _("share unknown")
    without = [material_said(m.name) for m in assessment.raw_materials if not m.countries]
    if without:
        doc.add_paragraph(_("No production data: %s.") % ", ".join(without))

    doc.add_heading(_("3. Salient human-rights risks"), level=2)
    risks_table = doc.add_table(rows=1, cols=4)
    risks_table.style = "Table Grid"
    for cell, text in zip(
        risks_table.rows[0].cells, [_("Risk"), _("Where"), _("Score"), _("Why")], strict=True
    ):
        cell.text = text
    for risk in assessment.salient(method.parameters.report_risks):
        row = risks_table.add_row().cells
        row[0].text = said(risk.category_title)
        row[1].text = f"{_who(risk)}, {stage_word(method, risk.stage)}, {_country(risk)}"
        row[2].text = number(risk.score)
        row[3].text = _why(risk)
    for table_, widths in ((table, (2.4, 9.6, 5.4)), (risks_table, (3.2, 4.2, 1.4, 8.6))):
        table_.autofit = False
        for column, width in zip(table_.columns, widths, strict=True):
            column.width = Cm(width)  # LibreOffice reads the grid; Word reads the cells
        for row in table_.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(0)
                    for run in paragraph.runs:
                        run.font.size = Pt(7.5)

    doc.add_heading(_("4. Sources and gaps"), level=2)
    sources = sorted(
        {
            _short_source(s.split(" (")[0])
            for r in assessment.salient(method.parameters.report_risks)
            for s in r.sources
        }
    )
    doc.add_paragraph(
        _("Sources: ")
        + " | ".join(sources[:8])
        + ". "
        + _(
            "Shares as published: rounded world totals can make a stage's shares add up to a little more than 100%."
        )
    )
    if assessment.gaps:
        doc.add_paragraph(_("Gaps: ") + "; ".join(localize(g) for g in assessment.gaps))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def to_xlsx(assessment: RiskAssessment, method: RiskMethod) -> bytes:
    """Return the workbook in the deep dive's layout: one sheet per step (CFIT manual 3.1)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    bold = Font(bold=True)
    sheet = wb.active
    sheet.title = _("1 Material scoping")
    append_row(sheet, [_("component"), _("raw material"), _("sources")])
    for component in assessment.components:
        for material in component.raw_materials:
            append_row(sheet, [component.name, material_said(material), " | ".join(component.sources)])
    geo = wb.create_sheet(_("2 Geographical scoping"))
    append_row(
        geo,
        [_("material"), _("stage"), _("country code"), _("country"), _("share (%)"), _("year"), _("source")],
    )
    for material in assessment.raw_materials:
        if not material.countries:
            append_row(geo, [material_said(material.name), "", "", _("no data"), None, None, ""])
        for c in material.countries:
            stage = stage_title(method, c.stage)
            append_row(
                geo,
                [
                    material_said(material.name),
                    stage,
                    c.country_iso3,
                    _named(c),
                    c.share_pct,
                    c.year,
                    c.source,
                ],
            )
    for c in assessment.manufacturing:
        stage = stage_title(method, c.stage)
        append_row(geo, [_("(factories)"), stage, c.country_iso3, _named(c), c.share_pct, c.year, c.source])
    risks = wb.create_sheet(_("3 Risk scoping"))
    append_row(
        risks,
        [
            _("category"),
            _("stage"),
            _("material"),
            _("component"),
            _("country"),
            _("exposure"),
            _("likelihood"),
            _("severity"),
            _("score"),
            _("share known"),
            _("reasons"),
            _("sources"),
        ],
    )
    for r in assessment.risks:
        append_row(
            risks,
            [
                said(r.category_title),
                stage_title(method, r.stage),
                material_said(r.material) if r.material else "",
                _("factories") if r.component == "factories" else r.component,
                _country(r),
                r.exposure,
                r.likelihood,
                r.severity,
                r.score,
                r.share_known,
                "\n".join(localize(reason) for reason in r.reasons),
                "\n".join(r.sources),
            ],
        )
    report = wb.create_sheet(_("4 Reporting"))
    append_row(report, [_("product"), assessment.product, said(assessment.product_title)])
    append_row(report, [_("method"), assessment.method, method.source])
    append_row(report, [])
    append_row(
        report,
        [_("rank"), _("risk"), _("stage"), _("material or component"), _("country"), _("score"), _("why")],
    )
    for i, r in enumerate(assessment.salient(method.parameters.report_risks), start=1):
        append_row(
            report,
            [i, said(r.category_title), stage_title(method, r.stage), _who(r), _country(r), r.score, _why(r)],
        )
    append_row(report, [])
    for gap in assessment.gaps:
        append_row(report, [_("gap"), localize(gap)])
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.font = bold
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=False, vertical="top")
    return workbook_bytes(wb)
