"""Writes for supplier profiles (issue 16, "Portable supplier answers"): keep answers as a profile, share a
version with one buyer on the supplier's explicit consent, withdraw a share, delete a profile, import one. Each
is audited; profile events carry what changed, never the answers themselves (the audit log cannot forget)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hrdd.audit.services import audit_record
from hrdd.consultations.models import Invitation
from hrdd.consultations.services import (
    invitation_answers_withdraw,
    invitation_save_draft,
    invitation_submit,
)
from hrdd.contracts.models import Contract, Obligation, Submission
from hrdd.contracts.services import submission_create, submission_withdraw
from hrdd.contracts.sitelists import COLUMNS as SITE_LIST_COLUMNS
from hrdd.core.downloads import read_stored
from hrdd.core.errors import InputError, NotFound
from hrdd.core.languages import mail_language, shipped
from hrdd.core.links import absolute_url
from hrdd.core.text import extract_text
from hrdd.core.uploads import accept_content, extension_of
from hrdd.domain.questionnaire_framework import get_framework
from hrdd.domain.tender import get_tender_framework
from hrdd.profiles.format import (
    RMI_TEMPLATES,
    ProfileDocument,
    check_version_content,
    parse_profile_document,
    version_content,
)
from hrdd.profiles.models import ProfileShare, ProfileVersion, SupplierProfile
from hrdd.profiles.selectors import (
    PartOffer,
    ProfileFill,
    answers_changed,
    contract_part_offer,
    latest_version,
    profile_of_email,
    rmi_live_share,
    rmi_offers,
    rmi_report_of_upload,
)
from hrdd.rmi.models import SupplierRequest, Upload
from hrdd.rmi.services import upload_from_profile, upload_withdraw


class ProfileError(InputError):
    """A profile write was refused; `field` names the input at fault."""


def manage_link(profile: SupplierProfile) -> str:
    """The absolute address of a profile's secret management link."""
    return absolute_url(profile.get_manage_url())


def _label(profile: SupplierProfile) -> str:
    return f"supplier profile ({profile.email})"


def _send_link(profile: SupplierProfile, *, imported: bool = False) -> None:
    """E-mail the profile's management link to its address once the write commits, in the profile's language."""
    email = profile.email
    with translation.override(mail_language(profile.language)):
        subject = _("Your company profile: the link to manage it")
        intro = (
            _(
                "A company profile for %(company)s was imported for this address. It is offered on no buyer's "
                "questionnaire until this link is opened. If you did not ask for it, ignore this e-mail."
            )
            if imported
            else _(
                "You kept your answers as the company profile of %(company)s. When another buyer sends a "
                "questionnaire to this address, you can fill it in from the profile; nothing is shared without "
                "your explicit consent."
            )
        ) % {"company": profile.company_as_given}
        body = (
            intro
            + "\n\n"
            + _(
                "This link shows what the profile holds and whom you shared it with; there you can withdraw a "
                "sharing, download the profile as JSON or delete it:\n\n%(link)s\n\n"
                "Keep the link to yourself: whoever has it can manage the profile."
            )
            % {"link": manage_link(profile)}
        )
    transaction.on_commit(
        lambda: send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[email], fail_silently=True
        )
    )


def _version_add(
    profile: SupplierProfile, part: dict[str, Any], *, source: str, **origin: Any
) -> ProfileVersion:
    """A new version: the latest one's parts with `part` put in their place, checked against the format."""
    latest = latest_version(profile)
    content = dict(latest.content) if latest else {}
    content.update(part)
    content = check_version_content(content)
    return ProfileVersion.objects.create(
        profile=profile,
        number=(latest.number + 1) if latest else 1,
        saved_at=timezone.now(),
        content=content,
        source=source,
        **origin,
    )


def _version_audit(version: ProfileVersion, *, action: str, label: str) -> None:
    audit_record(
        actor=None,
        actor_label=label,
        action=action,
        target=version.profile,
        after={
            "email": version.profile.email,
            "company": version.profile.company_as_given,
            "version": version.number,
            "source": version.source,
            "parts": sorted(version.content),
        },
    )


def _profile_of(*, email: str, company: str, language: str) -> SupplierProfile:
    """The profile a supplier keeps something in, through a link that was sent to `email` (which proves the
    address): the newest confirmed profile of the address, else a new one."""
    company = company[:200]
    profile = profile_of_email(email)
    if profile is None:
        profile = SupplierProfile.objects.create(
            company_as_given=company,
            email=email.lower(),
            language=shipped(language),
            confirmed_at=timezone.now(),
        )
        audit_record(
            actor=None,
            actor_label=_label(profile),
            action="profile.create",
            target=profile,
            after={"email": profile.email, "company": company},
        )
    elif profile.company_as_given != company:
        profile.company_as_given = company
        profile.save(update_fields=["company_as_given"])
    return profile


@transaction.atomic
def profile_keep_answers(*, invitation: Invitation) -> ProfileVersion:
    """Keep a submitted response's answers as the supplier's company profile: a new version of the profile of the
    request's e-mail address (a new profile when it has none), then e-mail the link that manages it. The request's
    link was sent to that address, so the profile is confirmed."""
    invitation = Invitation.objects.select_related("consultation").get(pk=invitation.pk)
    if not invitation.is_submitted:
        raise ProfileError(_("Submit your answers first; then you can keep them as your profile."))
    if not invitation.email:
        raise ProfileError(_("This request has no e-mail address to tie a profile to."), field="email")
    framework = get_framework(invitation.consultation.framework_id)
    part = {
        "questionnaire": {
            "framework": {"id": framework.id, "version": str(framework.version)},
            "role": invitation.role,
            "answers": invitation.answers,
        }
    }
    company = invitation.company_as_given or invitation.company_name or invitation.email
    profile = _profile_of(email=invitation.email, company=company, language=invitation.language)
    version = _version_add(profile, part, source=ProfileVersion.Source.QUESTIONNAIRE, invitation=invitation)
    _version_audit(version, action="profile.version_create", label=_label(profile))
    _send_link(profile)
    return version


KEPT_FROM_CONTRACTS = ("site_list", "risk_assessment")  # the submissions a profile can hold


def obligation_kind(obligation: Obligation) -> str:
    """What a contract obligation asks for ("site_list", "risk_assessment", "report"...; '' for an unknown
    clause)."""
    try:
        return get_tender_framework().clause_submission(obligation.clause).kind
    except KeyError:
        return ""


def submission_kind(submission: Submission) -> str:
    """What a contract submission is (its obligation's kind)."""
    return obligation_kind(submission.obligation)


def _submission_text(submission: Submission) -> str:
    """The text of a submitted document, read again from the file kept."""
    name = submission.filename or submission.file.name
    content = read_stored(submission.file, name)
    return extract_text(accept_content(name, content, allowed=(extension_of(name),)), field="file")


@transaction.atomic
def profile_keep_submission(*, contract: Contract, submission: Submission) -> ProfileVersion:
    """Keep a contract submission in the profile of the contract's supplier address (a new version): a site list's
    rows, or a risk assessment's text; then e-mail the link that manages it. The contract's supplier link was sent
    to that address, so the profile is confirmed."""
    if submission.obligation.contract_id != contract.pk:
        raise NotFound("submission")
    kind = submission_kind(submission)
    if kind == "site_list":
        part: dict[str, Any] = {
            "site_list": {
                "rows": [
                    {
                        "name": s.name,
                        "address": s.address,
                        "country": s.country_iso3,
                        "site_type": s.site_type,
                        "products": s.products,
                    }
                    for s in submission.sites.order_by("row")
                ]
            }
        }
    elif kind == "risk_assessment":
        text = _submission_text(submission).strip()
        if not text:
            raise ProfileError(_("No text could be read from this document."), field="file")
        part = {"risk_assessment": {"text": text, "filename": submission.filename[:255]}}
    else:
        raise ProfileError(_("Only a site list or a risk assessment can be kept in your company profile."))
    profile = _profile_of(
        email=contract.supplier_email, company=contract.supplier_name, language=contract.supplier_language
    )
    version = _version_add(profile, part, source=kind, submission=submission)
    _version_audit(version, action="profile.version_create", label=_label(profile))
    _send_link(profile)
    return version


def _site_list_csv(rows: list[dict[str, Any]]) -> bytes:
    """A profile's site list as the CSV file a supplier would upload (the columns of the site list template)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SITE_LIST_COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in SITE_LIST_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _part_upload(offer: PartOffer) -> ContentFile:
    """The shared part as the file the contract's own upload reads: a site list as CSV, a risk assessment as
    text."""
    held = offer.version.content[offer.part]
    number = offer.version.number
    if offer.part == "site_list":
        return ContentFile(_site_list_csv(held["rows"]), name=f"site-list-profile-v{number}.csv")
    stem = Path(held.get("filename") or "").stem[:200] or "risk-assessment"
    return ContentFile(held["text"].encode("utf-8"), name=f"{stem}-profile-v{number}.txt")


@transaction.atomic
def profile_part_share(
    *, contract: Contract, obligation: Obligation, version_number: int, consent: bool
) -> ProfileShare:
    """Answer a contract's obligation from the supplier's profile, on the supplier's explicit consent: the
    profile's latest site list or risk assessment becomes the obligation's next submission through the same
    service as an upload (a site list's rows are read, linked to risks and matched into the site registry; a risk
    assessment is read with the same check), and a share records which version the buyer sees, when the supplier
    agreed and to what. Refused, nothing stored, without the consent or when the version offered changed."""
    if obligation.contract_id != contract.pk:
        raise NotFound("obligation")
    part = obligation_kind(obligation)
    offer = contract_part_offer(contract=contract, obligation=obligation, part=part)
    if offer is None:
        raise ProfileError(
            _("Your company profile holds nothing this obligation asks for."), field="from_profile"
        )
    if offer.version.number != version_number:
        raise ProfileError(
            _(
                "Your company profile changed meanwhile (it is now at version %(number)d); reload the page and "
                "check what it holds before you share it."
            )
            % {"number": offer.version.number},
            field="version",
        )
    if not consent:
        raise ProfileError(
            _("Tick the box to agree that %(buyer)s sees it; nothing was shared.") % {"buyer": offer.buyer},
            field="consent",
        )
    data: dict[str, Any] = {"explanation": ""}
    submission = submission_create(obligation=obligation, data=data, upload=_part_upload(offer))
    version = offer.version
    share = ProfileShare.objects.create(
        profile=version.profile,
        version=version,
        version_number=version.number,
        version_saved_at=version.saved_at,
        organisation=contract.organisation,
        obligation=obligation,
        submission=submission,
        part=part,
        consent_text=offer.consent_text,
        consented_at=timezone.now(),
    )
    _share_audit(share, action="profile.share")
    return share


KEEPABLE_RMI_STATUSES = ("accepted", "needs_correction")  # a template read; a refused file holds no report


@transaction.atomic
def profile_keep_rmi(*, request: SupplierRequest, upload: Upload) -> ProfileVersion:
    """Keep an RMI report a supplier uploaded for a request in the profile of the request's address (a new
    version): the template, its declaration and its Smelter List as read, replacing the report of the same
    template; then e-mail the link that manages it. The request's link was sent to that address, so the profile
    is confirmed."""
    if upload.request_id != request.pk:
        raise NotFound("upload")
    if upload.status not in KEEPABLE_RMI_STATUSES or not upload.template_type:
        raise ProfileError(
            _("Only a file read as an RMI template can be kept in your company profile."), field="upload"
        )
    if not request.email:
        raise ProfileError(_("This request has no e-mail address to tie a profile to."), field="email")
    report = rmi_report_of_upload(upload)
    profile = _profile_of(email=request.email, company=request.supplier_name, language="")
    latest = latest_version(profile)
    held = [
        r
        for r in ((latest.content or {}).get("rmi_reports") or [] if latest else [])
        if r["template"] != report["template"]
    ]
    part = {"rmi_reports": sorted([*held, report], key=lambda r: RMI_TEMPLATES.index(r["template"]))}
    version = _version_add(profile, part, source=ProfileVersion.Source.RMI_REPORT, rmi_upload=upload)
    _version_audit(version, action="profile.version_create", label=_label(profile))
    _send_link(profile)
    return version


@transaction.atomic
def profile_rmi_share(
    *, request: SupplierRequest, template: str, version_number: int, consent: bool
) -> ProfileShare:
    """Answer a buyer's smelter-list request with an RMI report of the supplier's profile, on the supplier's
    explicit consent: an upload is made from the report (hrdd.rmi.services.upload_from_profile: no workbook, the
    declaration not checked again) and counts at once; a share records which version the buyer sees, when the
    supplier agreed and to what. Refused, nothing stored, without the consent or when the version offered
    changed."""
    # one share at a time per request: a second click sees the first share and is offered nothing
    request = (
        SupplierRequest.objects.select_for_update()
        .select_related("campaign__organisation")
        .get(pk=request.pk)
    )
    offer = next((o for o in rmi_offers(request) if o.template == template), None)
    live = rmi_live_share(request)
    if offer is None and live is not None and live.part == f"rmi:{template}":
        raise ProfileError(
            _("You already sent this %(template)s from version %(number)d of your company profile.")
            % {"template": template, "number": live.version_number},
            field="template",
        )
    if offer is None:
        raise ProfileError(
            _("Your company profile holds no %(template)s this request asks for.")
            % {"template": template or "?"},
            field="template",
        )
    if offer.version.number != version_number:
        raise ProfileError(
            _(
                "Your company profile changed meanwhile (it is now at version %(number)d); reload the page and "
                "check what it holds before you share it."
            )
            % {"number": offer.version.number},
            field="version",
        )
    if not consent:
        raise ProfileError(
            _("Tick the box to agree that %(buyer)s sees it; nothing was shared.") % {"buyer": offer.buyer},
            field="consent",
        )
    version = offer.version
    profile = version.profile
    upload = upload_from_profile(
        request=request,
        report=offer.report,
        version=version.number,
        saved_at=version.saved_at,
        actor_label=_label(profile),
    )
    share = ProfileShare.objects.create(
        profile=profile,
        version=version,
        version_number=version.number,
        version_saved_at=version.saved_at,
        organisation=request.campaign.organisation,
        rmi_request=request,
        rmi_upload=upload,
        part=f"rmi:{offer.template}",
        consent_text=offer.consent_text,
        consented_at=timezone.now(),
    )
    _share_audit(share, action="profile.share")
    return share


@transaction.atomic
def profile_answers_share(
    *,
    invitation: Invitation,
    fill: ProfileFill,
    raw: dict[str, Any],
    submit: bool,
    edit_version: int | None = None,
) -> ProfileShare:
    """Store answers filled in from the supplier's profile on a request, with the consent the supplier gave (the
    respond page asks for it before it calls this): the answers are saved as a draft or submitted, and a share
    records which version the buyer sees, when the supplier agreed and to what. A share of another version on the
    same request is replaced by this one."""
    version = fill.version
    profile = version.profile
    if profile.confirmed_at is None or profile.email.lower() != (invitation.email or "").lower():
        raise NotFound("profile")
    save = invitation_submit if submit else invitation_save_draft
    # StaleEdit: saved by someone since
    invitation = save(invitation=invitation, raw=raw, version=edit_version)
    organisation = invitation.consultation.organisation
    now = timezone.now()
    live = (
        ProfileShare.objects.select_for_update()
        .filter(invitation=invitation, revoked_at__isnull=True)
        .first()
    )
    if live is not None and live.version_id == version.pk:
        return live
    if live is not None:
        live.revoked_at, live.ended_because = now, ProfileShare.Ended.REPLACED
        live.save(update_fields=["revoked_at", "ended_because"])
        _share_audit(live, action="profile.share_replace")
    share = ProfileShare.objects.create(
        profile=profile,
        version=version,
        version_number=version.number,
        version_saved_at=version.saved_at,
        organisation=organisation,
        invitation=invitation,
        consent_text=fill.consent_text,
        consented_at=now,
        answers_changed=answers_changed(fill, dict(raw.get("answers") or {})),
    )
    _share_audit(share, action="profile.share")
    return share


def _share_audit(share: ProfileShare, *, action: str) -> None:
    invitation = share.invitation
    email = invitation.email if invitation else (share.profile.email if share.profile else "?")
    audit_record(
        actor=None,
        actor_label=f"supplier profile ({email})",
        organisation=share.organisation,
        action=action,
        target=share,
        after={
            "version": share.version_number,
            "version_saved_at": share.version_saved_at.isoformat(),
            "invitation": invitation.pk if invitation else None,
            "obligation": share.obligation_id,
            "submission": share.submission_id,
            "part": share.part,
            "rmi_request": share.rmi_request_id,
            "rmi_upload": share.rmi_upload_id,
            "consent": share.consent_text,
            "consented_at": share.consented_at.isoformat(),
            "answers_changed": share.answers_changed,
            "revoked_at": share.revoked_at.isoformat() if share.revoked_at else None,
            "ended_because": share.ended_because,
        },
    )


def _share_end(share: ProfileShare, *, because: str, label: str) -> ProfileShare:
    """End a live share now: the buyer no longer sees the answers, and they no longer count."""
    share.revoked_at = timezone.now()
    share.ended_because = because
    share.save(update_fields=["revoked_at", "ended_because"])
    if share.invitation is not None:
        invitation_answers_withdraw(invitation=share.invitation, actor_label=label)
    if share.submission is not None:
        submission_withdraw(
            submission=share.submission, actor_label=label, reason="the supplier withdrew the sharing"
        )
        share.refresh_from_db(fields=["submission"])  # removed with the submission
    if share.rmi_upload is not None:
        upload_withdraw(
            upload=share.rmi_upload, actor_label=label, reason="the supplier withdrew the sharing"
        )
        share.refresh_from_db(fields=["rmi_upload"])  # removed with the upload
    _share_audit(share, action="profile.share_revoke")
    return share


@transaction.atomic
def profile_share_revoke(*, profile: SupplierProfile, share_public_id: Any) -> ProfileShare:
    """Withdraw the supplier's consent to one share, at once: the buyer no longer sees those answers and they no
    longer count in the consultation's results."""
    try:
        share = ProfileShare.objects.select_for_update().get(profile=profile, public_id=share_public_id)
    except (ProfileShare.DoesNotExist, ValidationError, ValueError) as exc:
        raise NotFound("share") from exc
    if share.revoked_at is not None:
        raise ProfileError(_("This sharing was already withdrawn."), field="share")
    return _share_end(share, because=ProfileShare.Ended.SUPPLIER, label=_label(profile))


@transaction.atomic
def profile_confirm(*, profile: SupplierProfile) -> SupplierProfile:
    """Record that the profile's address proved itself (its management link, e-mailed to it, was opened)."""
    profile = SupplierProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.confirmed_at is None:
        profile.confirmed_at = timezone.now()
        profile.save(update_fields=["confirmed_at"])
        audit_record(
            actor=None, actor_label=_label(profile), action="profile.confirm", target=profile, after={}
        )
    return profile


@transaction.atomic
def profile_delete(*, profile: SupplierProfile) -> int:
    """Delete a profile and its versions; every live share ends first (the buyers no longer see those answers).
    Return how many shares ended."""
    profile = SupplierProfile.objects.select_for_update().get(pk=profile.pk)
    live = list(profile.shares.select_for_update().filter(revoked_at__isnull=True))
    for share in live:
        _share_end(share, because=ProfileShare.Ended.DELETED, label=_label(profile))
    audit_record(
        actor=None,
        actor_label=_label(profile),
        action="profile.delete",
        target=profile,
        before={
            "email": profile.email,
            "company": profile.company_as_given,
            "versions": profile.versions.count(),
        },
        after={"shares_ended": len(live)},
    )
    profile.delete()
    return len(live)


@transaction.atomic
def profile_import(
    *, document: ProfileDocument, email: str, actor_label: str, language: str = ""
) -> SupplierProfile:
    """Create a profile from a document in the open format, tied to `email`, and e-mail it its management link;
    it is offered on no request until that link is opened (the address proves itself)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ProfileError(_("Enter a valid e-mail address."), field="email") from exc
    profile = SupplierProfile.objects.create(
        company_as_given=document.company.name, email=email, language=shipped(language)
    )
    for version in document.versions:
        ProfileVersion.objects.create(
            profile=profile,
            number=version.number,
            saved_at=version.saved_at,
            content=version_content(version),
            source=version.source,
        )
    audit_record(
        actor=None,
        actor_label=actor_label,
        action="profile.import",
        target=profile,
        after={
            "email": email,
            "company": profile.company_as_given,
            "versions": [v.number for v in document.versions],
        },
    )
    _send_link(profile, imported=True)
    return profile


def profile_import_file(
    *, content: bytes, email: str, actor_label: str, language: str = ""
) -> SupplierProfile:
    """Read a profile file (refused naming the path of its first error, nothing stored) and import it."""
    document = parse_profile_document(content)
    return profile_import(document=document, email=email, actor_label=actor_label, language=language)
