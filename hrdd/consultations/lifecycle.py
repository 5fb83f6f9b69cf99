"""Undoing mistakes in a consultation: edit, archive, restore and delete it; edit, resend, withdraw, restore and
delete an invitation; replace an imported answer. Each write is audited with the state before and after.

A consultation is deleted only while nothing depends on it (no tender built on it, no submitted answer); otherwise
it can be archived. An invitation is deleted only while the supplier has submitted nothing; a submitted response
is withdrawn instead (its answers are kept but no longer count, and its link stops working)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer
from hrdd.audit.services import audit_record
from hrdd.companies.services import company_resolve
from hrdd.consultations.models import Consultation, Invitation, product_category_choices
from hrdd.consultations.services import (
    ConsultationError,
    _send_invitation,
    deadline_check,
    invitation_language,
    late_after,
    responses_import_subject,
)
from hrdd.core.models import TaskRun
from hrdd.core.tasks import task_run_retry
from hrdd.core.versions import claim_version
from hrdd.domain.questionnaire_framework import FrameworkError, get_framework


def _state(consultation: Consultation) -> dict[str, Any]:
    return {
        "title": consultation.title,
        "product_category": consultation.product_category,
        "deadline": consultation.deadline.isoformat(),
        "framework_id": consultation.framework_id,
        "archived_at": consultation.archived_at.isoformat() if consultation.archived_at else None,
    }


def _invitation_state(invitation: Invitation) -> dict[str, Any]:
    return {
        "email": invitation.email,
        "company": invitation.company_name,
        "language": invitation.language,
        "status": invitation.status,
        "late": invitation.late,
        "sent_at": invitation.sent_at.isoformat() if invitation.sent_at else None,
        "withdrawn_at": invitation.withdrawn_at.isoformat() if invitation.withdrawn_at else None,
    }


def _locked(consultation: Consultation) -> Consultation:
    # the consultation's row only: the organisation read beside it stays free for other writers (issue 17)
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=consultation.pk)
    )


@transaction.atomic
def consultation_update(
    *,
    actor: User,
    consultation: Consultation,
    title: str,
    product_category: str,
    deadline: dt.date,
    framework_id: str | None = None,
    version: int | None = None,
) -> Consultation:
    """Change a consultation's title, product category, deadline and (while no supplier has answered) its
    questionnaire. A new deadline must not have passed, unless it is the one already set; the late marks of
    the submitted answers follow it. A change made on another `version` than the saved one is refused
    (StaleEdit)."""
    require_writer(actor, consultation.organisation)
    consultation = _locked(consultation)
    claim_version(consultation, version, what=_("consultation"))
    title = (title or "").strip()
    if not title:
        raise ConsultationError(_("A title is required."), field="title")
    if len(title) > 200:
        raise ConsultationError(_("The title is longer than %d characters.") % 200, field="title")
    if product_category not in dict(product_category_choices()):
        raise ConsultationError(
            _("Unknown product category %r.") % product_category, field="product_category"
        )
    if deadline != consultation.deadline:
        deadline_check(deadline)
    framework_id = framework_id or consultation.framework_id
    if framework_id != consultation.framework_id:
        try:
            get_framework(framework_id)
        except FrameworkError as exc:
            raise ConsultationError(str(exc), field="framework_id") from exc
        if consultation.invitations.exclude(answers={}).exists():
            raise ConsultationError(
                _("Suppliers have already answered this questionnaire; it can no longer be changed."),
                field="framework_id",
            )
    before = _state(consultation)
    consultation.title = title
    consultation.product_category = product_category
    consultation.framework_id = framework_id
    deadline_moved = deadline != consultation.deadline
    consultation.deadline = deadline
    consultation.save()
    after = _state(consultation)
    if deadline_moved:
        after["late_answers"] = _late_marks_refresh(consultation)
    audit_record(
        actor=actor,
        organisation=consultation.organisation,
        action="consultation.update",
        target=consultation,
        before=before,
        after=after,
    )
    return consultation


def _late_marks_refresh(consultation: Consultation) -> int:
    """Mark the submitted answers late or on time against the consultation's deadline; return how many are late."""
    boundary = late_after(consultation.deadline)
    answered = consultation.invitations.filter(submitted_at__isnull=False)
    answered.filter(submitted_at__gte=boundary).update(late=True)
    answered.filter(submitted_at__lt=boundary).update(late=False)
    return consultation.invitations.filter(late=True).count()


def consultation_delete_blockers(consultation: Consultation) -> list[str]:
    """What keeps a consultation from being deleted, in sentences (none: it can be deleted)."""
    blockers = []
    tenders = list(consultation.tenders.values_list("title", flat=True)[:4])
    if tenders:
        count = consultation.tenders.count()
        blockers.append(
            ngettext(
                "%(count)d tender is built on it (%(titles)s).",
                "%(count)d tenders are built on it (%(titles)s).",
                count,
            )
            % {"count": count, "titles": ", ".join(tenders) + (", …" if count > len(tenders) else "")}
        )
    submitted = consultation.invitations.filter(status=Invitation.Status.SUBMITTED).count()
    if submitted:
        blockers.append(
            ngettext(
                "%(count)d supplier has submitted answers.",
                "%(count)d suppliers have submitted answers.",
                submitted,
            )
            % {"count": submitted}
        )
    return blockers


@transaction.atomic
def consultation_archive(*, actor: User, consultation: Consultation) -> Consultation:
    """Archive a consultation: it leaves the lists (unless asked for) and stays readable and restorable."""
    require_writer(actor, consultation.organisation)
    consultation = _locked(consultation)
    if consultation.archived_at is not None:
        raise ConsultationError(_("This consultation is already archived."))
    return _set_archived(actor, consultation, timezone.now(), "consultation.archive")


@transaction.atomic
def consultation_restore(*, actor: User, consultation: Consultation) -> Consultation:
    """Bring an archived consultation back into the lists."""
    require_writer(actor, consultation.organisation)
    consultation = _locked(consultation)
    if consultation.archived_at is None:
        raise ConsultationError(_("This consultation is not archived."))
    return _set_archived(actor, consultation, None, "consultation.restore")


def _set_archived(
    actor: User, consultation: Consultation, when: dt.datetime | None, action: str
) -> Consultation:
    before = _state(consultation)
    consultation.archived_at = when
    consultation.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        organisation=consultation.organisation,
        action=action,
        target=consultation,
        before=before,
        after=_state(consultation),
    )
    return consultation


@transaction.atomic
def consultation_delete(*, actor: User, consultation: Consultation) -> None:
    """Delete a consultation and its invitations, while no tender is built on it and no supplier has submitted
    answers; otherwise refuse, saying what depends on it."""
    require_writer(actor, consultation.organisation)
    consultation = _locked(consultation)
    blockers = consultation_delete_blockers(consultation)
    if blockers:
        raise ConsultationError(
            _("This consultation cannot be deleted: %(why)s Archive it instead.")
            % {"why": " ".join(blockers)}
        )
    before = _state(consultation) | {
        "procurement": str(consultation.procurement.public_id),
        "invitations": list(consultation.invitations.values_list("email", flat=True)),
    }
    audit_record(
        actor=actor,
        organisation=consultation.organisation,
        action="consultation.delete",
        target=consultation,
        before=before,
    )
    consultation.delete()


# invitations and responses


def _locked_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("consultation__organisation", "company")
        .get(pk=invitation.pk)
    )


def _audit_invitation(
    actor: User, invitation: Invitation, action: str, before: dict[str, Any] | None
) -> None:
    audit_record(
        actor=actor,
        organisation=invitation.consultation.organisation,
        action=action,
        target=invitation,
        before=before,
        after=_invitation_state(invitation),
    )


@transaction.atomic
def invitation_update(
    *, actor: User, invitation: Invitation, email: str, company: str = "", language: str | None = None
) -> Invitation:
    """Correct an invitation's e-mail address, company and (when given) the supplier's language; the link stays
    the same."""
    require_writer(actor, invitation.consultation.organisation)
    invitation = _locked_invitation(invitation)
    email = (email or "").strip().lower()
    if email or invitation.channel == Invitation.Channel.LINK:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ConsultationError(_("Enter a valid e-mail address."), field="email") from exc
    if email and invitation.consultation.invitations.filter(email=email).exclude(pk=invitation.pk).exists():
        raise ConsultationError(_("%s is already invited to this consultation.") % email, field="email")
    language = invitation.language if language is None else invitation_language(language)
    before = _invitation_state(invitation)
    invitation.email = email
    invitation.language = language
    resolved = company_resolve(organisation=invitation.consultation.organisation, name=company, actor=actor)
    if resolved is not None or not invitation.is_submitted:
        invitation.company = resolved
    invitation.save()
    _audit_invitation(actor, invitation, "invitation.update", before)
    return invitation


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation) -> Invitation:
    """E-mail the supplier's link again (the same link): e.g. when the first message was lost."""
    require_writer(actor, invitation.consultation.organisation)
    invitation = _locked_invitation(invitation)
    if invitation.is_withdrawn:
        raise ConsultationError(_("This invitation is withdrawn; restore it before sending it again."))
    if not invitation.email:
        raise ConsultationError(_("This response has no e-mail address to send the link to."), field="email")
    if invitation.is_submitted:
        raise ConsultationError(
            _("The supplier has already submitted; reopen the response if they should change it.")
        )
    if not invitation.token or invitation.link_revoked_at is not None:  # hrdd.core.linktokens
        raise ConsultationError(
            _(
                "This link cannot be sent again (it was revoked, or issued before links were stored hashed); "
                "issue a new link instead."
            )
        )
    before = _invitation_state(invitation)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at", "updated_at"])
    _send_invitation(invitation)
    _audit_invitation(actor, invitation, "invitation.resend", before)
    return invitation


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation: its link stops working, and any answers it holds no longer count (they are kept,
    and restoring the invitation brings them back)."""
    require_writer(actor, invitation.consultation.organisation)
    invitation = _locked_invitation(invitation)
    if invitation.is_withdrawn:
        raise ConsultationError(_("This invitation is already withdrawn."))
    before = _invitation_state(invitation)
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at", "updated_at"])
    _audit_invitation(actor, invitation, "invitation.withdraw", before)
    return invitation


@transaction.atomic
def invitation_restore(*, actor: User, invitation: Invitation) -> Invitation:
    """Undo a withdrawal: the link works again and submitted answers count again."""
    require_writer(actor, invitation.consultation.organisation)
    invitation = _locked_invitation(invitation)
    if not invitation.is_withdrawn:
        raise ConsultationError(_("This invitation is not withdrawn."))
    before = _invitation_state(invitation)
    invitation.withdrawn_at = None
    invitation.save(update_fields=["withdrawn_at", "updated_at"])
    _audit_invitation(actor, invitation, "invitation.restore", before)
    return invitation


@transaction.atomic
def invitation_delete(*, actor: User, invitation: Invitation) -> None:
    """Delete an invitation the supplier has not submitted (a submitted response is withdrawn instead)."""
    require_writer(actor, invitation.consultation.organisation)
    invitation = _locked_invitation(invitation)
    if invitation.is_submitted:
        raise ConsultationError(
            _(
                "This supplier has submitted answers, so the invitation cannot be deleted. Withdraw it instead."
            )
        )
    audit_record(
        actor=actor,
        organisation=invitation.consultation.organisation,
        action="invitation.delete",
        target=invitation,
        before=_invitation_state(invitation) | {"answers": invitation.answers},
    )
    invitation.delete()


def responses_import_replace(*, actor: User, consultation: Consultation, run: TaskRun) -> TaskRun:
    """Run a refused import again, this time replacing the earlier answers of the suppliers it names."""
    require_writer(actor, consultation.organisation)
    if run.subject != responses_import_subject(consultation) or not run.params.get("duplicates"):
        raise ConsultationError(_("This import has no earlier answers to replace."), field="file")
    TaskRun.objects.filter(pk=run.pk).update(params=run.params | {"replace": True})
    run.refresh_from_db()
    return task_run_retry(run=run, actor=actor)
