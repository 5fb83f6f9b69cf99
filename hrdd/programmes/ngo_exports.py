"""An answer to an NGO assessment as documents: the response letter's draft (DOCX) for the NGO, and the table of
answers, ratings and evidence (XLSX) for the company's own review.

The letter quotes what the reviewer saw: each cited record's figure as it was snapshotted when it was linked, not
as it is today. It leaves out the internal review (ratings and notes) and the criteria left unanswered; the
table holds everything, one row per criterion."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hrdd.core.links import absolute_url
from hrdd.core.spreadsheets import append_row, new_workbook, workbook_bytes
from hrdd.core.texts import localize
from hrdd.domain.ngo_frameworks import NgoFramework
from hrdd.programmes.models import NgoEvidence, NgoResponse
from hrdd.programmes.ngo import CriterionRow, evidence_figure, evidence_link, ngo_review

FONT = "DejaVu Sans"


def _paragraphs(text: str) -> list[str]:
    """A typed text's paragraphs (blank lines separate them)."""
    blocks = [
        " ".join(line.strip() for line in block.splitlines())
        for block in text.replace("\r", "").split("\n\n")
    ]
    return [b for b in blocks if b]


def _absolute(link: str) -> str:
    return absolute_url(link) if link.startswith("/") else link


def letter_evidence_line(evidence: NgoEvidence) -> tuple[str, str]:
    """One evidence item as the letter cites it: its text, and the web address to link ('' for none). Records of
    hrdd are quoted by their snapshotted figure (the NGO cannot open hrdd); documents go with the letter."""
    text = evidence.title.rstrip(".")
    if evidence.kind == NgoEvidence.Kind.DOCUMENT:
        if evidence.document_name and evidence.document_name != evidence.title:
            text += " " + _("(enclosed as %s)") % evidence.document_name
        else:
            text += " " + _("(enclosed)")
    if evidence.page:
        text += ", " + evidence.page
    snapshot = evidence.snapshot or {}
    figure = (
        (snapshot.get("text") or snapshot.get("missing") or "")
        if evidence.kind == NgoEvidence.Kind.KPI
        else ""
    )
    figure = figure or evidence_figure(evidence)
    if figure:
        text += ": " + figure
    return text.rstrip(".") + ".", evidence.url


def _hyperlink(paragraph: Any, url: str, text: str) -> None:
    """Append a clickable link to a python-docx paragraph (python-docx has no API for it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1F4E99")
    properties.append(colour)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def letter_docx(
    response: NgoResponse, framework: NgoFramework, rows: Sequence[CriterionRow], *, today: Any = None
) -> bytes:
    """The response letter's draft: letterhead, date, addressee, their reference, introduction, then per answered
    criterion its number and title, the answer and the evidence as a numbered list, then the signatory."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    today = today or timezone.localdate()
    organisation = response.organisation.name
    doc = Document()
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = section.right_margin = Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(5)
    for name, size in (("Heading 1", 13), ("Heading 2", 11)):
        doc.styles[name].font.name = FONT
        doc.styles[name].font.size = Pt(size)
        doc.styles[name].font.color.rgb = RGBColor(0x1D, 0x35, 0x57)
        doc.styles[name].paragraph_format.space_before = Pt(12)
        doc.styles[name].paragraph_format.space_after = Pt(4)
    if response.status != NgoResponse.Status.FINAL:
        header = section.header.paragraphs[0]
        header.text = _("DRAFT — %(status)s, not yet final") % {
            "status": response.get_status_display().lower()
        }
        header.runs[0].font.size = Pt(8)
        header.runs[0].font.color.rgb = RGBColor(0x9B, 0x2A, 0x1F)

    head = doc.add_paragraph()
    run = head.add_run(organisation)
    run.bold = True
    run.font.size = Pt(16)
    run.font.color.rgb = RGBColor(0x1D, 0x35, 0x57)
    head.paragraph_format.space_after = Pt(18)

    dated = doc.add_paragraph(today.strftime("%d %B %Y").lstrip("0"))
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if response.addressee.strip():
        address = doc.add_paragraph()
        lines = [line.strip() for line in response.addressee.strip().splitlines() if line.strip()]
        for i, line in enumerate(lines):
            address.add_run(line)
            if i < len(lines) - 1:
                address.add_run().add_break()
    if response.reference:
        doc.add_paragraph(_("Your reference: %s") % response.reference)
    subject = doc.add_paragraph()
    subject.add_run(
        _("Re: %(ngo)s, %(title)s") % {"title": localize(framework.title), "ngo": framework.ngo}
    ).bold = True
    subject.paragraph_format.space_before = Pt(8)

    introduction = response.introduction.strip() or _(
        "Thank you for your letter%(received)s and for the opportunity to answer your assessment. Below we answer "
        "your criteria one by one, with the evidence behind each answer. The figures quoted are those of our "
        "records on the day each was cited."
    ) % {
        "received": _(" of %s") % response.received_on.strftime("%d %B %Y").lstrip("0")
        if response.received_on
        else ""
    }
    for block in _paragraphs(introduction):
        doc.add_paragraph(block)

    for row in rows:
        if not row.answered or row.answer is None:
            continue
        criterion = row.criterion
        title = localize(criterion.title)
        heading = (
            _("Criterion %(number)s: %(title)s") % {"number": criterion.number, "title": title}
            if criterion.number
            else title
        )
        doc.add_heading(heading, level=2)
        question = doc.add_paragraph()
        asked = question.add_run(localize(criterion.question))
        asked.italic = True
        asked.font.color.rgb = RGBColor(0x55, 0x5F, 0x6B)
        for block in _paragraphs(row.answer.text):
            doc.add_paragraph(block)
        if row.evidence:
            label = doc.add_paragraph()
            label.add_run(_("Evidence")).bold = True
            label.paragraph_format.space_after = Pt(2)
            for number, evidence in enumerate(row.evidence, start=1):
                text, url = letter_evidence_line(evidence)
                item = doc.add_paragraph()
                item.paragraph_format.left_indent = Cm(0.9)
                item.paragraph_format.first_line_indent = Cm(-0.6)
                item.paragraph_format.space_after = Pt(2)
                item.add_run(f"{number}.\u00a0 {text}")
                if url:
                    item.add_run(" ")
                    _hyperlink(item, url, url)

    closing = doc.add_paragraph(_("Yours sincerely,"))
    closing.paragraph_format.space_before = Pt(18)
    signature = doc.add_paragraph()
    signature.paragraph_format.space_before = Pt(24)
    signature.add_run(response.signatory or _("[name and position]")).bold = True
    signature.add_run().add_break()
    signature.add_run(organisation)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


TABLE_HEADER = (
    gettext_noop("Number"), gettext_noop("Criterion"), gettext_noop("Question"), gettext_noop("Our answer"),
    gettext_noop("Rating"), gettext_noop("Rating meaning"), gettext_noop("Reviewer"), gettext_noop("Reviewed at"),
    gettext_noop("Reviewer's note"), gettext_noop("Evidence"), gettext_noop("Evidence links"),
)  # fmt: skip
EVIDENCE_HEADER = (
    gettext_noop("Number"),
    gettext_noop("Criterion"),
    gettext_noop("Evidence"),
    gettext_noop("Kind"),
    gettext_noop("Figure when cited"),
    gettext_noop("Link"),
    gettext_noop("Page or section"),
    gettext_noop("Added by"),
    gettext_noop("Added at"),
)


def table_xlsx(response: NgoResponse, framework: NgoFramework, rows: Sequence[CriterionRow]) -> bytes:
    """The table: one row per criterion (number, title, answer, rating, reviewer, evidence titles and links), a
    sheet with every evidence item and its figure, and what the framework and the review say."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "Answers"
    append_row(sheet, [_(h) for h in TABLE_HEADER], bold=True)
    for row in rows:
        answer = row.answer
        level = None
        if answer and answer.rating:
            try:
                level = framework.scale.level(answer.rating)
            except KeyError:
                level = None
        append_row(
            sheet,
            [
                row.criterion.number,
                localize(row.criterion.title),
                localize(row.criterion.question),
                answer.text if answer else "",
                localize(level.label) if level else (answer.rating if answer else ""),
                localize(level.meaning) if level else "",
                answer.reviewed_by.email if answer and answer.reviewed_by else "",
                timezone.localtime(answer.reviewed_at).strftime("%Y-%m-%d %H:%M")
                if answer and answer.reviewed_at
                else "",
                answer.review_note if answer else "",
                "\n".join(f"{i}. {e.title}" for i, e in enumerate(row.evidence, start=1)),
                "\n".join(_absolute(evidence_link(e)) for e in row.evidence if evidence_link(e)),
            ],
        )
    for column, width in zip("ABCDEFGHIJK", (8, 34, 40, 60, 24, 30, 26, 16, 30, 40, 50), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C2"

    evidence_sheet = workbook.create_sheet("Evidence")
    append_row(evidence_sheet, [_(h) for h in EVIDENCE_HEADER], bold=True)
    for row in rows:
        for evidence in row.evidence:
            append_row(
                evidence_sheet,
                [
                    row.criterion.number,
                    localize(row.criterion.title),
                    evidence.title,
                    evidence.get_kind_display(),
                    evidence_figure(evidence),
                    _absolute(evidence_link(evidence)),
                    evidence.page,
                    evidence.added_by.email if evidence.added_by else "",
                    timezone.localtime(evidence.added_at).strftime("%Y-%m-%d %H:%M")
                    if evidence.added_at
                    else "",
                ],
            )
    for column, width in zip("ABCDEFGHI", (8, 34, 40, 18, 60, 50, 16, 26, 16), strict=True):
        evidence_sheet.column_dimensions[column].width = width

    review = ngo_review(framework, rows)
    about = workbook.create_sheet("About")
    for label, value in (
        (_("Answer"), response.title),
        (_("Organisation"), response.organisation.name),
        (_("Status"), response.get_status_display()),
        (_("NGO"), framework.ngo),
        (
            _("Framework"),
            _("%(title)s (%(key)s, version %(version)s)")
            % {"title": localize(framework.title), "key": framework.key, "version": framework.version},
        ),
        (_("Source"), framework.source),
        (_("Rating scale"), f"{localize(framework.scale.title)} — {framework.scale.source}"),
        (_("Review"), str(localize(review.verdict))),
        *((_("Reason"), str(localize(reason))) for reason in review.reasons),
        *((_("Rating") + f" {localize(level.label)}", level.count) for level in review.ratings),
        (_("Exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ):
        append_row(about, [label, value])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    return workbook_bytes(workbook)
