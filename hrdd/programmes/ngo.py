"""Answers to NGO assessments (issue 14): writes and reads.

An `NgoResponse` answers one NGO framework (hrdd/frameworks/ngo-*.yaml, read by hrdd.domain.ngo_frameworks): one
`NgoAnswer` per criterion, each citing `NgoEvidence` (a record of hrdd, snapshotted when it was linked, or a
document or link), and a reviewer's rating on the framework's scale. Status: draft -> in review -> final; final
locks every change, and reopening it is an audited action with its reason.

Writes (each one transaction with an audit event; refusals raise NgoError naming the field, a stale save
NgoStale, a write outside the writer's organisation NotFound or PermissionDenied): `ngo_response_create`,
`ngo_response_update`, `ngo_answer_save`, `ngo_answer_rate`, `ngo_evidence_add`, `ngo_evidence_remove`,
`ngo_response_transition`.
Reads (walled by organisation): `ngo_response_list`, `ngo_response_get`, `ngo_evidence_get`, `ngo_rows` (the
criteria with their answers and evidence, three queries), `ngo_review`, `evidence_choices`, `evidence_link`.

Reviewer: any writer of the organisation may rate any answer, their own included; who rated and when is kept on
the answer and shown beside the rating. A change to an answer's text withdraws its rating (a rating stands for
the text it rated), and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from hrdd.accounts.models import User
from hrdd.audit.services import audit_record
from hrdd.core.errors import InputError, NotFound
from hrdd.core.inputs import clean_date, clean_text, clean_url
from hrdd.core.models import active_organisation_id, require_owner_writable, require_writable
from hrdd.core.texts import localize
from hrdd.core.uploads import accept_upload
from hrdd.domain.ngo_frameworks import (
    AnswerFacts,
    NgoFramework,
    NgoFrameworkError,
    ReviewSummary,
    load_ngo_framework,
    ngo_framework_keys,
    summarise_review,
)
from hrdd.programmes.models import Certification, Kpi, NgoAnswer, NgoEvidence, NgoResponse, Programme

DOCUMENT_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".txt")
MAX_TITLE = 200
MAX_EVIDENCE_TITLE = 300
MAX_TEXT = 20_000
MAX_NOTE = 4_000
CHOICES_LIMIT = 200  # records offered per select on the evidence page (the newest)
Status = NgoResponse.Status
Kind = NgoEvidence.Kind
# how an evidence item's kind is named beside its title
KIND_SHORT = {
    Kind.KPI: _lazy("KPI"),
    Kind.PROGRAMME: _lazy("programme"),
    Kind.SMELTERS: _lazy("smelter list"),
    Kind.INCIDENT: _lazy("incident"),
    Kind.CERTIFICATION: _lazy("certification"),
    Kind.DOCUMENT: _lazy("document"),
    Kind.LINK: _lazy("link"),
}
# draft -> in review -> final; in review may go back to draft; final only back to draft (reopening, audited)
MOVES: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.IN_REVIEW,),
    Status.IN_REVIEW: (Status.DRAFT, Status.FINAL),
    Status.FINAL: (Status.DRAFT,),
}


class NgoError(InputError):
    """Input about an NGO answer was refused; `field` names it."""


class NgoStale(NgoError):
    """Someone saved since the form was opened; `saved` is the record as it is now."""

    def __init__(self, message: str, *, saved: Any) -> None:
        self.saved = saved
        super().__init__(message, field="")


# -- frameworks --------------------------------------------------------------------------------------------------


def _dirs() -> tuple[str, ...]:
    return tuple(str(d) for d in getattr(settings, "HRDD_FRAMEWORK_DIRS", ()) or ())


def framework_for(key: str) -> NgoFramework:
    """The framework with this key (shipped, else in a folder of HRDD_FRAMEWORK_DIRS)."""
    return load_ngo_framework(key, _dirs())


def framework_choices() -> list[tuple[str, str]]:
    """Every framework one may answer: (key, "NGO: title")."""
    choices = []
    for key in ngo_framework_keys(_dirs()):
        try:
            framework = framework_for(key)
        except NgoFrameworkError:
            continue  # a broken file in an extra folder is not offered; load_ngo_framework_file names its fault
        choices.append((key, f"{framework.ngo}: {localize(framework.title)}"))
    return choices


def framework_of(response: NgoResponse) -> NgoFramework:
    """The framework a response answers (NotFound when its file is gone)."""
    try:
        return framework_for(response.framework_key)
    except NgoFrameworkError as exc:
        raise NotFound(_("NGO framework %s") % response.framework_key) from exc


# -- reads -------------------------------------------------------------------------------------------------------


def ngo_response_list(*, user: User, status: str = "") -> QuerySet[NgoResponse]:
    """The organisation's answers to NGO assessments, with how many criteria each has answered (one query)."""
    responses = NgoResponse.objects.visible_to(user).annotate(
        answered=Count("answers", filter=~Q(answers__text=""), distinct=True),
    )
    if status:
        responses = responses.filter(status=status)
    return responses


def ngo_response_get(*, user: User, public_id: Any) -> NgoResponse:
    """One answer of the user's organisation, or NotFound."""
    return NgoResponse.objects.select_related("organisation").get_visible(user, public_id=public_id)


def ngo_evidence_get(*, user: User, public_id: Any) -> NgoEvidence:
    return NgoEvidence.objects.select_related("answer__response").get_visible(user, public_id=public_id)


@dataclass
class CriterionRow:
    """One criterion of the framework with the organisation's answer (None before the first save) and its
    evidence."""

    criterion: Any
    answer: NgoAnswer | None
    evidence: list[NgoEvidence] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.answer and self.answer.text.strip())


def ngo_rows(response: NgoResponse, framework: NgoFramework | None = None) -> list[CriterionRow]:
    """The framework's criteria in its order, each with its answer and evidence (two queries, any size)."""
    framework = framework or framework_of(response)
    evidence = NgoEvidence.objects.select_related("kpi", "programme", "incident", "certification", "added_by")
    answers = {
        a.criterion_key: a
        for a in response.answers.select_related("reviewed_by").prefetch_related(
            Prefetch("evidence", queryset=evidence.order_by("id"))
        )
    }
    rows = []
    for criterion in framework.criteria:
        answer = answers.get(criterion.key)
        rows.append(CriterionRow(criterion, answer, list(answer.evidence.all()) if answer else []))
    return rows


def ngo_review(framework: NgoFramework, rows: Sequence[CriterionRow]) -> ReviewSummary:
    """The review summary of the rows (no query)."""
    return summarise_review(
        framework,
        [
            AnswerFacts(
                criterion_key=row.criterion.key,
                answered=row.answered,
                rating=row.answer.rating if row.answer else "",
                evidence=len(row.evidence),
            )
            for row in rows
        ],
    )


def may_write(user: Any, response: NgoResponse) -> bool:
    """Whether the user may change this answer now (a writer of its organisation, and the answer not final)."""
    return (
        response.status != Status.FINAL
        and active_organisation_id(user) == response.organisation_id
        and user.can_write_in(response.organisation_id)
    )


def _reverse(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the record's pages are another area's, installed separately
        return ""


def evidence_link(evidence: NgoEvidence) -> str:
    """Where the evidence leads: the record's page in hrdd, the document's download, or the link."""
    if evidence.kind == Kind.KPI and evidence.kpi_id:
        return _reverse("programmes:kpi", evidence.kpi.public_id)
    if evidence.kind == Kind.PROGRAMME and evidence.programme_id:
        return _reverse("programmes:detail", evidence.programme.public_id)
    if evidence.kind == Kind.SMELTERS:
        return _reverse("rmi:smelters")
    if evidence.kind == Kind.INCIDENT and evidence.incident_id:
        return _reverse("incidents:detail", evidence.incident.public_id)
    if evidence.kind == Kind.CERTIFICATION and evidence.certification_id:
        return _reverse("programmes:certification", evidence.certification.public_id)
    if evidence.kind == Kind.DOCUMENT and evidence.document:
        return _reverse("programmes:ngo_evidence_file", evidence.public_id)
    return evidence.url


def evidence_figure(evidence: NgoEvidence) -> str:
    """What the evidence showed when it was linked, in one line ('' when it holds no figure)."""
    snap = evidence.snapshot or {}
    if evidence.kind == Kind.KPI:
        text = snap.get("text") or snap.get("missing") or ""
        return f"{text} ({snap['source']})" if snap.get("source") and text else str(text)
    if evidence.kind == Kind.SMELTERS:
        parts = [
            _(
                "%(metal)s: %(identified)d of %(smelters)d smelters identified (%(share)d%%), %(conformant)d conformant"
            )
            % {
                "metal": m.get("metal", "?"),
                "identified": m.get("identified", 0),
                "smelters": m.get("smelters", 0),
                "share": round(100 * float(m.get("identified_share", 0))),
                "conformant": m.get("conformant", 0),
            }
            for m in snap.get("metals", [])
        ]
        return "; ".join(parts) + (_(" (as of %s)") % snap["as_of"] if snap.get("as_of") else "")
    if evidence.kind == Kind.INCIDENT:
        bits = [snap.get("status_label", ""), snap.get("severity", ""), snap.get("country", "")]
        return ", ".join(b for b in bits if b)
    if evidence.kind == Kind.CERTIFICATION:
        bits = [snap.get("holder", ""), snap.get("scheme", ""), snap.get("status", ""), snap.get("level", "")]
        text = ", ".join(b for b in bits if b)
        if snap.get("valid_until"):
            text += _(", valid until %s") % snap["valid_until"]
        return text
    if evidence.kind == Kind.PROGRAMME:
        years = f"{snap.get('start_year', '')}–{snap.get('end_year', '')}"
        return _("programme %(years)s") % {"years": years} if snap else ""
    return ""


def evidence_choices(*, user: User) -> dict[str, list[tuple[str, str]]]:
    """The records the user may cite, newest first (a fixed number of queries): KPIs, programmes, incidents
    (those the user may see), certifications."""
    from hrdd.incidents.selectors import incident_list

    kpis = (
        Kpi.objects.visible_to(user)
        .select_related("programme")
        .order_by("-programme__start_year", "programme_id", "position", "id")[:CHOICES_LIMIT]
    )
    programmes = Programme.objects.visible_to(user).order_by("-start_year", "title")[:CHOICES_LIMIT]
    incidents = incident_list(user=user).order_by("-created_at", "-id")[:CHOICES_LIMIT]
    certifications = (
        Certification.objects.visible_to(user)
        .select_related("company", "site")
        .order_by("-valid_until", "-id")[:CHOICES_LIMIT]
    )
    return {
        "kpi": [(str(k.public_id), f"{k.name} — {k.programme.title}") for k in kpis],
        "programme": [(str(p.public_id), p.title) for p in programmes],
        "incident": [(str(i.public_id), i.title) for i in incidents],
        "certification": [(str(c.public_id), _certification_label(c)) for c in certifications],
    }


def _certification_label(certification: Certification) -> str:
    from hrdd.domain.certifications import get_schemes

    holder = certification.company.legal_name if certification.company_id else certification.site.name  # type: ignore[union-attr]
    until = certification.valid_until.isoformat() if certification.valid_until else _("no end date")
    scheme = get_schemes().scheme(certification.scheme)
    title = localize(scheme.title) if scheme else certification.scheme
    status = localize(scheme.status_label(certification.status)) if scheme else certification.status
    return f"{holder}: {title}, {status} ({until})"


def kpi_get(*, user: User, public_id: Any) -> Kpi:
    return Kpi.objects.select_related("programme").get_visible(user, public_id=public_id)


def programme_get(*, user: User, public_id: Any) -> Programme:
    return Programme.objects.get_visible(user, public_id=public_id)


def certification_get(*, user: User, public_id: Any) -> Certification:
    return Certification.objects.select_related("company", "site").get_visible(user, public_id=public_id)


def incident_get(*, user: User, public_id: Any) -> Any:
    from hrdd.incidents.selectors import incident_get as get

    return get(user=user, public_id=public_id)


# -- states for the audit log ------------------------------------------------------------------------------------


LETTER_FIELDS = ("title", "addressee", "reference", "received_on", "respond_by", "introduction", "signatory")


def response_state(response: NgoResponse) -> dict[str, Any]:
    state = {name: getattr(response, name) for name in LETTER_FIELDS}
    for name in ("received_on", "respond_by"):
        state[name] = state[name].isoformat() if state[name] else None
    return {"framework": response.framework_key, "status": response.status, **state}


def answer_state(answer: NgoAnswer) -> dict[str, Any]:
    return {
        "criterion": answer.criterion_key,
        "text": answer.text,
        "rating": answer.rating,
        "review_note": answer.review_note,
    }


def evidence_state(evidence: NgoEvidence) -> dict[str, Any]:
    return {
        "criterion": evidence.answer.criterion_key,
        "kind": evidence.kind,
        "title": evidence.title,
        "url": evidence.url,
        "page": evidence.page,
        "document": evidence.document_name,
        "snapshot": evidence.snapshot,
    }


# -- input checks ------------------------------------------------------------------------------------------------


def _text(value: Any, name: str, limit: int, *, required: bool = False) -> str:
    return clean_text(value, name, limit, required=required, error=NgoError)


def _date(value: Any, name: str) -> dt.date | None:
    return clean_date(value, name, future=True, error=NgoError)


def _url(value: Any, name: str = "url", *, required: bool = False) -> str:
    return clean_url(value, name, required=required, error=NgoError)


def _writer(actor: User, response: NgoResponse) -> None:
    """Refuse a write by someone outside the response's organisation (404) or without a writer's role (403)."""
    require_owner_writable(actor, response.organisation_id, str(NgoResponse._meta.verbose_name))


def _unlocked(response: NgoResponse) -> None:
    if response.status == Status.FINAL:
        raise NgoError(
            _("This answer is final: reopen it to change anything (reopening is recorded in the audit log)."),
            field="status",
        )


def _locked_for_update(response: NgoResponse) -> NgoResponse:
    return NgoResponse.objects.select_for_update().select_related("organisation").get(pk=response.pk)


# -- the response ------------------------------------------------------------------------------------------------


@transaction.atomic
def ngo_response_create(
    *,
    actor: User,
    framework_key: str,
    title: str,
    addressee: str = "",
    reference: str = "",
    received_on: Any = None,
    respond_by: Any = None,
    introduction: str = "",
    signatory: str = "",
) -> NgoResponse:
    """Begin an answer to an NGO's assessment in the actor's organisation: a draft with an empty answer for each
    of the framework's criteria."""
    organisation_id = active_organisation_id(actor)
    if organisation_id is None:
        raise PermissionDenied(_("You work in no organisation."))
    require_writable(actor, organisation_id)
    try:
        framework = framework_for(str(framework_key or "").strip())
    except NgoFrameworkError as exc:
        raise NgoError(_("choose one of the NGO frameworks offered"), field="framework_key") from exc
    response = NgoResponse(
        organisation_id=organisation_id,
        created_by=actor,
        framework_key=framework.key,
        framework_version=framework.version,
    )
    _set_letter(
        response,
        {
            "title": title,
            "addressee": addressee,
            "reference": reference,
            "received_on": received_on,
            "respond_by": respond_by,
            "introduction": introduction,
            "signatory": signatory,
        },
    )
    response.save()
    NgoAnswer.objects.bulk_create(
        [NgoAnswer(response=response, criterion_key=c.key) for c in framework.criteria]
    )
    audit_record(
        actor=actor,
        organisation=response.organisation,
        action="ngo_response.create",
        target=response,
        after=response_state(response),
    )
    return response


def _set_letter(response: NgoResponse, values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - set(LETTER_FIELDS))
    if unknown:
        raise NgoError(_("unknown field %s") % unknown[0], field=unknown[0])
    if "title" in values:
        response.title = _text(values["title"], "title", MAX_TITLE, required=True)
    if "addressee" in values:
        response.addressee = _text(values["addressee"], "addressee", 1000)
    if "reference" in values:
        response.reference = _text(values["reference"], "reference", 100)
    for name in ("received_on", "respond_by"):
        if name in values:
            setattr(response, name, _date(values[name], name))
    if "introduction" in values:
        response.introduction = _text(values["introduction"], "introduction", MAX_TEXT)
    if "signatory" in values:
        response.signatory = _text(values["signatory"], "signatory", 200)
    if response.received_on and response.respond_by and response.respond_by < response.received_on:
        raise NgoError(_("the answer cannot be due before the letter was received"), field="respond_by")


@transaction.atomic
def ngo_response_update(
    *, actor: User, response: NgoResponse, version: int | None, **values: Any
) -> NgoResponse:
    """Change the letter's details (title, addressee, their reference, dates, introduction, signatory). Refused
    when final, and when someone saved since `version` (NgoStale)."""
    _writer(actor, response)
    response = _locked_for_update(response)
    _unlocked(response)
    if version is not None and version != response.version:
        raise NgoStale(
            _("Someone saved the letter's details after you opened them, so nothing was saved."),
            saved=response,
        )
    before = response_state(response)
    _set_letter(response, values)
    response.version += 1
    response.save()
    audit_record(
        actor=actor,
        organisation=response.organisation,
        action="ngo_response.update",
        target=response,
        before=before,
        after=response_state(response),
    )
    return response


@transaction.atomic
def ngo_response_transition(
    *, actor: User, response: NgoResponse, status: str, version: int | None = None, reason: str = ""
) -> NgoResponse:
    """Move the answer: draft -> in review -> final; in review back to draft; final back to draft (reopening,
    which needs its reason and is recorded as its own action). Final needs every answered criterion rated."""
    _writer(actor, response)
    response = _locked_for_update(response)
    if version is not None and version != response.version:
        raise NgoStale(
            _("Someone changed this answer after you opened it, so its status did not move."), saved=response
        )
    if status not in MOVES.get(response.status, ()):
        allowed = ", ".join(str(Status(s).label) for s in MOVES.get(response.status, ()))
        raise NgoError(
            _("From %(now)s the answer moves only to: %(allowed)s.")
            % {"now": Status(response.status).label, "allowed": allowed},
            field="status",
        )
    reopening = response.status == Status.FINAL
    reason = _text(reason, "reason", MAX_NOTE, required=reopening)
    if status == Status.FINAL:
        review = ngo_review(framework_of(response), ngo_rows(response))
        if not review.ready:
            raise NgoError(
                _("Not ready to be final: %(verdict)s %(reasons)s")
                % {
                    "verdict": localize(review.verdict),
                    "reasons": " ".join(str(localize(r)) for r in review.reasons[1:]),
                },
                field="status",
            )
    before = {"status": response.status}
    response.status = status
    response.version += 1
    response.save()
    audit_record(
        actor=actor,
        organisation=response.organisation,
        action="ngo_response.reopen" if reopening else "ngo_response.status",
        target=response,
        before=before,
        after={"status": status, "reason": reason},
    )
    return response


# -- answers and ratings -----------------------------------------------------------------------------------------


def _answer_for(response: NgoResponse, criterion_key: str) -> NgoAnswer:
    framework = framework_of(response)
    try:
        framework.criterion(criterion_key)
    except KeyError as exc:
        raise NotFound(_("criterion")) from exc
    answer, _created = NgoAnswer.objects.select_for_update().get_or_create(
        response=response, criterion_key=criterion_key
    )
    return answer


@transaction.atomic
def ngo_answer_save(
    *, actor: User, response: NgoResponse, criterion_key: str, text: str, version: int | None
) -> NgoAnswer:
    """Keep the draft of one criterion's answer. Refused when final, and when someone saved the answer (or rated
    it) since `version` (NgoStale, with the saved answer). A changed text withdraws the rating it had."""
    _writer(actor, response)
    response = _locked_for_update(response)
    _unlocked(response)
    answer = _answer_for(response, criterion_key)
    if version is not None and version != answer.version:
        raise NgoStale(
            _(
                "Someone saved or rated this answer after you opened it, so nothing was saved. The saved version "
                "and yours are both shown: merge them in the box and save again."
            ),
            saved=answer,
        )
    new_text = _text(text, "text", MAX_TEXT)
    if new_text == answer.text:
        return answer
    before = answer_state(answer)
    answer.text = new_text
    if answer.rating:
        answer.rating, answer.review_note, answer.reviewed_by, answer.reviewed_at = "", "", None, None
    answer.version += 1
    answer.save()
    audit_record(
        actor=actor,
        organisation=response.organisation,
        action="ngo_answer.save",
        target=answer,
        before=before,
        after=answer_state(answer),
    )
    return answer


@transaction.atomic
def ngo_answer_rate(
    *, actor: User, answer: NgoAnswer, rating: str, note: str = "", version: int | None = None
) -> NgoAnswer:
    """Rate an answer on the framework's scale with a note ('' clears the rating); who and when are kept. Any
    writer may rate, the answer's author too. Refused when final, for an empty answer, and when the answer
    changed since `version` (the rating would be of a text the reviewer did not read)."""
    response = answer.response
    _writer(actor, response)
    response = _locked_for_update(response)
    _unlocked(response)
    answer = NgoAnswer.objects.select_for_update().get(pk=answer.pk)
    if version is not None and version != answer.version:
        raise NgoStale(
            _(
                "The answer changed after you read it, so your rating was not saved: read it again, then rate it."
            ),
            saved=answer,
        )
    scale = framework_of(response).scale
    rating = str(rating or "").strip()
    if rating and rating not in scale.keys:
        raise NgoError(
            _("choose one of the scale's ratings: %s")
            % ", ".join(str(localize(level.label)) for level in scale.levels),
            field="rating",
        )
    if rating and not answer.text.strip():
        raise NgoError(_("there is no answer to rate yet"), field="rating")
    before = answer_state(answer)
    answer.rating = rating
    answer.review_note = _text(note, "note", MAX_NOTE)
    answer.reviewed_by = actor if rating else None
    answer.reviewed_at = timezone.now() if rating else None
    answer.version += 1
    answer.save()
    audit_record(
        actor=actor,
        organisation=response.organisation,
        action="ngo_answer.rate",
        target=answer,
        before=before,
        after=answer_state(answer),
    )
    return answer


# -- evidence ----------------------------------------------------------------------------------------------------


def _kpi_snapshot(kpi: Kpi, period_end: dt.date) -> dict[str, Any]:
    from hrdd.programmes.kpis import kpi_figure

    figure = kpi_figure(kpi, period_end)
    return {"kpi": kpi.name, "programme": kpi.programme.title, **figure.as_dict()}


def _smelters_snapshot(actor: User) -> dict[str, Any]:
    from hrdd.rmi.selectors import metal_summaries

    metals = [m.as_dict() for m in metal_summaries(user=actor)]
    if not metals:
        raise NgoError(_("The smelter list is empty: collect your suppliers' CMRT/EMRT templates first."))
    return {"as_of": timezone.localdate().isoformat(), "metals": metals}


def _incident_snapshot(incident: Any) -> dict[str, Any]:
    # never the reporter, the description or the document: an NGO letter quotes these
    return {
        "title": incident.title,
        "status": incident.status,
        "status_label": str(incident.get_status_display()),
        "severity": incident.severity,
        "category": incident.category_title,
        "country": incident.country_name,
        "occurred_on": incident.occurred_on.isoformat() if incident.occurred_on else None,
        "recorded_on": incident.created_at.date().isoformat(),
    }


def _certification_snapshot(certification: Certification) -> dict[str, Any]:
    holder = certification.company.legal_name if certification.company_id else certification.site.name  # type: ignore[union-attr]
    return {
        "holder": holder,
        "scheme": certification.scheme,
        "status": certification.status,
        "level": certification.level,
        "score": str(certification.score) if certification.score is not None else None,
        "reference": certification.reference,
        "valid_from": certification.valid_from.isoformat() if certification.valid_from else None,
        "valid_until": certification.valid_until.isoformat() if certification.valid_until else None,
    }


def _programme_snapshot(programme: Programme) -> dict[str, Any]:
    return {
        "title": programme.title,
        "start_year": programme.start_year,
        "end_year": programme.end_year,
        "public": programme.is_public,
    }


@transaction.atomic
def ngo_evidence_add(
    *,
    actor: User,
    answer: NgoAnswer,
    kind: str,
    title: str = "",
    kpi: Kpi | None = None,
    period_end: Any = None,
    programme: Programme | None = None,
    incident: Any = None,
    certification: Certification | None = None,
    url: str = "",
    page: str = "",
    document: Any = None,
) -> NgoEvidence:
    """Cite evidence for an answer: a record of the organisation (snapshotting what it shows now, so that the
    letter quotes what the reviewer saw) or a document or link, with a page or section. Refused when final."""
    response = answer.response
    _writer(actor, response)
    response = _locked_for_update(response)
    _unlocked(response)
    organisation_id = response.organisation_id
    evidence = NgoEvidence(answer=answer, kind=str(kind or ""), added_by=actor)
    default_title = ""
    if kind == Kind.KPI:
        if kpi is None or kpi.programme.organisation_id != organisation_id:
            raise NgoError(_("choose one of your programme's KPIs"), field="kpi")
        day = _date(period_end, "period_end") or timezone.localdate()
        evidence.kpi = kpi
        evidence.snapshot = _kpi_snapshot(kpi, day)
        default_title = kpi.name
    elif kind == Kind.PROGRAMME:
        if programme is None or programme.organisation_id != organisation_id:
            raise NgoError(_("choose one of your programmes"), field="programme")
        evidence.programme = programme
        evidence.snapshot = _programme_snapshot(programme)
        default_title = programme.title
    elif kind == Kind.SMELTERS:
        evidence.snapshot = _smelters_snapshot(actor)
        default_title = _("Smelter and refiner list (consolidated from suppliers' RMI templates)")
    elif kind == Kind.INCIDENT:
        if incident is None:
            raise NgoError(_("choose an incident"), field="incident")
        incident = incident_get(user=actor, public_id=incident.public_id)  # only one the actor may see
        evidence.incident = incident
        evidence.snapshot = _incident_snapshot(incident)
        default_title = incident.title
    elif kind == Kind.CERTIFICATION:
        if certification is None or certification.organisation_id != organisation_id:
            raise NgoError(_("choose one of your certifications"), field="certification")
        evidence.certification = certification
        evidence.snapshot = _certification_snapshot(certification)
        default_title = f"{evidence.snapshot['holder']}: {certification.scheme}"
    elif kind == Kind.DOCUMENT:
        if document is None:
            raise NgoError(_("choose a file"), field="document")
        accepted = accept_upload(document, allowed=DOCUMENT_EXTENSIONS, field="document")
        evidence.document.save(accepted.name, ContentFile(accepted.content), save=False)
        evidence.document_name = accepted.name
        evidence.document_type = accepted.content_type
        evidence.document_size = accepted.size
        default_title = accepted.name
    elif kind == Kind.LINK:
        evidence.url = _url(url, required=True)
        default_title = evidence.url
    else:
        raise NgoError(_("kind must be one of %s") % ", ".join(k for k, _label in Kind.choices), field="kind")
    evidence.title = _text(title, "title", MAX_EVIDENCE_TITLE) or default_title[:MAX_EVIDENCE_TITLE]
    evidence.page = _text(page, "page", 100)
    evidence.save()
    audit_record(
        actor=actor,
        organisation=response.organisation,
        action="ngo_evidence.add",
        target=evidence,
        after=evidence_state(evidence),
    )
    return evidence


@transaction.atomic
def ngo_evidence_remove(*, actor: User, evidence: NgoEvidence) -> None:
    """Take evidence off an answer (its document goes too). Refused when final."""
    response = evidence.answer.response
    _writer(actor, response)
    response = _locked_for_update(response)
    _unlocked(response)
    before = evidence_state(evidence)
    audit_record(
        actor=actor,
        organisation=response.organisation,
        action="ngo_evidence.remove",
        target=evidence,
        before=before,
    )
    document = evidence.document if evidence.document else None
    evidence.delete()
    if document is not None:
        transaction.on_commit(lambda: document.storage.delete(document.name))
