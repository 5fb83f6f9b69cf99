"""Writes for consultations: create, invite, save a draft, submit, reopen, import. Each is audited.

A submitted response carries its stored verdict (`ResponseVerdict`): submitting and importing store it, reopening
removes it, and `invitation_verdict_store` is the one function that computes it, from the domain."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer, writer_organisation
from hrdd.audit.services import audit_record
from hrdd.companies.services import company_resolve
from hrdd.consultations.joint import require_joint_writer
from hrdd.consultations.models import Consultation, Invitation, ResponseVerdict, product_category_choices
from hrdd.consultations.scoring import COMPUTED, verdict_fields, verdict_meaning
from hrdd.consultations.selectors import consultation_seen_by
from hrdd.consultations.spreadsheets import (
    FilledQuestionnaire,
    SpreadsheetError,
    check_filled_questionnaire,
    read_filled_questionnaire,
)
from hrdd.core.errors import InputError
from hrdd.core.languages import active_language, language_choice, mail_language
from hrdd.core.links import absolute_url
from hrdd.core.linktokens import link_holder_label
from hrdd.core.models import TaskRun
from hrdd.core.tasks import task_run_create
from hrdd.core.uploads import accept_upload
from hrdd.core.versions import claim_version
from hrdd.domain.companies import normalise_company_name
from hrdd.domain.maturity import InvalidResponse, parse_response
from hrdd.domain.questionnaire_framework import FrameworkError, get_framework
from hrdd.domain.texts import Text, gettext_noop
from hrdd.procurements.models import Procurement
from hrdd.procurements.services import procurement_of_step


class ConsultationError(ValueError):
    """A consultation write was refused; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(message)


class AlreadySubmitted(ConsultationError):
    """A submitted response changes only after the buyer reopens it."""


def deadline_check(deadline: dt.date) -> None:
    """Refuse a deadline for answers that has already passed (today is still open)."""
    if deadline < timezone.localdate():
        raise ConsultationError(
            _("The deadline %(date)s has passed: choose today or a later day.")
            % {"date": deadline.isoformat()},
            field="deadline",
        )


def late_after(deadline: dt.date) -> dt.datetime:
    """The first moment after the deadline's day: an answer submitted then or later is late (but accepted)."""
    return timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min))


def _snapshot(invitation: Invitation, verdict: ResponseVerdict | None = None) -> dict[str, Any]:
    snapshot = {
        "company": invitation.company_name,
        "role": invitation.role,
        "status": invitation.status,
        "answers": invitation.answers,
    }
    if verdict is not None:
        snapshot["verdict"] = {
            "framework": verdict.framework_label,
            "levels": verdict.levels,
            "overall": verdict.overall,
            "error": verdict.error,
        }
    return snapshot


def invitation_verdict_store(*, invitation: Invitation) -> ResponseVerdict | None:
    """Store the verdict on a submitted response, computed by the domain from its answers and the consultation's
    framework (replacing any kept before); a response that is not submitted keeps none. Called inside the audited
    write that changed the response (submit, import, reopen)."""
    if not invitation.is_submitted:
        ResponseVerdict.objects.filter(invitation=invitation).delete()
        return None
    framework = get_framework(invitation.consultation.framework_id)
    verdict, _created = ResponseVerdict.objects.update_or_create(
        invitation=invitation,
        defaults=verdict_fields(invitation.as_raw_response(), framework) | {"computed_at": timezone.now()},
    )
    return verdict


@transaction.atomic
def consultation_create(
    *,
    actor: User,
    title: str,
    product_category: str,
    deadline: dt.date,
    framework_id: str | None = None,
    procurement: Procurement | None = None,
) -> Consultation:
    """Create a market consultation for a procurement (a new one unless given) in the actor's organisation."""
    organisation = writer_organisation(actor)
    title = (title or "").strip()
    if not title:
        raise ConsultationError(_("A title is required."), field="title")
    max_length = Consultation._meta.get_field("title").max_length or 200
    if len(title) > max_length:
        raise ConsultationError(_("The title is longer than %d characters.") % max_length, field="title")
    if product_category not in dict(product_category_choices()):
        raise ConsultationError(
            _("Unknown product category %r.") % product_category, field="product_category"
        )
    deadline_check(deadline)
    framework_id = framework_id or Consultation._meta.get_field("framework_id").get_default()
    try:
        get_framework(framework_id)
    except FrameworkError as exc:
        raise ConsultationError(str(exc), field="framework_id") from exc
    procurement = procurement_of_step(
        actor=actor, procurement=procurement, parts=[], title=title, product_category=product_category
    )
    consultation = Consultation.objects.create(
        organisation=organisation,
        procurement=procurement,
        title=title,
        product_category=product_category,
        deadline=deadline,
        framework_id=framework_id,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="consultation.create",
        target=consultation,
        after={
            "title": title,
            "product_category": product_category,
            "deadline": deadline.isoformat(),
            "framework_id": framework_id,
            "procurement": str(procurement.public_id),
        },
    )
    return consultation


def supplier_link(invitation: Invitation) -> str:
    """Return the absolute address of a supplier's secret link."""
    return absolute_url(invitation.get_respond_url())


def invitation_language(value: str | None) -> str:
    """The language an invitation is set to: a shipped code, '' for none (the supplier's browser decides), or,
    when not given (None), the buyer's active language; an unknown code is refused naming the field."""
    if value is None:
        return active_language()
    try:
        return language_choice(value, field="language")
    except InputError as exc:
        raise ConsultationError(str(exc), field="language") from exc


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    consultation: Consultation,
    email: str,
    company: str = "",
    language: str | None = None,
    send: bool = True,
) -> Invitation:
    """Invite a supplier by e-mail: create its secret link and (unless `send` is false) e-mail it, in the
    language set for the supplier (`invitation_language`: by default the buyer's). The consultation's owner or an
    organisation that co-owns it invites (issue 16); a co-owner's company name is kept as given, not added to the
    owner's suppliers."""
    require_joint_writer(actor, consultation)
    by_co_owner = actor.organisation_id != consultation.organisation_id
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ConsultationError(_("Enter a valid e-mail address."), field="email") from exc
    language = invitation_language(language)
    if consultation.invitations.filter(email=email).exists():
        raise ConsultationError(_("%s is already invited to this consultation.") % email, field="email")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                consultation=consultation,
                email=email,
                company=None
                if by_co_owner
                else company_resolve(organisation=consultation.organisation, name=company, actor=actor),
                company_as_given=(company or "").strip()[:200] if by_co_owner else "",
                language=language,
                invited_by=actor.organisation if by_co_owner else None,
            )
    except IntegrityError as exc:
        raise ConsultationError(
            _("%s is already invited to this consultation.") % email, field="email"
        ) from exc
    audit_record(
        actor=actor,
        organisation=consultation.organisation,
        action="invitation.create",
        target=invitation,
        after={"email": email, "company": invitation.company_name, "language": language}
        | ({"invited_by": actor.organisation.name} if by_co_owner and actor.organisation else {}),
    )
    if send:
        _send_invitation(invitation)
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    """E-mail the supplier its link once the write commits, written now in the invitation's language."""
    consultation = invitation.consultation
    email = invitation.email
    organisation = consultation.organisation.name
    seen_by = consultation_seen_by(consultation)
    with translation.override(mail_language(invitation.language)):
        subject = _("%(buyer)s asks you to answer a human-rights questionnaire") % {"buyer": organisation}
        body = _(
            "%(buyer)s is consulting the market before tendering: %(title)s.\n\n"
            "Please answer the supplier questionnaire on human rights in ICT supply chains by %(deadline)s.\n"
            "Open this link (no account is needed; you can save a draft and submit when ready):\n\n%(link)s\n"
        ) % {
            "buyer": organisation,
            "title": consultation.title,
            "deadline": consultation.deadline.isoformat(),
            "link": supplier_link(invitation),
        }
        if len(seen_by) > 1:  # a joint consultation (issue 16): the supplier knows who will read its answers
            body += (
                "\n"
                + _("Your answers will be seen by: %(organisations)s.")
                % {"organisations": ", ".join(o.name for o in seen_by)}
                + "\n"
            )
    transaction.on_commit(
        lambda: send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[email], fail_silently=True
        )
    )


def _parse(invitation: Invitation, raw: dict[str, Any], *, partial: bool) -> None:
    parse_response(raw, get_framework(invitation.consultation.framework_id), partial=partial)


@transaction.atomic
def invitation_save_draft(
    *, invitation: Invitation, raw: dict[str, Any], version: int | None = None
) -> Invitation:
    """Keep a supplier's unfinished answers; refuse once submitted, and refuse answers typed on another `version`
    of the response than the saved one (StaleEdit: two people answering through the same link)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_submitted:
        raise AlreadySubmitted(_("This questionnaire was already submitted; ask the buyer to reopen it."))
    claim_version(invitation, version, what=_("response"))
    _parse(invitation, raw, partial=True)
    before = _snapshot(invitation)
    invitation.company_as_given = str(raw.get("company") or "").strip()[:200]
    invitation.role = str(raw.get("role") or "")
    invitation.answers = dict(raw.get("answers") or {})
    invitation.status = Invitation.Status.DRAFT
    invitation.save()
    audit_record(
        actor=None,
        actor_label=link_holder_label(
            "invitation", invitation.pk, invitation.email or invitation.company_name
        ),
        organisation=invitation.consultation.organisation,
        action="response.save_draft",
        target=invitation,
        before=before,
        after=_snapshot(invitation),
    )
    return invitation


def submitted_to_set(invitation: Invitation, seen_by: Sequence[str] | None = None) -> list[str]:
    """Record the organisations a supplier's answers go to: those running the consultation now (the owner and its
    co-owners), less any the supplier's page did not name (`seen_by`: their public ids, when the page said). A
    co-owner who joins later does not see these answers (issue 16). Returns their names."""
    consultation = invitation.consultation
    named = [
        o
        for o in consultation_seen_by(consultation)
        if seen_by is None or o.pk == consultation.organisation_id or str(o.public_id) in seen_by
    ]
    invitation.submitted_to.set(named)
    return [o.name for o in named]


@transaction.atomic
def invitation_submit(
    *,
    invitation: Invitation,
    raw: dict[str, Any],
    seen_by: Sequence[str] | None = None,
    version: int | None = None,
) -> Invitation:
    """Submit a supplier's answers once; they must be complete and valid. They go to the organisations running the
    consultation now that the supplier's page named (`submitted_to_set`). Answers typed on another `version` than
    the saved one are refused (StaleEdit)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_submitted:
        raise AlreadySubmitted(_("This questionnaire was already submitted; ask the buyer to reopen it."))
    claim_version(invitation, version, what=_("response"))
    _parse(invitation, raw, partial=False)
    before = _snapshot(invitation)
    invitation.company_as_given = str(raw["company"]).strip()[:200]
    invitation.company = company_resolve(
        organisation=invitation.consultation.organisation, name=invitation.company_as_given
    )
    invitation.role = str(raw["role"])
    invitation.answers = dict(raw["answers"])
    invitation.status = Invitation.Status.SUBMITTED
    invitation.submitted_at = timezone.now()
    invitation.late = invitation.submitted_at >= late_after(invitation.consultation.deadline)
    invitation.save()
    verdict = invitation_verdict_store(invitation=invitation)
    submitted_to = submitted_to_set(invitation, seen_by)
    audit_record(
        actor=None,
        actor_label=link_holder_label(
            "invitation", invitation.pk, invitation.email or invitation.company_name
        ),
        organisation=invitation.consultation.organisation,
        action="response.submit",
        target=invitation,
        before=before,
        after=_snapshot(invitation, verdict) | {"submitted_to": submitted_to},
    )
    return invitation


@transaction.atomic
def invitation_reopen(*, actor: User, invitation: Invitation) -> Invitation:
    """Let a supplier change a submitted response again (its answers stay as a draft)."""
    require_writer(actor, invitation.consultation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_submitted:
        raise ConsultationError(_("Only a submitted response can be reopened."))
    before = _snapshot(invitation, ResponseVerdict.objects.filter(invitation=invitation).first())
    invitation.status = Invitation.Status.DRAFT
    invitation.submitted_at = None
    invitation.save()
    invitation_verdict_store(invitation=invitation)  # a reopened response is no longer judged
    invitation.submitted_to.clear()  # submitted again, it goes to those the page names then
    audit_record(
        actor=actor,
        organisation=invitation.consultation.organisation,
        action="response.reopen",
        target=invitation,
        before=before,
        after=_snapshot(invitation),
    )
    return invitation


@transaction.atomic
def invitation_answers_withdraw(*, invitation: Invitation, actor_label: str) -> Invitation:
    """Take back the answers of a supplier who withdrew their consent to share them (hrdd.profiles): from now on
    the buyer no longer sees them and they no longer count (the response is no longer submitted, its verdict is
    removed, as reopening does). The link stays open: the supplier may answer again. Audited without the answers."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    claim_version(invitation, None)  # a form opened before holds answers no longer there
    before = {"status": invitation.status, "answers": len(invitation.answers or {})}
    invitation.answers = {}
    invitation.role = ""
    invitation.status = Invitation.Status.INVITED
    invitation.submitted_at = None
    invitation.late = False
    invitation.save()
    invitation_verdict_store(invitation=invitation)
    invitation.submitted_to.clear()
    audit_record(
        actor=None,
        actor_label=actor_label,
        organisation=invitation.consultation.organisation,
        action="response.withdraw_by_supplier",
        target=invitation,
        before=before,
        after={"status": invitation.status, "answers": 0},
    )
    return invitation


def response_verdicts_refresh(*, invitation_ids: Sequence[int], actor_label: str = "hrdd verify") -> int:
    """Store afresh the verdicts of these responses (those `consultation_scores_verify` reported), each change
    audited with the verdict before and after; return how many changed."""
    changed = 0
    for pk in invitation_ids:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("consultation__organisation", "company")
                .get(pk=pk)
            )
            before = ResponseVerdict.objects.filter(invitation=invitation).first()
            # the texts' templates kept beside the English are no change of the verdict (scoring.verdict_meaning)
            computed_before = verdict_meaning({k: getattr(before, k) for k in COMPUTED}) if before else None
            before_snapshot = _snapshot(invitation, before)  # read before the verdict is replaced
            after = invitation_verdict_store(invitation=invitation)
            if computed_before == (
                verdict_meaning({k: getattr(after, k) for k in COMPUTED}) if after else None
            ):
                continue
            audit_record(
                actor=None,
                actor_label=actor_label,
                organisation=invitation.consultation.organisation,
                action="response.verdict_refresh",
                target=invitation,
                before=before_snapshot,
                after=_snapshot(invitation, after),
            )
            changed += 1
    return changed


@transaction.atomic
def response_import_xlsx(
    *, actor: User, consultation: Consultation, stream: BinaryIO, replace: bool = False
) -> Invitation:
    """Store a filled questionnaire workbook as a submitted response; nothing is stored if it is invalid. When the
    supplier already answered, the import is refused unless `replace` says to replace the earlier answer."""
    require_writer(actor, consultation.organisation)
    framework = get_framework(consultation.framework_id)
    filled = read_filled_questionnaire(stream, framework)
    check_filled_questionnaire(filled, framework)
    earlier = _refuse_duplicates(consultation, [(_("the workbook"), filled)], replace=replace)
    return _store_imported(actor=actor, consultation=consultation, filled=filled, replacing=earlier[0])


class ImportRefused(ConsultationError):
    """A workbook of an import was refused; the message names the file, and nothing of the import is stored."""


class DuplicateResponses(ImportRefused):
    """Workbooks of suppliers who already answered: nothing is imported unless the buyer says to replace the
    earlier answers. `duplicates` lists each file, its company and the earlier response's id."""

    def __init__(self, message: str, *, duplicates: list[dict[str, Any]]) -> None:
        super().__init__(message, field="file")
        self.duplicates = duplicates


def earlier_response(*, consultation: Consultation, filled: FilledQuestionnaire) -> Invitation | None:
    """The response already submitted to the consultation by the supplier of a filled workbook: the one sent to the
    e-mail address of its contact cell, else the one of the same company (by its normalised name); withdrawn
    responses do not count."""
    submitted = consultation.invitations.filter(status=Invitation.Status.SUBMITTED, withdrawn_at__isnull=True)
    email = str(getattr(filled, "email", "") or "").strip().lower()
    if email:
        by_email = submitted.filter(email__iexact=email).first()
        if by_email is not None:
            return by_email
    normalised = normalise_company_name(filled.company)
    if not normalised:
        return None
    same = submitted.filter(company__normalised_name=normalised).order_by("submitted_at", "pk").first()
    if same is not None:
        return same
    return next(
        (
            i
            for i in submitted.filter(company__isnull=True)
            if normalise_company_name(i.company_as_given) == normalised
        ),
        None,
    )


def _refuse_duplicates(
    consultation: Consultation, read: Sequence[tuple[str, FilledQuestionnaire]], *, replace: bool
) -> list[Invitation | None]:
    """The earlier response each workbook would replace (None: a new supplier); unless `replace`, any earlier one
    refuses the whole import with DuplicateResponses naming the files and when the earlier answers came."""
    earlier = [earlier_response(consultation=consultation, filled=filled) for _name, filled in read]
    found = [(name, filled, e) for (name, filled), e in zip(read, earlier, strict=True) if e is not None]
    if found and not replace:
        lines = "; ".join(
            _("%(file)s: %(company)s already answered on %(date)s")
            % {
                "file": name,
                "company": e.company_name or filled.company,
                "date": timezone.localdate(e.submitted_at).isoformat() if e.submitted_at else "?",
            }
            for name, filled, e in found
        )
        raise DuplicateResponses(
            _(
                "Nothing was imported, so that no supplier is counted twice. %(lines)s. "
                "Replace the earlier answers, or leave those workbooks out."
            )
            % {"lines": lines},
            duplicates=[
                {"file": name, "company": e.company_name or filled.company, "response": e.pk}
                for name, filled, e in found
            ],
        )
    return earlier


def responses_import(
    *,
    actor: User,
    consultation: Consultation,
    workbooks: Sequence[tuple[str, bytes]],
    progress: Callable[[int, int], None] | None = None,
    replace: bool = False,
) -> list[Invitation]:
    """Store filled questionnaire workbooks as submitted responses, all or none: every workbook is read and
    checked first (telling `progress` how many are read), then all are stored in one transaction. A supplier who
    already answered refuses the import (DuplicateResponses) unless `replace` says to replace the earlier answer."""
    require_writer(actor, consultation.organisation)
    framework = get_framework(consultation.framework_id)
    read = []
    for number, (name, content) in enumerate(workbooks):
        if progress is not None:
            progress(number, len(workbooks))
        try:
            filled = read_filled_questionnaire(io.BytesIO(content), framework)
            check_filled_questionnaire(filled, framework)
        except SpreadsheetError as exc:
            raise ImportRefused(
                _("%(file)s: %(problem)s") % {"file": name, "problem": exc}, field="file"
            ) from exc
        except InvalidResponse as exc:
            raise ImportRefused(
                _("%(file)s was not imported: %(problem)s") % {"file": name, "problem": exc}, field="file"
            ) from exc
        read.append(filled)
    if progress is not None:
        progress(len(workbooks), len(workbooks))
    with transaction.atomic():
        require_writer(actor, consultation.organisation)
        names = [name for name, _content in workbooks]
        earlier = _refuse_duplicates(consultation, list(zip(names, read, strict=True)), replace=replace)
        return [
            _store_imported(actor=actor, consultation=consultation, filled=f, replacing=e)
            for f, e in zip(read, earlier, strict=True)
        ]


def responses_import_subject(consultation: Consultation) -> str:
    """The subject of the background runs that import workbooks into this consultation."""
    return f"consultations.consultation:{consultation.pk}"


def responses_import_accept(
    *,
    actor: User,
    consultation: Consultation,
    uploads: Sequence[Any],
    enqueue: bool = True,
    replace: bool = False,
) -> TaskRun:
    """Accept filled questionnaire workbooks at once (size, a real XLSX file) and queue their import
    (hrdd.consultations.tasks.responses_import_task); refused input raises ImportRefused naming the file."""
    from hrdd.consultations.tasks import responses_import_task  # the task calls back into this module

    require_writer(actor, consultation.organisation)
    if not uploads:
        raise ImportRefused(_("Choose a filled questionnaire (XLSX) to import."), field="file")
    workbooks = []
    for upload in uploads:
        try:
            file = accept_upload(upload, allowed=(".xlsx",), field="file")
        except InputError as exc:  # the kernel's refusal names the file
            raise ImportRefused(str(exc), field="file") from exc
        workbooks.append((file.name, file.content))
    names = ", ".join(name for name, _content in workbooks)
    return task_run_create(
        organisation=consultation.organisation,
        created_by=actor,
        task=responses_import_task,
        label=Text(gettext_noop("Import of %(files)s into %(title)s"), files=names, title=consultation.title),
        subject=responses_import_subject(consultation),
        params={"consultation": consultation.pk, "replace": replace},
        inputs=workbooks,
        enqueue=enqueue,
    )


def _store_imported(
    *,
    actor: User,
    consultation: Consultation,
    filled: FilledQuestionnaire,
    replacing: Invitation | None = None,
) -> Invitation:
    """Store a read workbook: as the answer of the open invitation sent to the e-mail address in its contact cell,
    else as a new response that keeps that address (unless another response of the consultation has it)."""
    fields = {
        "company": company_resolve(organisation=consultation.organisation, name=filled.company, actor=actor),
        "company_as_given": filled.company[:200],
        "role": filled.raw_response["role"],
        "answers": filled.raw_response["answers"],
        "status": Invitation.Status.SUBMITTED,
        "channel": Invitation.Channel.SPREADSHEET,
        "submitted_at": timezone.now(),
    }
    fields["late"] = fields["submitted_at"] >= late_after(consultation.deadline)
    if replacing is not None:  # the buyer chose to replace this supplier's earlier answer
        return _replace_imported(actor=actor, invitation=replacing, fields=fields, filled=filled)
    invited = consultation.invitations.select_for_update().filter(email__iexact=filled.email)
    holder = invited.first() if filled.email else None
    before = None
    open_invitation = holder is not None and not holder.is_submitted and holder.withdrawn_at is None
    if holder is not None and open_invitation:  # invited by link, answered by spreadsheet
        invitation, before = holder, _snapshot(holder)
        claim_version(invitation, None)  # the supplier's open form is now stale
        for name, value in fields.items():
            setattr(invitation, name, value)
        invitation.save()
    else:
        email = filled.email if holder is None else ""
        invitation = Invitation.objects.create(consultation=consultation, email=email, **fields)
    verdict = invitation_verdict_store(invitation=invitation)
    # a workbook was sent to the owner, who imports it: no page named the co-owners to the supplier
    invitation.submitted_to.set([consultation.organisation])
    audit_record(
        actor=actor,
        organisation=consultation.organisation,
        action="response.import_xlsx",
        target=invitation,
        before=before,
        after=_snapshot(invitation, verdict) | {"contact": filled.contact, "email": invitation.email},
    )
    return invitation


def _replace_imported(
    *, actor: User, invitation: Invitation, fields: dict[str, Any], filled: FilledQuestionnaire
) -> Invitation:
    """Put a workbook's answers in place of the supplier's earlier response (audited with both)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    before = _snapshot(invitation, ResponseVerdict.objects.filter(invitation=invitation).first())
    before["late"] = invitation.late
    claim_version(invitation, None)
    for name, value in fields.items():
        setattr(invitation, name, value)
    invitation.save()
    verdict = invitation_verdict_store(invitation=invitation)
    invitation.submitted_to.set([invitation.consultation.organisation_id])
    audit_record(
        actor=actor,
        organisation=invitation.consultation.organisation,
        action="response.replace",
        target=invitation,
        before=before,
        after=_snapshot(invitation, verdict) | {"late": invitation.late, "contact": filled.contact},
    )
    return invitation
