"""Bids without JSON: the bid form of a tender, drafts saved per bidder and evaluated when the buyer says so, and
the XLSX bid template with its import.

One description of the inputs (`bid_parts`, generated from the tender's scenario) draws the browser form, names the
template's columns and reads the import; `compose_bid` turns a draft's inputs into the bid JSON the tender rules
read (the same JSON the API and the command line take), so a bid typed, imported or sent as JSON scores the same.
A risk-assessment document attached to a bid is read with the same check as step 1 (`check_risk_assessment`); a
policy commitment (AC2) and a due-diligence description (AC7) with hrdd's document check (`check_document`). What
a check found fills what the buyer left empty, and the bid's `source` says which answers came from which reading.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer
from hrdd.audit.services import audit_record
from hrdd.core.errors import InputError, NotFound
from hrdd.core.spreadsheets import append_row, new_workbook, read_xlsx_rows, workbook_bytes
from hrdd.core.text import DOCUMENT_EXTENSIONS, extract_text
from hrdd.core.texts import localize
from hrdd.core.uploads import AcceptedFile, accept_upload
from hrdd.domain.tender import (
    SITE_PLAN_PARTS,
    BidResult,
    Criterion,
    Evaluation,
    TenderFramework,
    TenderInputError,
    closest_name,
    evaluate_bids,
)
from hrdd.risks.checks import CheckKind, check_text
from hrdd.tenders import services
from hrdd.tenders.models import BidDraft, BidEvaluation, BidFile, Tender

ACTION_ROWS = 5  # AC4 gives all its points for three justified actions; room for a few more
EVIDENCE_EXTENSIONS = (*DOCUMENT_EXTENSIONS, ".xlsx", ".csv")
TEMPLATE_ROWS = 200  # the rows of the template that carry the drop-down lists
MAX_IMPORT_ROWS = 1000
MAX_IMPORT_PROBLEMS = 20
TEXT_CHARS = 500
LONG_CHARS = 5000
QUOTE_CHARS = 90  # a found sentence quoted in a reason is cut after this many characters

# The check an attached document of a part is read with ("risk-assessment" is step 1's check; the other two are
# hrdd.domain.document_check's, whose stored result names itself in its `check` key), and the choice between
# hrdd's reading and the typed answers.
RISK_ASSESSMENT_CHECK = "risk-assessment"
POLICY_CHECK = "policy-commitment"
DUE_DILIGENCE_CHECK = "due-diligence"
READ_FROM = {
    "risk_assessment": "ra_read_from",
    "policy_commitment": "policy_read_from",
    "due_diligence": "dd_read_from",
}

TEXT = "text"  # one line
LONG = "long"  # a paragraph
LINES = "lines"  # a list: one item per line, or separated by semicolons
PARAGRAPHS = "paragraphs"  # a list of sentences or sites: one per line
PRICE = "price"
CHOICE = "choice"


@dataclass(frozen=True)
class Entry:
    """One input of the bid form, and one column of the bid template (named by its label)."""

    name: str
    label: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    required: bool = False
    in_template: bool = True
    short: str = ""  # the label inside its group's fieldset (the template's column needs the whole label)

    @property
    def form_label(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class Part:
    """A group of the bid form: the bid field it fills, the criteria that read it, its inputs and the evidence
    file it takes (no extensions: none)."""

    key: str
    title: str
    criteria: tuple[Criterion, ...]
    entries: tuple[Entry, ...]
    evidence: tuple[str, ...] = ()
    hint: str = ""
    evidence_label: str = ""
    # the check its evidence file is read with (RISK_ASSESSMENT_CHECK, ...); empty: the file is kept unread
    check: str = ""


class BidEntryError(InputError):
    """A bid's inputs were refused; `problems` lists (input name, message), the first also as `field`."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        first_field, first_message = self.problems[0]
        super().__init__(first_message, field=first_field)


class StaleDraft(InputError):
    """The draft was saved by someone else since the form was opened."""


class BidImportError(InputError):
    """A bid template was refused; `problems` lists each one, naming the row and the column."""

    def __init__(self, problems: Sequence[str], *, field: str = "file") -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems), field=field)


def _yes_no() -> tuple[tuple[str, str], ...]:
    return (("yes", _("Yes")), ("no", _("No")))


def _criteria_title(criteria: Sequence[Criterion]) -> str:
    return " · ".join(f"{c.id} {localize(c.title)}" for c in criteria)


DUE_DILIGENCE_LABELS = {
    "policies": gettext_lazy("Its main human-rights policies"),
    "risk_identification": gettext_lazy("How it identifies and prioritises risks"),
    "monitoring": gettext_lazy("How it monitors prioritised risks at high-risk suppliers"),
    "mitigation": gettext_lazy("The actions it takes to mitigate risks"),
    "reporting": gettext_lazy("Where it reports on its due diligence"),
}


POLICY_LABELS = {
    "commitment": gettext_lazy("A written commitment to respect human rights"),
    "communicated": gettext_lazy("Communicated to its suppliers"),
}


def _element_label(element: str) -> str:
    return str(DUE_DILIGENCE_LABELS.get(element, element.replace("_", " ").capitalize()))


def _site_part(key: str, criteria: tuple[Criterion, ...]) -> Part:
    plan_labels = {
        "timeline": _("Plan: timeline"),
        "deliverables": _("Plan: deliverables"),
        "challenges": _("Plan: main challenges"),
        "supplier_engagement": _("Plan: how suppliers will be engaged"),
    }
    title = (
        _("Production sites of the products")
        if key == "product_sites"
        else _("Production sites of components")
    )
    return Part(
        key=key,
        title=title,
        criteria=criteria,
        entries=(
            Entry(
                f"{key}_given",
                _("%(what)s: given as") % {"what": title},
                CHOICE,
                (
                    ("list", _("A list of sites")),
                    ("plan", _("A plan to compile the list")),
                    ("none", _("Nothing")),
                ),
                help=_("Empty: read from what is filled in below."),
                short=_("Given as"),
            ),
            Entry(
                f"{key}_sites",
                _("%(what)s: sites") % {"what": title},
                PARAGRAPHS,
                help=_(
                    "One site per line: name; address; country. Only sites with a name and an address count."
                ),
                short=_("Sites"),
            ),
            *(
                Entry(f"{key}_{part}", f"{title}: {plan_labels[part].lower()}", LONG, short=plan_labels[part])
                for part in SITE_PLAN_PARTS
            ),
        ),
        evidence=EVIDENCE_EXTENSIONS,
        evidence_label=_("The site list or the plan, as a file"),
        hint=_(
            "A list of sites (name and address), or a plan with its four parts: timeline, deliverables, "
            "challenges and supplier engagement."
        ),
    )


def bid_parts(tender: Tender) -> list[Part]:
    """The groups of the tender's bid form: the bid itself, then one per bid field its scenario's criteria read."""
    framework = services.tender_framework(tender)  # as the buyer chose it: what the evaluation applies
    scenario = framework.scenario(tender.scenario)
    readers: dict[str, list[Criterion]] = {}  # the bid field read -> the criteria reading it
    for criterion_id in scenario.criteria:
        criterion = framework.criterion(criterion_id)
        rule = criterion.rule
        if rule.type == "clause":
            continue
        key = str((rule.model_extra or {})["field"]) if rule.type == "site_list" else rule.type
        readers.setdefault(key, []).append(criterion)
    parts = [
        Part(
            key="bid",
            title=_("The bid"),
            criteria=(),
            entries=(
                Entry(
                    "bidder",
                    _("Bidder"),
                    TEXT,
                    required=True,
                    help=_("The company that bids, as named in its bid."),
                ),
                Entry(
                    "price", _("Price"), PRICE, required=True, help=_("The total price of the bid, a number.")
                ),
            ),
            evidence=DOCUMENT_EXTENSIONS,
            evidence_label=_("The bid document (optional)"),
            hint=_("Attach the bid itself if you like: it is kept with the draft."),
        )
    ]
    for key, criteria in readers.items():
        found = tuple(criteria)
        if key == "label":
            parts.append(
                Part(
                    key="label",
                    title=_("Label evidence"),
                    criteria=found,
                    entries=(
                        Entry(
                            "label_kind",
                            _("Label"),
                            CHOICE,
                            (
                                ("tco", "TCO Certified"),
                                ("epeat", "EPEAT"),
                                ("equivalent", _("An equivalent label")),
                                ("none", _("No label")),
                            ),
                        ),
                        Entry(
                            "label_details",
                            _("Label details"),
                            TEXT,
                            help=_(
                                "Generation, criteria set or certificate number; the name of an equivalent label."
                            ),
                            short=_("Details"),
                        ),
                    ),
                    evidence=DOCUMENT_EXTENSIONS,
                    evidence_label=_("Certificate or registry entry"),
                )
            )
        elif key == "risk_assessment":
            parts.append(
                Part(
                    key="risk_assessment",
                    title=_("Human-rights risk assessment"),
                    criteria=found,
                    entries=(
                        Entry(
                            "ra_read_from",
                            _("Read the risk assessment from"),
                            CHOICE,
                            (
                                ("document", _("hrdd's check of the attached document")),
                                ("lists", _("The lists typed below")),
                            ),
                            help=_("Empty: the document when one is attached, else the lists."),
                            in_template=False,
                        ),
                        Entry(
                            "ra_components",
                            _("Risk assessment: key components"),
                            LINES,
                            help=_("One per line, or separated by semicolons."),
                            short=_("Key components"),
                        ),
                        Entry(
                            "ra_raw_materials",
                            _("Risk assessment: raw materials"),
                            LINES,
                            help=_("One per line, or separated by semicolons."),
                            short=_("Raw materials"),
                        ),
                        Entry(
                            "ra_countries",
                            _("Risk assessment: sourcing countries"),
                            LINES,
                            help=_("One per line, or separated by semicolons."),
                            short=_("Sourcing countries"),
                        ),
                        Entry(
                            "ra_risks",
                            _("Risk assessment: human-rights risks"),
                            PARAGRAPHS,
                            help=_("One risk per line, with a short description."),
                            short=_("Human-rights risks"),
                        ),
                    ),
                    evidence=DOCUMENT_EXTENSIONS,
                    evidence_label=_("Risk-assessment document"),
                    check=RISK_ASSESSMENT_CHECK,
                    hint=_(
                        "Attach the bidder's risk assessment (PDF, DOCX or text): hrdd reads it with the same "
                        "check as a supplier's assessment in step 1 and shows what it found, sentence by sentence. "
                        "Without a document, type what the bid names."
                    ),
                )
            )
        elif key == "policy_commitment":
            parts.append(
                Part(
                    key="policy_commitment",
                    title=_("Policy commitment"),
                    criteria=found,
                    entries=(
                        Entry(
                            "policy_read_from",
                            _("Read the policy commitment from"),
                            CHOICE,
                            (
                                ("document", _("hrdd's check of the attached document")),
                                ("typed", _("The answers typed below")),
                            ),
                            help=_("Empty: the answers typed below, or hrdd's check when none is typed."),
                            in_template=False,
                        ),
                        Entry(
                            "policy_written",
                            _("Written commitment to respect human rights"),
                            CHOICE,
                            _yes_no(),
                        ),
                        Entry("policy_written_where", _("Where the commitment can be read"), TEXT),
                        Entry("policy_communicated", _("Communicated to its suppliers"), CHOICE, _yes_no()),
                        Entry("policy_communicated_how", _("How it was communicated to suppliers"), TEXT),
                    ),
                    evidence=DOCUMENT_EXTENSIONS,
                    evidence_label=_("The policy, or proof it reached suppliers"),
                    check=POLICY_CHECK,
                    hint=_(
                        "Attach the bidder's human-rights policy or supplier code of conduct (PDF, DOCX or text): "
                        "hrdd looks for a written commitment and for its communication to suppliers, and quotes "
                        "the sentences it found them in. Answers you type below count; left empty, hrdd's "
                        "reading counts."
                    ),
                )
            )
        elif found[0].rule.type == "site_list":
            parts.append(_site_part(key, found))
        elif key == "action_plan":
            entries: list[Entry] = []
            for n in range(1, ACTION_ROWS + 1):
                entries.append(Entry(f"action_{n}", _("Action %d") % n, TEXT))
                entries.append(Entry(f"justification_{n}", _("Justification %d") % n, TEXT))
            parts.append(
                Part(
                    key="actions",
                    title=_("Action plan"),
                    criteria=found,
                    entries=tuple(entries),
                    evidence=DOCUMENT_EXTENSIONS,
                    evidence_label=_("The action plan, as a file"),
                    hint=_("Only actions with a justification count."),
                )
            )
        elif key == "due_diligence":
            elements = (found[0].rule.model_extra or {})["elements"]
            parts.append(
                Part(
                    key="due_diligence",
                    title=_("Due-diligence processes"),
                    criteria=found,
                    entries=(
                        Entry(
                            "dd_read_from",
                            _("Read the due-diligence elements from"),
                            CHOICE,
                            (
                                ("document", _("hrdd's check of the attached document")),
                                ("typed", _("The elements typed below")),
                            ),
                            help=_("Empty: the elements typed below, and hrdd's check for those left empty."),
                            in_template=False,
                        ),
                        *(
                            Entry(
                                f"dd_{element}",
                                _("Due diligence: %s") % _element_label(element).lower(),
                                LONG,
                                short=_element_label(element),
                            )
                            for element in elements
                        ),
                    ),
                    evidence=DOCUMENT_EXTENSIONS,
                    evidence_label=_("The due-diligence description, as a file"),
                    check=DUE_DILIGENCE_CHECK,
                    hint=_(
                        "Attach the bidder's description of its due diligence (PDF, DOCX or text): hrdd looks "
                        "for the five elements and quotes the sentences it found each in. An element you type "
                        "below counts as typed; one left empty is taken from hrdd's reading of the document."
                    ),
                )
            )
    return parts


def entries_of(parts: Sequence[Part]) -> list[Entry]:
    """Every input of the form, in order."""
    return [entry for part in parts for entry in part.entries]


# --- from the inputs to the bid the rules read ---------------------------------------------------------------


def _clean(value: Any) -> str:
    return str(value if value is not None else "").strip()


def split_list(value: Any) -> list[str]:
    """A short list typed one per line or separated by semicolons."""
    return [item.strip() for item in re.split(r"[\n;]", _clean(value)) if item.strip()]


def split_lines(value: Any) -> list[str]:
    """A list of sentences or sites, one per line."""
    return [line.strip() for line in _clean(value).splitlines() if line.strip()]


def parse_site(line: str) -> dict[str, str]:
    """One site: 'name; address; country' (or separated by tabs, as pasted from a spreadsheet)."""
    separator = "\t" if "\t" in line else ";"
    name, address, country = ([p.strip() for p in line.split(separator, 2)] + ["", ""])[:3]
    return {"name": name, "address": address, "country": country}


@dataclass(frozen=True)
class Evidence:
    """What compose_bid needs of an attached file: its name and, for a checked part, hrdd's check (as stored)."""

    filename: str
    check: Mapping[str, Any] | None = None


def _counts(lists: Mapping[str, Sequence[Any]]) -> str:
    return _(
        "%(components)d component(s), %(materials)d raw material(s), %(countries)d sourcing country(ies), "
        "%(risks)d risk(s)"
    ) % {
        "components": len(lists.get("components", ())),
        "materials": len(lists.get("raw_materials", ())),
        "countries": len(lists.get("sourcing_countries", ())),
        "risks": len(lists.get("risks", ())),
    }


def document_lists(check: Mapping[str, Any]) -> dict[str, Any]:
    """The risk-assessment lists hrdd's check found in a document (a risk's description is its first sentence)."""
    return {
        "components": [f["id"] for f in check["components"]],
        "raw_materials": [f["id"] for f in check["raw_materials"]],
        "sourcing_countries": [f["id"] for f in check["countries"]],
        "risks": [
            {"category": f["id"], "description": (f["sentences"] or [f["id"]])[0]} for f in check["risks"]
        ],
    }


def _risk_assessment(
    entries: Mapping[str, Any], evidence: Evidence | None, problems: list
) -> dict[str, Any] | None:
    typed = {
        "components": split_list(entries.get("ra_components")),
        "raw_materials": split_list(entries.get("ra_raw_materials")),
        "sourcing_countries": split_list(entries.get("ra_countries")),
        "risks": [{"description": line} for line in split_lines(entries.get("ra_risks"))],
    }
    any_typed = any(typed.values())
    read_from = _clean(entries.get("ra_read_from"))
    document = evidence.check if evidence is not None else None
    if read_from == "document" and document is None:
        problems.append(("ra_read_from", _("attach the risk-assessment document, or choose the typed lists")))
        return None
    if document is not None and read_from != "lists":
        found = document_lists(document)
        source = _("hrdd's check of %s") % evidence.filename  # type: ignore[union-attr]
        if any_typed and _counts(typed) != _counts(found):
            source += _("; the lists typed by the buyer give %s") % _counts(typed)
        return found | {"source": source}
    if not any_typed:
        return None
    if document is None:
        return typed
    # the buyer read the document and typed what it names: the reason shows where hrdd's check disagrees
    verdict = _("meets the minimum") if document["meets_minimum"] else _("below the minimum")
    source = _("typed by the buyer; hrdd's check of %(file)s found %(counts)s (%(verdict)s)") % {
        "file": evidence.filename,  # type: ignore[union-attr]
        "counts": _counts(document_lists(document)),
        "verdict": verdict,
    }
    return typed | {"source": source}


def _fact(entries: Mapping[str, Any], name: str, detail: str, problems: list) -> bool | str:
    answer = _clean(entries.get(name))
    text = _clean(entries.get(detail))
    if answer == "no" and text:
        problems.append((detail, _("you answered no: clear this text, or answer yes")))
    if answer == "yes":
        return text or True
    if not answer and text:
        return text  # a place or a way to read it says yes
    return False


def _document_check(evidence: Evidence | None, check_id: str) -> Mapping[str, Any] | None:
    """The stored document check of a file, when it is one of `check_id` (a file kept unread has none)."""
    check = evidence.check if evidence is not None else None
    return check if check is not None and check.get("check") == check_id else None


def _read_from(
    entries: Mapping[str, Any],
    name: str,
    evidence: Evidence | None,
    check: Mapping[str, Any] | None,
    problems: list[tuple[str, str]],
) -> str:
    """The buyer's choice between hrdd's reading and the typed answers; 'document' needs a checked document."""
    read_from = _clean(entries.get(name))
    if read_from == "document" and check is None:
        if evidence is None:
            problems.append((name, _("attach the document, or choose the typed answers")))
        else:
            problems.append(
                (
                    name,
                    _("hrdd has not read %s: attach it again, or choose the typed answers")
                    % evidence.filename,
                )
            )
    return read_from


def _found_sentences(check: Mapping[str, Any]) -> dict[str, list[str]]:
    """The sentences hrdd's document check found each element in (an element not found is absent)."""
    return {e["id"]: list(e["sentences"]) for e in check["elements"] if e["found"] and e["sentences"]}


def _text_of(sentences: Sequence[str]) -> str:
    """Found sentences as the text of an answer: one per line."""
    return "\n".join(sentences)


def _quote(sentences: Sequence[str]) -> str:
    """The first sentence found, as a short quotation for a reason (cut at a word)."""
    text = " ".join(sentences[0].split())
    if len(text) > QUOTE_CHARS:
        text = text[:QUOTE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"“{text}”"


# AC2's facts in the bid, the element of the document check that shows each, and the inputs that answer it
POLICY_FACTS = {
    "written": ("commitment", ("policy_written", "policy_written_where")),
    "communicated_to_suppliers": ("communicated", ("policy_communicated", "policy_communicated_how")),
}
POLICY_FACT_WORDS = {
    "written": gettext_lazy("the written commitment"),
    "communicated_to_suppliers": gettext_lazy("the communication to suppliers"),
}


def _policy_finding(fact: str, sentences: Sequence[str]) -> str:
    if fact == "written":
        return _("a written commitment, %s") % _quote(sentences) if sentences else _("no written commitment")
    if sentences:
        return _("communicated to suppliers, %s") % _quote(sentences)
    return _("not communicated to suppliers")


def _policy_commitment(
    entries: Mapping[str, Any], evidence: Evidence | None, problems: list[tuple[str, str]]
) -> dict[str, Any]:
    """AC2's two facts: each as the buyer answered it, or, left unanswered, as hrdd's check of the attached policy
    found it (both from one or the other when the buyer chose so); with a document, `source` says which facts
    came from the check and where the check disagrees with the buyer's answers."""
    typed = {fact: _fact(entries, *inputs, problems) for fact, (_element, inputs) in POLICY_FACTS.items()}
    check = _document_check(evidence, POLICY_CHECK)
    read_from = _read_from(entries, "policy_read_from", evidence, check, problems)
    if check is None or evidence is None:
        return typed
    found = _found_sentences(check)
    sentences = {fact: found.get(element, []) for fact, (element, _inputs) in POLICY_FACTS.items()}
    answered = [f for f, (_e, inputs) in POLICY_FACTS.items() if any(_clean(entries.get(n)) for n in inputs)]
    if read_from == "document":
        kept: list[str] = []
    elif read_from == "typed":
        kept = list(POLICY_FACTS)
    else:
        kept = answered
    policy = {
        fact: typed[fact] if fact in kept else (_text_of(sentences[fact]) or False) for fact in POLICY_FACTS
    }
    file = evidence.filename
    pieces = []
    if read := [fact for fact in POLICY_FACTS if fact not in kept]:
        findings = "; ".join(_policy_finding(fact, sentences[fact]) for fact in read)
        pieces.append(_("hrdd's check of %(file)s: %(findings)s") % {"file": file, "findings": findings})
    if kept:
        disagree = [fact for fact in kept if bool(typed[fact]) != bool(sentences[fact])]
        if disagree:
            findings = "; ".join(_policy_finding(fact, sentences[fact]) for fact in disagree)
            check_says = _("hrdd's check of %(file)s disagrees: %(findings)s") % {
                "file": file,
                "findings": findings,
            }
        else:
            check_says = _("hrdd's check of %s agrees") % file
        if len(kept) == len(POLICY_FACTS):
            who = _("typed by the buyer")
        else:
            who = _("%s typed by the buyer") % _names([str(POLICY_FACT_WORDS[fact]) for fact in kept])
        pieces.append(f"{who}; {check_says}")
    if read_from == "document" and any(bool(typed[f]) != bool(sentences[f]) for f in answered):
        pieces.append(_("the answers typed by the buyer say otherwise"))
    return policy | {"source": "; ".join(pieces)}


def _names(elements: Sequence[str]) -> str:
    return ", ".join(elements)


def _due_diligence(
    part: Part, entries: Mapping[str, Any], evidence: Evidence | None, problems: list[tuple[str, str]]
) -> dict[str, Any]:
    """AC7's elements: each typed by the buyer, or, left empty, read from the attached description (all from one
    or the other when the buyer chose so); with a document, `source` names the elements that came from it and
    those hrdd's check did not find."""
    elements = [e.name.removeprefix("dd_") for e in part.entries if e.name != READ_FROM[part.key]]
    typed = {el: _clean(entries.get(f"dd_{el}")) for el in elements if _clean(entries.get(f"dd_{el}"))}
    check = _document_check(evidence, DUE_DILIGENCE_CHECK)
    read_from = _read_from(entries, "dd_read_from", evidence, check, problems)
    if check is None or evidence is None:
        return typed
    found = {el: _text_of(sentences) for el, sentences in _found_sentences(check).items() if el in elements}
    file = evidence.filename
    if read_from == "document":
        kept: list[str] = []
        filled = [el for el in elements if el in found]
    elif read_from == "typed":
        kept = [el for el in elements if el in typed]
        filled = []
    else:
        kept = [el for el in elements if el in typed]
        filled = [el for el in elements if el not in typed and el in found]
    described = {el: typed[el] if el in kept else found[el] for el in elements if el in kept or el in filled}
    pieces = []
    if filled:
        pieces.append(
            _("%(elements)s from hrdd's check of %(file)s") % {"elements": _names(filled), "file": file}
        )
    if kept:
        pieces.append(_("%s typed by the buyer") % _names(kept))
    if not_found := [el for el in kept if el not in found]:
        pieces.append(
            _("hrdd's check of %(file)s did not find %(elements)s")
            % {"elements": _names(not_found), "file": file}
        )
    if unread := [el for el in elements if el in found and el not in described]:
        pieces.append(
            _("hrdd's check of %(file)s also found %(elements)s, not read")
            % {"elements": _names(unread), "file": file}
        )
    if read_from == "document" and (ignored := [el for el in elements if el in typed]):
        pieces.append(_("the buyer's text for %s is not read") % _names(ignored))
    if not found and not kept:
        pieces.append(_("hrdd's check of %s found none of the elements") % file)
    return described | {"source": "; ".join(pieces)}


def _sites(key: str, entries: Mapping[str, Any], problems: list) -> dict[str, Any] | None:
    given = _clean(entries.get(f"{key}_given"))
    sites = [parse_site(line) for line in split_lines(entries.get(f"{key}_sites"))]
    plan = {part: _clean(entries.get(f"{key}_{part}")) for part in SITE_PLAN_PARTS}
    has_plan = any(plan.values())
    if given == "none":
        if sites or has_plan:
            problems.append((f"{key}_given", _("you chose nothing, but sites or a plan are filled in")))
        return None
    if given == "list" and not sites:
        problems.append(
            (f"{key}_sites", _("list at least one site (name; address; country), or choose the plan"))
        )
        return None
    if given == "plan" and not has_plan:
        problems.append((f"{key}_timeline", _("describe the plan, or choose the list of sites")))
        return None
    for line, site in enumerate(sites, start=1):
        if not site["name"]:
            problems.append((f"{key}_sites", _("line %d: a site needs a name before its address") % line))
    if given == "plan" or (not given and not sites and has_plan):
        return {"plan": plan}
    if sites:
        return {"sites": sites}
    return None


def compose_bid(
    parts: Sequence[Part], entries: Mapping[str, Any], evidence: Mapping[str, Evidence] | None = None
) -> dict[str, Any]:
    """The bid the tender rules read, from a draft's inputs and its attached evidence; BidEntryError names every
    input at fault."""
    evidence = evidence or {}
    problems: list[tuple[str, str]] = []
    bidder = _clean(entries.get("bidder"))
    if not bidder:
        problems.append(("bidder", _("the bidder's name is required")))
    elif len(bidder) > 200:
        problems.append(("bidder", _("at most 200 characters")))
    price = entries.get("price")
    if price is None or price == "":
        problems.append(("price", _("the price is required")))
    elif (
        isinstance(price, bool)
        or not isinstance(price, int | float)
        or not math.isfinite(price)
        or price <= 0
    ):
        problems.append(("price", _("must be a number greater than 0")))
    bid: dict[str, Any] = {"bidder": bidder, "price": price}
    for part in parts:
        if part.key == "label":
            kind = _clean(entries.get("label_kind"))
            details = _clean(entries.get("label_details"))
            names = {"tco": "TCO Certified", "epeat": "EPEAT", "equivalent": _("Equivalent label")}
            if kind == "equivalent" and not details:
                problems.append(("label_details", _("name the equivalent label")))
            elif kind == "none" and details:
                problems.append(
                    ("label_details", _("you chose no label: clear this text, or choose the label"))
                )
            elif kind in names:
                bid["label"] = f"{names[kind]}: {details}" if details else names[kind]
            elif details:
                bid["label"] = details
        elif part.key == "risk_assessment":
            ra = _risk_assessment(entries, evidence.get("risk_assessment"), problems)
            if ra is not None:
                bid["risk_assessment"] = ra
        elif part.key == "policy_commitment":
            bid["policy_commitment"] = _policy_commitment(entries, evidence.get(part.key), problems)
        elif part.key.endswith("_sites"):
            block = _sites(part.key, entries, problems)
            if block is not None:
                bid[part.key] = block
        elif part.key == "actions":
            actions = []
            for n in range(1, ACTION_ROWS + 1):
                action = _clean(entries.get(f"action_{n}"))
                justification = _clean(entries.get(f"justification_{n}"))
                if justification and not action:
                    problems.append((f"action_{n}", _("the action this justification is for is missing")))
                elif action:
                    actions.append({"action": action, "justification": justification})
            if actions:
                bid["actions"] = actions
        elif part.key == "due_diligence":
            described = _due_diligence(part, entries, evidence.get(part.key), problems)
            if described:
                bid["due_diligence"] = described
    if problems:
        raise BidEntryError(problems)
    return bid


def draft_request(tender: Tender, bids: list[dict[str, Any]]) -> dict[str, Any]:
    """The evaluation request of a tender for some bids (as the evaluation of the drafts makes it)."""
    return services.evaluation_request(tender, bids)


def bid_preview(
    tender: Tender, bid: Mapping[str, Any], framework: TenderFramework | None = None
) -> BidResult | None:
    """What the rules read in one bid alone: admission and each criterion's fraction with its reason (the points
    depend on the other bids' prices). A page of drafts passes the tender's framework, made once."""
    framework = framework or services.tender_framework(tender)
    try:
        evaluation = evaluate_bids(draft_request(tender, [dict(bid)]), framework)
    except TenderInputError:
        return None
    return evaluation.bids[0]


@dataclass(frozen=True)
class CheckedElement:
    """One element of a document check as the bid form shows it."""

    title: str
    points: int
    found: bool
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class DocumentCheckView:
    """A stored policy-commitment or due-diligence check as the bid form shows it (a risk assessment's check, or a
    file kept unread, has none)."""

    check: str
    score: int
    out_of: int
    language: str
    source: str
    elements: tuple[CheckedElement, ...]

    @property
    def found(self) -> int:
        return sum(1 for e in self.elements if e.found)


def _checked_title(check: str, element: Mapping[str, Any]) -> str:
    if check == DUE_DILIGENCE_CHECK and element["id"] in DUE_DILIGENCE_LABELS:
        return _element_label(element["id"])
    if check == POLICY_CHECK and element["id"] in POLICY_LABELS:
        return str(POLICY_LABELS[element["id"]])
    label = str(element.get("label") or element["id"].replace("_", " "))
    return label[:1].upper() + label[1:]


def document_check_view(bid_file: BidFile | None) -> DocumentCheckView | None:
    """What hrdd's document check found in a bid's file, element by element, or None when it has none."""
    check = bid_file.check_result if bid_file is not None else None
    if not isinstance(check, Mapping) or check.get("check") not in (POLICY_CHECK, DUE_DILIGENCE_CHECK):
        return None
    return DocumentCheckView(
        check=check["check"],
        score=int(check.get("score", 0)),
        out_of=int(check.get("out_of", 100)),
        language=str(check.get("language", "")),
        source=str(check.get("source", "")),
        elements=tuple(
            CheckedElement(
                title=_checked_title(check["check"], e),
                points=int(e.get("points", 0)),
                found=bool(e.get("found")),
                sentences=tuple(e.get("sentences", ())),
            )
            for e in check.get("elements", ())
        ),
    )


# --- reads --------------------------------------------------------------------------------------------------


def bid_draft_list(*, tender: Tender) -> QuerySet[BidDraft]:
    """The tender's drafts with their number of files and who saved them last (one query per page)."""
    return tender.bid_drafts.select_related("updated_by").annotate(n_files=Count("files"))


def bid_draft_get(*, tender: Tender, public_id: Any) -> BidDraft:
    """One draft of the tender, or NotFound."""
    try:
        return tender.bid_drafts.select_related("updated_by").get(public_id=public_id)
    except (BidDraft.DoesNotExist, ValidationError, ValueError, TypeError) as exc:  # also a malformed id
        raise NotFound("bid") from exc


def bid_file_get(*, draft: BidDraft, part: str) -> BidFile:
    """The evidence file of one part of a draft, or NotFound."""
    try:
        return draft.files.get(part=part)
    except BidFile.DoesNotExist as exc:
        raise NotFound("file") from exc


# --- writes -------------------------------------------------------------------------------------------------


@dataclass
class _Upload:
    part: str
    file: AcceptedFile
    check: dict[str, Any] | None = None


def read_evidence(parts: Sequence[Part], uploads: Mapping[str, Any]) -> list[_Upload]:
    """Accept each uploaded evidence file (the kernel's size and type rules) and read the text of a part that has a
    check (a risk assessment, a policy commitment, a due-diligence description); BidEntryError names the file box
    at fault."""
    accepted: list[_Upload] = []
    problems: list[tuple[str, str]] = []
    for part in parts:
        upload = uploads.get(part.key)
        if upload is None or not part.evidence:
            continue
        name = f"file_{part.key}"
        try:
            file = accept_upload(upload, allowed=part.evidence, field=name)
            check = (
                check_text(extract_text(file, field=name), cast(CheckKind, part.check)).as_dict()
                if part.check
                else None
            )
        except InputError as exc:
            problems.append((name, str(exc)))
            continue
        accepted.append(_Upload(part=part.key, file=file, check=check))
    if problems:
        raise BidEntryError(problems)
    return accepted


def _evidence_of(files: Sequence[BidFile]) -> dict[str, Evidence]:
    return {f.part: Evidence(filename=f.filename, check=f.check_result) for f in files}


def _summary(draft: BidDraft) -> dict[str, Any]:
    return {
        "bidder": draft.bidder,
        "price": draft.price,
        "parts": sorted(k for k in draft.bid if k not in ("bidder", "price")),
        "version": draft.version,
    }


def _check_unique(tender: Tender, bidder: str, draft: BidDraft | None) -> None:
    others = tender.bid_drafts.filter(bidder__iexact=bidder)
    if draft is not None:
        others = others.exclude(pk=draft.pk)
    if others.exists():
        raise BidEntryError([("bidder", _("a bid of %s is entered already; open it to change it") % bidder)])


def bid_draft_save(
    *,
    actor: User,
    tender: Tender,
    entries: Mapping[str, Any],
    draft: BidDraft | None = None,
    version: int | None = None,
    uploads: Mapping[str, Any] | None = None,
    remove: Sequence[str] = (),
) -> BidDraft:
    """Create a draft (no `draft`) or change one: its inputs, files attached or removed. A change needs the
    `version` the form was opened with; StaleDraft when someone saved since. Nothing is stored on a refusal."""
    require_writer(actor, tender.organisation)
    parts = bid_parts(tender)
    accepted = read_evidence(parts, uploads or {})
    stored: list[BidFile] = []
    try:
        with transaction.atomic():
            return _save(actor, tender, parts, entries, draft, version, accepted, remove, stored)
    except BaseException:
        for bid_file in stored:  # nothing half-stored: the files written before the refusal go too
            bid_file.file.delete(save=False)
        raise


def _save(
    actor: User,
    tender: Tender,
    parts: Sequence[Part],
    entries: Mapping[str, Any],
    draft: BidDraft | None,
    version: int | None,
    accepted: Sequence[_Upload],
    remove: Sequence[str],
    stored: list[BidFile],
) -> BidDraft:
    before = None
    if draft is not None:
        draft = BidDraft.objects.select_for_update().get(pk=draft.pk)
        if version != draft.version:
            who = draft.updated_by.email if draft.updated_by else _("someone")
            raise StaleDraft(
                _(
                    "%(who)s saved this bid at %(when)s, after you opened it. Your input is kept below but not "
                    "saved: open the bid again to see their version, then make your change there."
                )
                % {"who": who, "when": timezone.localtime(draft.updated_at).strftime("%Y-%m-%d %H:%M")}
            )
        before = _summary(draft)
    files = {f.part: f for f in draft.files.all()} if draft is not None else {}
    # without its document the typed answers are what remains to read
    unchosen = {READ_FROM[part] for part in remove if part in READ_FROM}
    entries = {k: v for k, v in entries.items() if k not in unchosen}
    doomed = [files.pop(part) for part in remove if part in files]
    new_checks = {u.part: Evidence(filename=u.file.name, check=u.check) for u in accepted}
    evidence = _evidence_of(list(files.values())) | new_checks
    clean_entries = {
        e.name: entries.get(e.name) for e in entries_of(parts) if entries.get(e.name) not in (None, "")
    }
    bid = compose_bid(parts, clean_entries, evidence)
    _check_unique(tender, bid["bidder"], draft)
    # the tender rules read it now as they will at the evaluation: a refusal says why, at the top of the form
    evaluate_bids(draft_request(tender, [bid]), services.tender_framework(tender))
    if draft is None:
        draft = BidDraft(tender=tender, created_by=actor)
    else:
        draft.version += 1
    draft.bidder = bid["bidder"]
    draft.price = float(bid["price"])
    draft.entries = clean_entries
    draft.bid = bid
    draft.updated_by = actor
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError as exc:  # a colleague entered the same bidder a moment ago
        raise BidEntryError([("bidder", _("a bid of %s is entered already") % bid["bidder"])]) from exc
    for upload in accepted:
        if upload.part in files:
            doomed.append(files.pop(upload.part))
    for bid_file in doomed:  # the stored file goes once the change is committed
        transaction.on_commit(lambda f=bid_file.file: f.delete(save=False))
        bid_file.delete()
    for upload in accepted:
        bid_file = BidFile(
            draft=draft,
            part=upload.part,
            filename=upload.file.name[:255],
            content_type=upload.file.content_type,
            size=upload.file.size,
            check_result=upload.check,
        )
        bid_file.file.save(
            f"{draft.public_id}-{upload.part}{upload.file.extension}",
            ContentFile(upload.file.content),
            save=False,
        )
        stored.append(bid_file)
        bid_file.save()
    audit_record(
        actor=actor,
        organisation=tender.organisation,
        action="tender.bid_draft.update" if before else "tender.bid_draft.create",
        target=draft,
        before=before,
        after=_summary(draft)
        | {"files_added": [u.part for u in accepted], "files_removed": [f.part for f in doomed]},
    )
    return draft


@transaction.atomic
def bid_draft_delete(*, actor: User, draft: BidDraft) -> None:
    """Delete a draft and its files."""
    tender = draft.tender
    require_writer(actor, tender.organisation)
    before = _summary(draft)
    files = list(draft.files.all())
    audit_record(
        actor=actor,
        organisation=tender.organisation,
        action="tender.bid_draft.delete",
        target=draft,
        before=before,
    )
    draft.delete()
    for bid_file in files:
        transaction.on_commit(lambda f=bid_file.file: f.delete(save=False))


def bid_drafts_evaluate(*, actor: User, tender: Tender) -> tuple[BidEvaluation, Evaluation]:
    """Evaluate the tender's drafts as they are now (the drafts stay, to be corrected and evaluated again)."""
    drafts = list(tender.bid_drafts.order_by("bidder", "id"))
    if not drafts:
        raise InputError(_("Enter at least one bid first."), field="")
    try:
        return services.bid_evaluation_create(actor=actor, tender=tender, bids=[d.bid for d in drafts])
    except TenderInputError as exc:  # bids[2].price: say whose bid, not its place in a list nobody sees
        found = re.match(r"bids\[(\d+)\]", exc.field)
        if found is None or int(found.group(1)) >= len(drafts):
            raise
        raise InputError(
            _("The bid of %(bidder)s: %(problem)s. Open it to correct it.")
            % {
                "bidder": drafts[int(found.group(1))].bidder,
                "problem": str(exc).removeprefix(f"{exc.field}: "),
            },
            field="",
        ) from exc


# --- the bid template ---------------------------------------------------------------------------------------


def _template_entries(parts: Sequence[Part]) -> list[Entry]:
    return [entry for entry in entries_of(parts) if entry.in_template]


def bid_template(tender: Tender) -> bytes:
    """An XLSX workbook to collect the tender's bids: one sheet, one row per bidder, a column per input (its help
    as the header's comment), drop-down lists for the choices."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    entries = _template_entries(bid_parts(tender))
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = str(_("Bids"))
    append_row(sheet, [str(e.label) + (" *" if e.required else "") for e in entries], bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    last = TEMPLATE_ROWS + 1
    for column, entry in enumerate(entries, start=1):
        letter = get_column_letter(column)
        cell = sheet.cell(row=1, column=column)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        help_text = str(entry.help or "")
        if entry.required:
            help_text = (help_text + " " + _("Required.")).strip()
        if help_text:
            cell.comment = Comment(help_text, "hrdd")
        sheet.column_dimensions[letter].width = {TEXT: 28, PRICE: 14, CHOICE: 24}.get(entry.kind, 40)
        if entry.kind == CHOICE:
            choices = DataValidation(
                type="list",
                formula1='"' + ",".join(str(label) for _value, label in entry.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=str(_("Not one of the choices")),
                error=str(_("Pick one of the values in the list.")),
            )
            sheet.add_data_validation(choices)
            choices.add(f"{letter}2:{letter}{last}")
        elif entry.kind == PRICE:
            price = DataValidation(
                type="decimal",
                operator="greaterThan",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=str(_("Not a price")),
                error=str(_("Write the price as a number greater than 0.")),
            )
            sheet.add_data_validation(price)
            price.add(f"{letter}2:{letter}{last}")
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 45
    return workbook_bytes(workbook)


def _header_key(text: Any) -> str:
    return re.sub(r"\s+", " ", _clean(text).removesuffix("*").strip()).casefold()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice_value(entry: Entry, value: Any) -> str | None:
    """The choice a cell names, by its label or its value in any case; None when it names none."""
    text = _clean(value).casefold()
    for choice, label in entry.choices:
        if text in (choice.casefold(), str(label).casefold()):
            return choice
    return None


class PriceError(ValueError):
    """A price that cannot be read as one number; the message says how to write it."""


def parse_price(value: Any) -> float:
    """Read a price as people write it: 412000, 412000.50, 412 000, 412.000,50, 412,000.50 or 412000,50.

    With both a point and a comma the last one is the decimal mark; one mark followed by exactly three digits
    (412,000 or 412.000) could be either and is refused, never guessed."""
    if isinstance(value, bool):
        raise PriceError(_("%r is not a number") % value)
    if isinstance(value, int | float):
        return float(value)
    raw = _clean(value)
    text = re.sub(r"[\s\u00a0\u202f'’]", "", raw)
    if not re.fullmatch(r"[0-9][0-9.,]*", text) or text[-1] in ".,":
        raise PriceError(_("%r is not a number") % raw)
    marks = [c for c in text if c in ".,"]
    if marks:
        last = text.rfind(marks[-1])
        if len(set(marks)) == 2:
            decimal = marks[-1]
        elif len(marks) > 1:
            decimal = None  # 1,234,567: thousands only
        elif len(text) - last - 1 == 3:
            raise PriceError(
                _(
                    "%r could be read two ways: write it without a thousands separator (e.g. 412000) or with "
                    "the decimals (e.g. 412000.00)"
                )
                % raw
            )
        else:
            decimal = marks[-1]
        thousands = marks[0] if decimal is None else ({".", ","} - {decimal}).pop()
        whole = text.rsplit(decimal, 1)[0] if decimal else text
        if thousands in whole and not re.fullmatch(rf"[0-9]{{1,3}}(\{thousands}[0-9]{{3}})*", whole):
            raise PriceError(_("%r is not a number") % raw)
        text = text.replace(thousands, "")
        if decimal:
            text = text.replace(decimal, ".")
    try:
        return float(text)
    except ValueError as exc:
        raise PriceError(_("%r is not a number") % raw) from exc


@dataclass
class ImportedRow:
    row: int
    entries: dict[str, Any]
    bid: dict[str, Any] = field(default_factory=dict)


def read_bid_template(tender: Tender, file: AcceptedFile) -> list[ImportedRow]:
    """Read a filled bid template into each row's inputs and bid; BidImportError names every row and column at
    fault, and nothing is read when one is."""
    from openpyxl.utils import get_column_letter

    parts = bid_parts(tender)
    entries = _template_entries(parts)
    by_label = {_header_key(e.label): e for e in entries} | {e.name.casefold(): e for e in entries}
    # a template downloaded by a colleague who reads hrdd in another language has its column names in that one
    by_name = {e.name: e for e in entries}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for other in _template_entries(bid_parts(tender)):
                if other.name in by_name:
                    by_label.setdefault(_header_key(other.label), by_name[other.name])
    rows = read_xlsx_rows(file.content, name=file.name, field="file", max_rows=MAX_IMPORT_ROWS + 1)
    if not rows or not any(rows[0]):
        raise BidImportError(
            [_("%s: the first row must hold the column names of the bid template.") % file.name]
        )
    columns: dict[int, Entry] = {}
    problems: list[str] = []
    for index, header in enumerate(rows[0]):
        if header in (None, ""):
            continue
        entry = by_label.get(_header_key(header))
        where = _("column %(letter)s (%(header)s)") % {
            "letter": get_column_letter(index + 1),
            "header": _clean(header),
        }
        if entry is None:
            meant = closest_name(_clean(header).removesuffix("*").strip(), [str(e.label) for e in entries])
            problems.append(
                _("row 1, %(where)s: not a column of this tender's bid template") % {"where": where}
                + (_("; did you mean %s?") % meant if meant else "")
            )
        elif entry in columns.values():
            problems.append(_("row 1, %(where)s: the column appears twice") % {"where": where})
        else:
            columns[index] = entry
    for required in (e for e in entries if e.required):
        if required not in columns.values():
            problems.append(_("row 1: the column %s is missing") % required.label)
    if problems:
        raise BidImportError(problems)
    letters = {e.name: get_column_letter(i + 1) for i, e in columns.items()}
    labels = {e.name: str(e.label) for e in entries}
    imported: list[ImportedRow] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows[1:], start=2):
        if not any(_cell_text(v) for v in values):
            continue
        row_entries: dict[str, Any] = {}
        row_problems: list[tuple[str, str]] = []
        for index, entry in columns.items():
            value = values[index] if index < len(values) else None
            if value in (None, ""):
                continue
            if entry.kind == CHOICE:
                choice = _choice_value(entry, value)
                if choice is None:
                    row_problems.append(
                        (
                            entry.name,
                            _("%(value)r is not one of %(choices)s")
                            % {
                                "value": _cell_text(value),
                                "choices": ", ".join(str(label) for _v, label in entry.choices),
                            },
                        )
                    )
                    continue
                row_entries[entry.name] = choice
            elif entry.kind == PRICE:
                try:
                    row_entries[entry.name] = parse_price(value)
                except PriceError as exc:
                    row_problems.append((entry.name, str(exc)))
            else:
                row_entries[entry.name] = _cell_text(value)
        try:
            bid = compose_bid(parts, row_entries)
        except BidEntryError as exc:  # a cell refused above is not named twice
            refused = {name for name, _message in row_problems}
            row_problems.extend(p for p in exc.problems if p[0] not in refused)
        for name, message in row_problems:
            problems.append(
                _("row %(row)d, column %(letter)s (%(label)s): %(message)s")
                % {
                    "row": number,
                    "letter": letters.get(name, "?"),
                    "label": labels.get(name, name),
                    "message": message,
                }
            )
        if row_problems:
            continue
        key = bid["bidder"].casefold()
        if key in seen:
            problems.append(
                _("row %(row)d, column %(letter)s (%(label)s): %(bidder)s is on row %(first)d already")
                % {
                    "row": number,
                    "letter": letters["bidder"],
                    "label": labels["bidder"],
                    "bidder": bid["bidder"],
                    "first": seen[key],
                }
            )
            continue
        seen[key] = number
        imported.append(ImportedRow(row=number, entries=row_entries, bid=bid))
    if problems:
        shown = problems[:MAX_IMPORT_PROBLEMS]
        if len(problems) > MAX_IMPORT_PROBLEMS:
            shown.append(_("and %d more problems") % (len(problems) - MAX_IMPORT_PROBLEMS))
        raise BidImportError(shown)
    if not imported:
        raise BidImportError(
            [_("%s holds no bid: fill in one row per bidder below the column names.") % file.name]
        )
    return imported


def bid_template_import(*, actor: User, tender: Tender, upload: Any, replace: bool = False) -> list[BidDraft]:
    """Create a draft per row of a filled bid template, all or nothing. A bidder with a draft already is refused
    naming the row, unless `replace` (its draft then takes the row's inputs; its files stay)."""
    require_writer(actor, tender.organisation)
    file = accept_upload(upload, allowed=(".xlsx",), field="file")
    rows = read_bid_template(tender, file)
    with transaction.atomic():
        existing = {d.bidder.casefold(): d for d in tender.bid_drafts.select_for_update()}
        clashes = [r for r in rows if r.bid["bidder"].casefold() in existing]
        if clashes and not replace:
            raise BidImportError(
                [
                    _(
                        "row %(row)d: %(bidder)s has a bid entered already; tick “Replace” to overwrite it, or "
                        "delete that bid first"
                    )
                    % {"row": r.row, "bidder": r.bid["bidder"]}
                    for r in clashes
                ][:MAX_IMPORT_PROBLEMS]
            )
        drafts = []
        for row in rows:
            draft = existing.get(row.bid["bidder"].casefold())
            if draft is not None:
                evidence = _evidence_of(list(draft.files.all()))
                parts = bid_parts(tender)
                bid = compose_bid(parts, row.entries, evidence) if evidence else row.bid
                before = _summary(draft)
                draft.version += 1
            else:
                bid = row.bid
                before = None
                draft = BidDraft(tender=tender, created_by=actor)
            draft.bidder = bid["bidder"]
            draft.price = float(bid["price"])
            draft.entries = row.entries
            draft.bid = bid
            draft.updated_by = actor
            draft.save()
            drafts.append(draft)
            audit_record(
                actor=actor,
                organisation=tender.organisation,
                action="tender.bid_draft.update" if before else "tender.bid_draft.create",
                target=draft,
                before=before,
                after=_summary(draft) | {"imported_from": file.name, "row": row.row},
            )
    return drafts


# --- the bids as JSON (the API and the command line), documented by example -----------------------------------

_RISKS = [
    {
        "category": "child_labour",
        "description": "Cobalt from artisanal mines in the DR Congo may reach the batteries.",
    },
    {
        "category": "forced_labour",
        "description": "Migrant workers at component plants may pay recruitment fees.",
    },
    {
        "category": "occupational_health_safety",
        "description": "Tin mining off Bangka is dangerous and poorly regulated.",
    },
]
_RISK_ASSESSMENT = {
    "components": ["lithium-ion battery", "printed circuit board"],
    "raw_materials": ["cobalt", "tin"],
    "sourcing_countries": ["COD", "IDN", "CHN"],
    "risks": _RISKS,
}
_PLAN = {
    "timeline": "Final assembly sites within 6 months of award, battery sites within 12",
    "deliverables": "A list of sites with name, address and country",
    "challenges": "The brand shares sites only under a non-disclosure agreement",
    "supplier_engagement": "Quarterly meetings with the brand's sustainability team",
}
_SITES = {
    "sites": [
        {"name": "Assembly Plant 2", "address": "88 Industrial Road, Kunshan", "country": "CHN"},
        {"name": "Final Assembly", "address": "14 Jalan Perindustrian, Penang", "country": "MYS"},
    ]
}

# One request per scenario; between them they show every field and each of its accepted forms.
JSON_EXAMPLES: dict[int, dict[str, Any]] = {
    1: {
        "scenario": 1,
        "weights": {"price": 60, "AC1": 20, "AC2": 20},
        "require_label": True,
        "bids": [
            {
                "bidder": "Lumen Computers",
                "price": 412000,
                "label": "TCO Certified generation 10",
                "risk_assessment": _RISK_ASSESSMENT | {"source": "hrdd's check of lumen-risk-assessment.pdf"},
                "policy_commitment": {"written": True, "communicated_to_suppliers": True},
            },
            {
                "bidder": "Civic IT Reseller",
                "price": 389000.5,
                "label": "EPEAT Gold",
                "policy_commitment": {
                    "written": "Human-rights policy, page 4 of our 2025 sustainability report",
                    "communicated_to_suppliers": False,
                },
            },
        ],
    },
    2: {
        "scenario": 2,
        "weights": {"price": 60, "AC3": 20, "AC4": 20},
        "require_label": True,
        "bids": [
            {
                "bidder": "Lumen Computers",
                "price": 412000,
                "label": "TCO Certified generation 10",
                "risk_assessment": _RISK_ASSESSMENT,
                "product_sites": _SITES,
                "actions": [
                    {
                        "action": "Cobalt refiners audited under RMAP",
                        "justification": "Child labour in DRC mining.",
                    },
                    {
                        "action": "No recruitment fees, repaid where found",
                        "justification": "Forced labour risk.",
                    },
                    {
                        "action": "Worker hotline at final assembly",
                        "justification": "Grievances reach us directly.",
                    },
                ],
            },
            {
                "bidder": "Civic IT Reseller",
                "price": 389000,
                "label": None,
                "risk_assessment": _RISK_ASSESSMENT,
                "product_sites": {"plan": _PLAN},
                "actions": [{"action": "Supplier code of conduct in every order", "justification": ""}],
            },
        ],
    },
    3: {
        "scenario": 3,
        "weights": {"price": 60, "AC6": 20, "AC7": 20},
        "require_label": True,
        "bids": [
            {
                "bidder": "Lumen Computers",
                "price": 412000,
                "label": "TCO Certified generation 10",
                "risk_assessment": _RISK_ASSESSMENT,
                "product_sites": _SITES,
                "component_sites": _SITES,
                "due_diligence": {
                    "policies": "Human-rights policy and supplier code of conduct, both public",
                    "risk_identification": "Yearly risk assessment by country, material and supplier",
                    "monitoring": "Audits and worker interviews at high-risk suppliers",
                    "mitigation": "Corrective action plans with the suppliers concerned",
                    "reporting": "Annual due-diligence report on our website",
                },
            },
            {
                "bidder": "Civic IT Reseller",
                "price": 389000,
                "label": "EPEAT Gold",
                "risk_assessment": _RISK_ASSESSMENT,
                "product_sites": _SITES,
                "component_sites": {"plan": _PLAN},
                "due_diligence": {
                    "policies": "Supplier code of conduct",
                    "reporting": "We publish a due-diligence report on our website every year.",
                    "source": "reporting from hrdd's check of civic-due-diligence.pdf; policies typed by the buyer",
                },
            },
        ],
    },
}

# Each field of a bid: its path, the values accepted, and what it means (said in the page's language).
JSON_FIELDS: tuple[tuple[str, Any, Any], ...] = (
    ("bidder", gettext_lazy("text, required"), gettext_lazy("The bidder's name, once per evaluation.")),
    (
        "price",
        gettext_lazy("number > 0, required"),
        gettext_lazy("The total price; the lowest admitted price gets all the price points."),
    ),
    (
        "label",
        gettext_lazy("text or null"),
        gettext_lazy("The label evidence (TCO Certified, EPEAT or an equivalent label)."),
    ),
    (
        "risk_assessment.components",
        gettext_lazy("list of texts"),
        gettext_lazy("The key components the risk assessment names."),
    ),
    (
        "risk_assessment.raw_materials",
        gettext_lazy("list of texts"),
        gettext_lazy("The raw materials it names."),
    ),
    (
        "risk_assessment.sourcing_countries",
        gettext_lazy("list of texts"),
        gettext_lazy("The countries they (probably) come from."),
    ),
    (
        "risk_assessment.risks",
        gettext_lazy("list of {category, description}"),
        gettext_lazy("The risks; only those with a description count."),
    ),
    (
        "risk_assessment.source",
        gettext_lazy("text, optional"),
        gettext_lazy("Where the lists come from; quoted in the reason."),
    ),
    (
        "policy_commitment.written",
        gettext_lazy("true, false or a text"),
        gettext_lazy("A written commitment; a text says where it can be read."),
    ),
    (
        "policy_commitment.communicated_to_suppliers",
        gettext_lazy("true, false or a text"),
        gettext_lazy("Communicated to the suppliers; a text says how."),
    ),
    (
        "policy_commitment.source",
        gettext_lazy("text, optional"),
        gettext_lazy("Where the answers come from (e.g. hrdd's check of a document); quoted in the reason."),
    ),
    (
        "product_sites, component_sites",
        "{sites: [{name, address, country}]} or {plan: {timeline, deliverables, challenges, supplier_engagement}}",
        gettext_lazy("The production sites, or the plan to compile their list."),
    ),
    (
        "actions",
        gettext_lazy("list of {action, justification}"),
        gettext_lazy("The mitigating actions; only justified ones count."),
    ),
    (
        "due_diligence",
        "{policies, risk_identification, monitoring, mitigation, reporting}: texts",
        gettext_lazy("The due-diligence processes, element by element."),
    ),
    (
        "due_diligence.source",
        gettext_lazy("text, optional"),
        gettext_lazy(
            "Which elements come from where (e.g. hrdd's check of a document); quoted in the reason."
        ),
    ),
)

# The examples as the OpenAPI document gives them for the body of POST /api/v1/tenders/evaluate.
OPENAPI_EXAMPLES: dict[str, dict[str, Any]] = {
    f"scenario-{number}": {
        "summary": f"Scenario {number}: {title}",
        "value": JSON_EXAMPLES[number],
    }
    for number, title in (
        (
            1,
            "label, AC1 risk assessment (lists read from a document), AC2 policy commitment (true or a text)",
        ),
        (2, "label, SC1 risk assessment, AC3 sites as a list or as a plan, AC4 actions; a bid without label"),
        (
            3,
            "label, SC1, SC2 and AC6 sites (list or plan), AC7 due-diligence elements (some read from a document)",
        ),
    )
}
