"""A consultation several buyers run together (issue 16; CFIT manual, Lesson 6: buyers collaborate on joint
suppliers): the owner invites other organisations of the installation as co-owners, each co-owner's administrator
or procurement officer accepts or declines (or later leaves), and every organisation running it records the tender
scenario it wants until all agree. Each write is audited in the owner's log and, when another organisation acts or
is concerned, in that organisation's log too.

What a co-owner then sees is decided by the wall (hrdd.core.models.joint_condition, the models' joint_condition):
the consultation, its invitations, and the answers submitted while it was named on the supplier's page. It changes
nothing but through the services here and `invitation_create`: the consultation's settings stay with the owner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hrdd.accounts.models import Membership, Organisation, OrganisationGroup, Role, User
from hrdd.accounts.selectors import group_choices
from hrdd.audit.services import audit_record
from hrdd.consultations.models import Consultation, CoOwner, ScenarioChoice
from hrdd.consultations.selectors import joint_state
from hrdd.core.errors import InputError, NotFound
from hrdd.core.languages import mail_language
from hrdd.core.links import absolute_url
from hrdd.core.models import active_organisation_id, require_writable
from hrdd.domain.joint_decision import ScenarioAgreement
from hrdd.domain.tender import get_tender_framework

# Who speaks for an organisation in a joint consultation: invites co-owners, accepts, declines, leaves, chooses.
JOINT_ROLES = frozenset({Role.ADMIN, Role.PROCUREMENT_OFFICER})
NOTE_MAX = 500


def require_joint_role(actor: User, organisation_id: int) -> None:
    """Refuse unless the actor works in that organisation now as its administrator or a procurement officer."""
    if active_organisation_id(actor) != organisation_id:
        raise NotFound("consultation")
    if not actor.is_active or actor.role_in(organisation_id) not in JOINT_ROLES:
        raise PermissionDenied(
            _(
                "Only an administrator or a procurement officer may act for the organisation in a joint consultation."
            )
        )


def is_co_owner(consultation: Consultation, organisation_id: int | None) -> bool:
    """Whether the organisation runs the consultation with its owner now (accepted, not left)."""
    return (
        organisation_id is not None
        and consultation.co_owners.filter(
            organisation_id=organisation_id, status=CoOwner.Status.ACCEPTED
        ).exists()
    )


def require_joint_writer(actor: User, consultation: Consultation) -> None:
    """Refuse a write on a consultation (e.g. inviting a supplier) unless the actor may change data of its owner,
    or of an organisation that co-owns it (PermissionDenied, as for any write in another organisation)."""
    organisation_id = active_organisation_id(actor)
    if organisation_id != consultation.organisation_id and not is_co_owner(consultation, organisation_id):
        require_writable(actor, consultation.organisation_id)
    require_writable(actor, organisation_id)


def _state(row: CoOwner) -> dict[str, Any]:
    return {
        "consultation": str(row.consultation.public_id),
        "organisation": row.organisation.name,
        "status": row.status,
        "via_group": row.via_group,
    }


def _agreement_state(agreement: ScenarioAgreement) -> dict[str, Any]:
    return {"agreed": agreement.agreed, "scenario": agreement.scenario, "reason": str(agreement.reason)}


def _audit(
    *,
    actor: User,
    consultation: Consultation,
    action: str,
    target: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    also: Organisation | None = None,
) -> None:
    """One event in the owner's log, and the same in `also`'s log (the co-owner who acted or is concerned)."""
    for organisation in (consultation.organisation, also):
        if organisation is None or (organisation is also and also.pk == consultation.organisation_id):
            continue
        audit_record(
            actor=actor, organisation=organisation, action=action, target=target, before=before, after=after
        )


def agreement_refresh(consultation: Consultation) -> ScenarioAgreement:
    """Keep the consultation's agreed scenario in step with the choices of the organisations running it now: set
    (with the moment) when all agree, cleared when one changes, joins or leaves. Called inside the audited write."""
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=consultation.pk)
    )
    agreement = joint_state(consultation=consultation).agreement
    scenario = agreement.scenario if agreement.agreed else None
    if scenario != consultation.agreed_scenario:
        consultation.agreed_scenario = scenario
        consultation.agreed_at = timezone.now() if scenario is not None else None
        consultation.save(update_fields=["agreed_scenario", "agreed_at"])
    return agreement


def _invited_organisations(
    actor: User,
    consultation: Consultation,
    organisations: Sequence[Organisation],
    group: OrganisationGroup | None,
) -> list[tuple[Organisation, str]]:
    """The organisations to invite, each with the group it came through ('' when named): one named that already
    runs the consultation or is invited is refused by name; a group's members that are skip quietly."""
    rows = {r.organisation_id: r for r in consultation.co_owners.all()}
    pending = (CoOwner.Status.INVITED, CoOwner.Status.ACCEPTED)
    chosen: list[tuple[Organisation, str]] = []
    for organisation in organisations:
        if organisation.pk == consultation.organisation_id:
            raise InputError(
                _("%s owns this consultation already.") % organisation.name, field="organisations"
            )
        if organisation.kind == Organisation.Kind.SUPPLIER:
            raise InputError(
                _("%s is a supplier: it cannot read other suppliers' answers.") % organisation.name,
                field="organisations",
            )
        row = rows.get(organisation.pk)
        if row is not None and row.status in pending:
            raise InputError(
                _("%(organisation)s is already %(status)s.")
                % {"organisation": organisation.name, "status": str(row.get_status_display()).lower()},
                field="organisations",
            )
        chosen.append((organisation, ""))
    if group is not None:
        if not group_choices(user=actor).filter(pk=group.pk).exists():
            raise InputError(_("Unknown group %r.") % group.name, field="group")
        named = {o.pk for o, _via in chosen}
        for member in group.members.order_by("name"):
            row = rows.get(member.pk)
            if member.pk == consultation.organisation_id or member.pk in named:
                continue
            if member.kind == Organisation.Kind.SUPPLIER:
                continue
            if row is not None and row.status in pending:
                continue
            chosen.append((member, group.name))
    if not chosen:
        raise InputError(
            _("Choose at least one organisation or a group with organisations not invited yet."),
            field="organisations",
        )
    return chosen


@transaction.atomic
def co_owners_invite(
    *,
    actor: User,
    consultation: Consultation,
    organisations: Sequence[Organisation] = (),
    group: OrganisationGroup | None = None,
) -> list[CoOwner]:
    """Invite other organisations (named, or the members of a group) to run the consultation with its owner: all
    of them, or none. One that declined or left before is invited again. Their administrators and procurement
    officers are told by e-mail."""
    require_joint_role(actor, consultation.organisation_id)
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=consultation.pk)
    )
    now = timezone.now()
    invited = []
    for organisation, via in _invited_organisations(actor, consultation, organisations, group):
        row, created = CoOwner.objects.get_or_create(
            consultation=consultation,
            organisation=organisation,
            defaults={"invited_by": actor, "invited_at": now, "via_group": via},
        )
        before = None if created else _state(row)
        if not created:
            row.status, row.invited_by, row.invited_at, row.via_group = (
                CoOwner.Status.INVITED,
                actor,
                now,
                via,
            )
            row.answered_by = row.answered_at = row.joined_at = row.left_at = None
            row.save()
        _audit(
            actor=actor,
            consultation=consultation,
            action="consultation.co_owner_invite",
            target=row,
            before=before,
            after=_state(row),
            also=organisation,
        )
        _tell_invited(row)
        invited.append(row)
    return invited


def _tell_invited(row: CoOwner) -> None:
    """E-mail the invited organisation's administrators and procurement officers, each in their language, once the
    write commits (a refused mail does not undo the invitation: it is also listed on their consultations page)."""
    consultation = row.consultation
    people = Membership.objects.filter(
        organisation_id=row.organisation_id, is_active=True, role__in=JOINT_ROLES, user__is_active=True
    ).select_related("user")
    link = absolute_url(reverse("consultations:list"))
    for membership in people:
        user = membership.user
        with translation.override(mail_language(user.language)):
            values = {"owner": consultation.organisation.name, "title": consultation.title, "link": link}
            subject = _("%(owner)s invites you to run a market consultation together") % values
            body = (
                _(
                    "%(owner)s invites your organisation to co-own its market consultation %(title)s: you would see "
                    "the suppliers' answers submitted from then on, invite suppliers and agree on the tender "
                    "scenario together.\n\nAccept or decline on your consultations page:\n\n%(link)s\n"
                )
                % values
            )
        email = user.email
        transaction.on_commit(
            lambda s=subject, b=body, e=email: send_mail(
                subject=s, message=b, from_email=None, recipient_list=[e], fail_silently=True
            )
        )


def _locked_row(row: CoOwner) -> CoOwner:
    return (
        CoOwner.objects.select_for_update()
        .select_related("consultation", "consultation__organisation", "organisation")
        .get(pk=row.pk)
    )


def _answer(*, actor: User, row: CoOwner, status: str, action: str) -> CoOwner:
    require_joint_role(actor, row.organisation_id)
    row = _locked_row(row)
    if row.status != CoOwner.Status.INVITED:
        raise InputError(
            _("This invitation was already answered (%s).") % str(row.get_status_display()).lower(),
            field="co_owner",
        )
    before = _state(row)
    now = timezone.now()
    row.status, row.answered_by, row.answered_at = status, actor, now
    if status == CoOwner.Status.ACCEPTED:
        row.joined_at = now
    row.save()
    after = _state(row)
    if status == CoOwner.Status.ACCEPTED:
        after["agreement"] = _agreement_state(agreement_refresh(row.consultation))
    _audit(
        actor=actor,
        consultation=row.consultation,
        action=action,
        target=row,
        before=before,
        after=after,
        also=row.organisation,
    )
    return row


@transaction.atomic
def co_owner_accept(*, actor: User, row: CoOwner) -> CoOwner:
    """Accept to run the consultation with its owner: from now on the organisation sees it and the answers
    submitted to it, and takes part in the scenario decision (which reopens until it chose too)."""
    return _answer(
        actor=actor, row=row, status=CoOwner.Status.ACCEPTED, action="consultation.co_owner_accept"
    )


@transaction.atomic
def co_owner_decline(*, actor: User, row: CoOwner) -> CoOwner:
    """Decline the invitation to co-own the consultation."""
    return _answer(
        actor=actor, row=row, status=CoOwner.Status.DECLINED, action="consultation.co_owner_decline"
    )


@transaction.atomic
def co_owner_leave(*, actor: User, row: CoOwner) -> CoOwner:
    """Stop running the consultation: from the next request on the organisation sees none of it; its scenario
    choice is dropped and the agreement is judged again among those who stay."""
    require_joint_role(actor, row.organisation_id)
    row = _locked_row(row)
    if row.status != CoOwner.Status.ACCEPTED:
        raise InputError(_("Your organisation does not co-own this consultation."), field="co_owner")
    before = _state(row)
    dropped = ScenarioChoice.objects.filter(
        consultation=row.consultation, organisation=row.organisation
    ).first()
    if dropped is not None:
        before["scenario"] = dropped.scenario
        dropped.delete()
    row.status, row.left_at = CoOwner.Status.LEFT, timezone.now()
    row.save()
    after = _state(row) | {"agreement": _agreement_state(agreement_refresh(row.consultation))}
    _audit(
        actor=actor,
        consultation=row.consultation,
        action="consultation.co_owner_leave",
        target=row,
        before=before,
        after=after,
        also=row.organisation,
    )
    return row


def co_owner_of(*, consultation: Consultation, public_id: Any) -> CoOwner:
    """One row of the consultation's co-owners (any state), for its owner's pages; NotFound otherwise."""
    try:
        return CoOwner.objects.select_related(
            "consultation", "consultation__organisation", "organisation"
        ).get(consultation=consultation, public_id=public_id)
    except (CoOwner.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise NotFound("co-owner") from exc


def withdraw_refusal(row: CoOwner) -> str:
    """Why the owner cannot withdraw this invitation to co-own ('' when it can): only one not answered yet."""
    if row.status == CoOwner.Status.INVITED:
        return ""
    return _("Only an invitation not answered yet can be withdrawn; %(organisation)s is %(status)s.") % {
        "organisation": row.organisation.name,
        "status": str(row.get_status_display()).lower(),
    }


def remove_refusal(row: CoOwner) -> str:
    """Why the owner cannot remove this organisation from the co-owners ('' when it can): it must co-own now."""
    if row.status == CoOwner.Status.ACCEPTED:
        return ""
    return _("%s does not co-own this consultation now.") % row.organisation.name


@transaction.atomic
def co_owner_withdraw(*, actor: User, row: CoOwner) -> None:
    """Withdraw an invitation to co-own the consultation that was not answered yet (its owner's administrator or
    procurement officer): the invitation is gone from the invited organisation's page; the audit keeps it."""
    require_joint_role(actor, row.consultation.organisation_id)
    row = _locked_row(row)
    if refusal := withdraw_refusal(row):
        raise InputError(refusal, field="co_owner")
    before = _state(row)
    _audit(
        actor=actor,
        consultation=row.consultation,
        action="consultation.co_owner_withdraw",
        target=row,
        before=before,
        after=before | {"status": "withdrawn"},
        also=row.organisation,
    )
    row.delete()


@transaction.atomic
def co_owner_remove(*, actor: User, row: CoOwner) -> CoOwner:
    """Stop an organisation co-owning the consultation (its owner's administrator or procurement officer): from the
    next request on it sees none of it, as if it had left; its scenario choice is dropped, the agreement is judged
    again among those who stay, and its administrators and procurement officers are told by e-mail."""
    require_joint_role(actor, row.consultation.organisation_id)
    row = _locked_row(row)
    if refusal := remove_refusal(row):
        raise InputError(refusal, field="co_owner")
    before = _state(row)
    dropped = ScenarioChoice.objects.filter(
        consultation=row.consultation, organisation=row.organisation
    ).first()
    if dropped is not None:
        before["scenario"] = dropped.scenario
        dropped.delete()
    row.status, row.left_at = CoOwner.Status.LEFT, timezone.now()
    row.save()
    after = _state(row) | {
        "removed_by_owner": True,
        "agreement": _agreement_state(agreement_refresh(row.consultation)),
    }
    _audit(
        actor=actor,
        consultation=row.consultation,
        action="consultation.co_owner_remove",
        target=row,
        before=before,
        after=after,
        also=row.organisation,
    )
    _tell_removed(row)
    return row


def _tell_removed(row: CoOwner) -> None:
    """E-mail the removed organisation's administrators and procurement officers, each in their language."""
    consultation = row.consultation
    people = Membership.objects.filter(
        organisation_id=row.organisation_id, is_active=True, role__in=JOINT_ROLES, user__is_active=True
    ).select_related("user")
    for membership in people:
        user = membership.user
        with translation.override(mail_language(user.language)):
            values = {"owner": consultation.organisation.name, "title": consultation.title}
            subject = _("%(owner)s no longer runs %(title)s with you") % values
            body = (
                _(
                    "%(owner)s removed your organisation from the co-owners of its market consultation %(title)s. "
                    "Your organisation no longer sees the consultation or the suppliers' answers; its scenario "
                    "choice was dropped.\n"
                )
                % values
            )
        email = user.email
        transaction.on_commit(
            lambda s=subject, b=body, e=email: send_mail(
                subject=s, message=b, from_email=None, recipient_list=[e], fail_silently=True
            )
        )


def scenario_numbers() -> tuple[int, ...]:
    """The tender scenarios one may choose (those of the tender framework: 1, 2 and 3)."""
    return tuple(s.scenario for s in get_tender_framework().scenarios)


@transaction.atomic
def scenario_choose(
    *, actor: User, consultation: Consultation, scenario: int, note: str = ""
) -> ScenarioChoice:
    """Record the tender scenario the actor's organisation wants for the joint consultation (its owner's or a
    co-owner's administrator or procurement officer), with an optional note; the agreement follows."""
    organisation_id = active_organisation_id(actor)
    if organisation_id != consultation.organisation_id and not is_co_owner(consultation, organisation_id):
        raise NotFound("consultation")
    assert organisation_id is not None
    require_joint_role(actor, organisation_id)
    if scenario not in scenario_numbers():
        raise InputError(
            _("Unknown scenario %(scenario)s; choose one of %(known)s.")
            % {"scenario": scenario, "known": ", ".join(str(n) for n in scenario_numbers())},
            field="scenario",
        )
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise InputError(_("The note is longer than %d characters.") % NOTE_MAX, field="note")
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=consultation.pk)
    )
    choice = ScenarioChoice.objects.filter(consultation=consultation, organisation_id=organisation_id).first()
    before = {"scenario": choice.scenario, "note": choice.note} if choice is not None else None
    if choice is None:
        choice = ScenarioChoice(consultation=consultation, organisation_id=organisation_id)
    choice.scenario, choice.note, choice.chosen_by, choice.chosen_at = scenario, note, actor, timezone.now()
    choice.save()
    agreement = agreement_refresh(consultation)
    _audit(
        actor=actor,
        consultation=consultation,
        action="consultation.scenario_choose",
        target=choice,
        before=before,
        after={
            "consultation": str(consultation.public_id),
            "organisation": actor.organisation.name if actor.organisation else "",
            "scenario": scenario,
            "note": note,
            "agreement": _agreement_state(agreement),
        },
        also=actor.organisation,
    )
    return choice
