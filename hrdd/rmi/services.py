"""Writes for smelter-list collection (issue 13): campaigns, supplier requests and their links, uploads read in
the background, the problems sent back, the facility list, and the consolidated smelters.

Every write is one transaction with an audit event. A supplier acts without an account, through a secret link:
their uploads, and the readings of them, are recorded with the link holder as the actor
(`SupplierRequest.link_holder`: the request's own link, or the contract's or invitation's it was opened by). The
link is stored hashed (hrdd.core.linktokens): the e-mails write it again from its nonce. Reading an upload (`upload_read`) reads the file
and matches its smelters into the site registry outside any transaction (progress is visible), then stores the
reading, the smelter rows, their registry mentions and the new consolidation in one transaction: a failure
stores nothing of it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import Organisation, User
from hrdd.accounts.services import writer_organisation
from hrdd.audit.services import audit_record
from hrdd.companies.services import company_resolve
from hrdd.core.errors import InputError
from hrdd.core.links import absolute_url
from hrdd.core.texts import localize
from hrdd.core.uploads import format_size, max_upload_bytes
from hrdd.domain.companies import normalise_company_name
from hrdd.domain.rmi import TemplateReading, smelter_country_iso3
from hrdd.domain.text_data import text_data
from hrdd.rmi.facilities import read_facility_file
from hrdd.rmi.models import (
    TEMPLATE_CHOICES,
    Campaign,
    ConsolidatedSmelter,
    Facility,
    FacilityList,
    SupplierRequest,
    Upload,
    UploadSmelter,
)
from hrdd.supplier_sites.models import SiteMention, SiteType
from hrdd.supplier_sites.services import match_listed, mentions_record
from hrdd.supplier_sites.sitefiles import ListedRecord

Progress = Callable[[int, int], None]
TEMPLATE_EXTENSIONS = (".xlsx", ".xlsm")
TEMPLATES = tuple(code for code, _label in TEMPLATE_CHOICES)
COUNTED = (Upload.Status.ACCEPTED, Upload.Status.NEEDS_CORRECTION, Upload.Status.FROM_PROFILE)


def _campaign_state(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "templates": list(campaign.templates),
        "deadline": campaign.deadline.isoformat() if campaign.deadline else None,
        "closed": campaign.closed_at is not None,
    }


def _clean_templates(templates: Iterable[str]) -> list[str]:
    chosen = []
    for value in templates or ():
        code = str(value).strip().upper()
        if code not in TEMPLATES:
            raise InputError(
                _("%(value)r is not a template hrdd reads: choose among %(known)s.")
                % {"value": value, "known": ", ".join(TEMPLATES)},
                field="templates",
            )
        if code not in chosen:
            chosen.append(code)
    if not chosen:
        raise InputError(_("Choose at least one template (CMRT, EMRT, CRT or AMRT)."), field="templates")
    return chosen


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    title: str,
    templates: Iterable[str] = ("CMRT", "EMRT"),
    deadline: dt.date | None = None,
    message: str = "",
) -> Campaign:
    """Start a campaign asking suppliers for their smelter lists."""
    organisation = writer_organisation(actor)
    title = " ".join((title or "").split())
    if not title:
        raise InputError(_("A title is required."), field="title")
    if len(title) > 200:
        raise InputError(_("The title is longer than 200 characters."), field="title")
    campaign = Campaign.objects.create(
        organisation=organisation,
        created_by=actor,
        title=title,
        templates=_clean_templates(templates),
        deadline=deadline,
        message=(message or "").strip()[:5000],
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_campaign.create",
        target=campaign,
        after=_campaign_state(campaign),
    )
    return campaign


def _request_state(request: SupplierRequest) -> dict[str, Any]:
    return {
        "supplier": request.supplier_name,
        "email": request.email,
        "contract": str(request.contract.public_id) if request.contract_id else None,
        "invitation": request.invitation_id,
    }


def _check_email(email: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InputError(_("%r is not an e-mail address.") % email, field="email") from exc
    return email


@transaction.atomic
def request_add(
    *,
    actor: User,
    campaign: Campaign,
    supplier_name: str = "",
    email: str = "",
    contract: Any = None,
    invitation: Any = None,
    send: bool = False,
) -> SupplierRequest:
    """Ask one supplier within a campaign: named (recorded as a company on first sight), or through one of the
    organisation's contracts or consultation invitations (their supplier and address, and their link works)."""
    organisation = writer_organisation(actor)
    if campaign.organisation_id != organisation.pk:
        raise InputError(_("Unknown campaign."), field="campaign")
    if contract is not None and contract.organisation_id != organisation.pk:
        raise InputError(_("Unknown contract."), field="contract")
    if invitation is not None and invitation.consultation.organisation_id != organisation.pk:
        raise InputError(_("Unknown consultation invitation."), field="invitation")
    company = None
    if contract is not None:
        company = contract.supplier
        supplier_name = supplier_name or company.legal_name
        email = email or contract.supplier_email
    elif invitation is not None:
        company = invitation.company
        supplier_name = supplier_name or invitation.company_name or invitation.email
        email = email or invitation.email
    supplier_name = " ".join((supplier_name or "").split())[:200]
    if not supplier_name:
        raise InputError(
            _("Name the supplier, or choose a contract or a consultation invitation."), field="supplier_name"
        )
    email = _check_email(email)
    if company is None:
        company = company_resolve(
            organisation=organisation, name=supplier_name, actor=actor, field="supplier_name"
        )
    if company is not None and campaign.requests.filter(company=company).exists():
        raise InputError(
            _("%s is already asked in this campaign.") % company.legal_name, field="supplier_name"
        )
    request = SupplierRequest.objects.create(
        campaign=campaign,
        company=company,
        supplier_name=supplier_name,
        email=email,
        contract=contract,
        invitation=invitation,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_request.create",
        target=request,
        after=_request_state(request),
    )
    if send:
        request_send_link(actor=actor, request=request)
    return request


def require_own(actor: User, request: SupplierRequest) -> Organisation:
    organisation = writer_organisation(actor)
    if request.campaign.organisation_id != organisation.pk:
        raise InputError(_("Unknown supplier request."), field="request")
    return organisation


def _mail_on_commit(*, subject: str, message: str, to: str) -> None:
    transaction.on_commit(
        lambda: send_mail(
            subject=subject, message=message, from_email=None, recipient_list=[to], fail_silently=True
        )
    )


def sendable_link(request: SupplierRequest) -> str:
    """The absolute address of the request's link, to e-mail; refused when it was revoked, its campaign closed, or
    hrdd cannot write it again (issued before links were stored hashed: hrdd.core.linktokens)."""
    if request.campaign.closed_at is not None:
        raise InputError(_("This campaign is closed: its links take no more files."), field="request")
    path = request.get_supplier_url()
    if not path or request.link_revoked_at is not None:
        raise InputError(
            _(
                "This link cannot be sent again (it was revoked, or issued before links were stored hashed); "
                "issue a new link instead."
            ),
            field="request",
        )
    return absolute_url(path)


def mail_link(request: SupplierRequest, organisation: Organisation, *, new: bool = False) -> None:
    """E-mail the supplier their upload link once the write commits (`new`: it replaces an earlier one)."""
    campaign = request.campaign
    text = _(
        "%(buyer)s asks for your smelter list: the RMI reporting template(s) %(templates)s, filled in.\n\n"
        "Upload the Excel file through this link (no account needed):\n%(link)s\n"
    ) % {
        "buyer": organisation.name,
        "templates": ", ".join(campaign.templates),
        "link": sendable_link(request),
    }
    if new:
        text += _("\nThis is a new link: the earlier one no longer works.\n")
    if campaign.deadline:
        text += _("\nPlease send it by %s.\n") % campaign.deadline.isoformat()
    text += _("\nThe link works until %s.\n") % request.link_expires_on.isoformat()
    if campaign.message:
        text += f"\n{campaign.message}\n"
    _mail_on_commit(
        subject=_("%s asks for your smelter list") % organisation.name, message=text, to=request.email
    )


@transaction.atomic
def request_send_link(*, actor: User, request: SupplierRequest) -> SupplierRequest:
    """E-mail the supplier their upload link (sent once the request is stored)."""
    organisation = require_own(actor, request)
    if not request.email:
        raise InputError(_("Give the supplier's e-mail address first."), field="email")
    mail_link(request, organisation)
    request.sent_at = timezone.now()
    request.save(update_fields=["sent_at"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_request.send_link",
        target=request,
        after={"email": request.email},
    )
    return request


def problems_text(upload: Upload) -> str:
    """The problems of an upload as lines a supplier can act on: where (sheet, cell or row) and what."""
    lines = []
    for problem in upload.problems:
        where = ", ".join(
            part
            for part in (
                problem.get("sheet") or "",
                (_("cell %s") % problem["cell"]) if problem.get("cell") else "",
                (_("row %s") % problem["row"]) if problem.get("row") and not problem.get("cell") else "",
            )
            if part
        )
        severity = _("must be corrected") if problem.get("severity") == "error" else _("worth a look")
        lines.append(f"- {where or _('the file')}: {problem.get('message')} ({severity})")
    if upload.refused:
        lines.insert(0, f"- {localize(upload.refused_text)}")
    return "\n".join(lines)


@transaction.atomic
def problems_send(*, actor: User, request: SupplierRequest) -> SupplierRequest:
    """E-mail the supplier the problems found in their current file, with the link to upload a corrected one."""
    organisation = require_own(actor, request)
    request.refresh_from_db(fields=["current_upload"])
    upload = request.current_upload
    if upload is None:
        raise InputError(_("The supplier has not uploaded a file yet."), field="request")
    if not upload.problems and not upload.refused:
        raise InputError(_("The current file has no problems to send."), field="request")
    if not request.email:
        raise InputError(_("Give the supplier's e-mail address first."), field="email")
    link = sendable_link(request)
    text = (
        _("%(buyer)s read your file %(file)s and found these problems:\n\n")
        % {"buyer": organisation.name, "file": upload.filename}
        + problems_text(upload)
        + _("\n\nPlease correct the file and upload it again through your link:\n%s\n") % link
    )
    _mail_on_commit(subject=_("Your smelter list needs correction"), message=text, to=request.email)
    request.problems_sent_at = timezone.now()
    request.save(update_fields=["problems_sent_at"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_request.send_problems",
        target=request,
        after={"upload": str(upload.public_id), "problems": len(upload.problems), "email": request.email},
    )
    return request


# uploads


def closed_text(campaign: Campaign) -> str:
    """What a supplier is told when their file comes after the campaign closed."""
    return _(
        "%(buyer)s closed this request for smelter lists on %(when)s, so no more files can be uploaded here. "
        "If you still need to send your template, write to %(buyer)s directly."
    ) % {
        "buyer": campaign.organisation.name,
        "when": timezone.localdate(campaign.closed_at).isoformat() if campaign.closed_at else "",
    }


def check_template_file(name: str, content: bytes) -> str:
    """The base name of an acceptable template upload (an Excel workbook within the size limit)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "template.xlsx"
    if not name.lower().endswith(TEMPLATE_EXTENSIONS):
        raise InputError(
            _("%s is not an Excel workbook: upload the filled template as .xlsx (or .xlsm).") % name,
            field="file",
        )
    if not content:
        raise InputError(_("%s is empty.") % name, field="file")
    limit = max_upload_bytes()
    if len(content) > limit:
        raise InputError(
            _("%(name)s is larger than %(limit)s, the most hrdd accepts.")
            % {"name": name, "limit": format_size(limit)},
            field="file",
        )
    return name


@transaction.atomic
def upload_create(*, request: SupplierRequest, filename: str, content: bytes, actor: Any = None) -> Upload:
    """Record a supplier's file for a request (from the link, or by the buyer on the supplier's behalf) before it
    is read; `upload_start` (hrdd.rmi.tasks) queues the reading."""
    campaign = request.campaign
    if actor is not None and getattr(actor, "is_authenticated", False):
        require_own(actor, request)
    if campaign.closed_at is not None:
        raise InputError(closed_text(campaign), field="file")
    name = check_template_file(filename, content)
    last = request.uploads.aggregate(last=Max("number"))["last"] or 0
    upload = Upload.objects.create(
        request=request, number=last + 1, filename=name, size=len(content), content=content
    )
    audit_record(
        actor=actor,
        actor_label=None if getattr(actor, "is_authenticated", False) else request.link_holder,
        organisation=campaign.organisation,
        action="rmi_upload.create",
        target=upload,
        after={
            "request": str(request.public_id),
            "file": name,
            "size": len(content),
            "number": upload.number,
        },
    )
    return upload


def _country(value: str | None) -> str:
    """The alpha-3 code of a country as the templates' list spells it, '' when none (hrdd.domain.rmi's rule)."""
    return smelter_country_iso3(value) or ""


def smelter_records(reading: TemplateReading) -> list[tuple[int, ListedRecord | None]]:
    """Each Smelter List row with the registry record it is matched as (None: no name or no known country)."""
    found: list[tuple[int, ListedRecord | None]] = []
    for index, smelter in enumerate(reading.smelters):
        iso3 = smelter.country_iso3 or _country(smelter.country)
        name = " ".join((smelter.name or "").split())[:300]
        if not name or not iso3 or name.lower().startswith("smelter not"):
            found.append((index, None))
            continue
        cid = (smelter.cid or "").strip().upper()
        found.append(
            (
                index,
                ListedRecord(
                    name=name,
                    country_iso3=iso3,
                    address=" ".join((smelter.street or "").split())[:500],
                    city=" ".join((smelter.city or "").split())[:200],
                    site_type=str(SiteType.RAW_MATERIAL_PROCESSING.value),
                    products=(smelter.metal or "")[:500],
                    rmi_cid=cid if _is_cid(cid) else "",
                    row=smelter.row,
                    raw={k: str(v) for k, v in smelter.to_json().items() if v not in (None, "", False)},
                ),
            )
        )
    return found


def _is_cid(value: str) -> bool:
    return len(value) == 9 and value.startswith("CID") and value[3:].isdigit()


def upload_status(reading: TemplateReading) -> str:
    if reading.refused:
        return str(Upload.Status.REFUSED)
    return str(Upload.Status.ACCEPTED if reading.accepted else Upload.Status.NEEDS_CORRECTION)


def upload_read(
    upload: Upload,
    *,
    read: Callable[[bytes, str], TemplateReading],
    progress: Progress | None = None,
    actor: Any = None,
    actor_label: str | None = None,
) -> Upload:
    """Read an upload and match its smelters (no writes), then store everything in one transaction: the reading,
    the smelter rows with their registry mentions, the request's current file and the consolidation. It is
    recorded as the act of whoever uploaded the file: the buyer's `actor`, else `actor_label` (the link holder;
    by default the holder of the request's own link)."""
    reading = read(bytes(upload.content), upload.filename)
    records = smelter_records(reading)
    listed = [r for _i, r in records if r is not None]
    verdicts = match_listed(listed, progress=progress) if listed else []
    request = upload.request
    campaign = request.campaign
    organisation = campaign.organisation
    if not getattr(actor, "is_authenticated", False):
        actor, actor_label = None, actor_label or request.link_holder
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        mention_of: dict[str, tuple[int, int | None]] = {}
        if listed:
            before = SiteMention.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            mentions_record(
                organisation=organisation,
                records=listed,
                source=SiteMention.Source.IMPORT,
                mentioned_on=timezone.localdate(),
                actor=actor,
                actor_label=actor_label,
                contract=request.contract,
                supplier=request.company,
                verdicts=verdicts,
            )
            # mentions_record does not return its mentions: those it stored are the organisation's new ones with
            # these fingerprints (one fingerprint, one site).
            fingerprints = {v.fingerprint for v in verdicts}
            for pk, fingerprint, site_id in SiteMention.objects.filter(
                organisation=organisation, pk__gt=before, fingerprint__in=fingerprints
            ).values_list("pk", "fingerprint", "site_id"):
                mention_of.setdefault(fingerprint, (pk, site_id))
        fingerprint_of = {id(r): v.fingerprint for r, v in zip(listed, verdicts, strict=True)}
        rows = []
        for index, record in records:
            smelter = reading.smelters[index]
            mention_id, site_id = (
                mention_of.get(fingerprint_of.get(id(record), ""), (None, None)) if record else (None, None)
            )
            rows.append(
                UploadSmelter(
                    upload=locked,
                    row=smelter.row,
                    metal=(smelter.metal or "")[:40],
                    name=(smelter.name or "")[:300],
                    country=(smelter.country or "")[:100],
                    country_iso3=record.country_iso3 if record else _country(smelter.country),
                    cid=(smelter.cid or "").strip().upper()[:20],
                    not_listed=smelter.not_listed,
                    mine_country=(smelter.mine_country or "")[:100],
                    recycled=(smelter.recycled or "")[:40],
                    mention_id=mention_id,
                    site_id=site_id,
                )
            )
        UploadSmelter.objects.filter(upload=locked).delete()
        UploadSmelter.objects.bulk_create(rows, batch_size=1000)
        problems = [p.to_json() for p in reading.problems]
        locked.status = upload_status(reading)
        locked.template_type = reading.template_type or ""
        locked.template_version = reading.template_version or ""
        locked.company_name = (reading.company.company_name or "")[:300]
        locked.declaration_scope = (reading.company.declaration_scope or "")[:200]
        locked.minerals = list(reading.minerals_in_scope)
        locked.refused = (reading.refused or "")[:500]
        locked.errors = len(reading.errors)
        locked.warnings = len(reading.problems) - len(reading.errors)
        locked.problems = problems
        locked.reading = reading.to_json() | {"refused_said": text_data(reading.refused)}
        locked.read_at = timezone.now()
        locked.save()
        # the newest upload read is the current one (an older one finishing late does not replace it)
        SupplierRequest.objects.filter(pk=request.pk).exclude(
            current_upload__number__gt=locked.number
        ).update(current_upload=locked)
        audit_record(
            actor=actor,
            actor_label=actor_label,
            organisation=organisation,
            action="rmi_upload.read",
            target=locked,
            after={
                "status": locked.status,
                "template": f"{locked.template_type} {locked.template_version}".strip(),
                "smelters": len(rows),
                "errors": locked.errors,
                "warnings": locked.warnings,
            },
        )
        consolidation_rebuild(organisation=organisation)
    return locked


@transaction.atomic
def upload_from_profile(
    *, request: SupplierRequest, report: dict[str, Any], version: int, saved_at: dt.datetime, actor_label: str
) -> Upload:
    """An upload made from an RMI report kept in the supplier's company profile (issue 16; the supplier consented
    to the buyer seeing it): no workbook, the declaration as the profile keeps it (not checked again), its Smelter
    List as rows (not matched to the site registry); it becomes the request's current file and counts in the
    consolidation at once."""
    campaign = request.campaign
    if campaign.closed_at is not None:
        raise InputError(closed_text(campaign), field="file")
    template = str(report.get("template") or "")
    if template not in (campaign.templates or []):
        raise InputError(_("This request does not ask for %s.") % (template or "?"), field="template")
    last = request.uploads.aggregate(last=Max("number"))["last"] or 0
    upload = Upload.objects.create(
        request=request,
        number=last + 1,
        filename=f"{template}-profile-v{version}"[:255],
        size=0,
        content=b"",
        status=Upload.Status.FROM_PROFILE,
        template_type=template[:4],
        template_version=str(report.get("template_version") or "")[:20],
        company_name=str(report.get("company_name") or "")[:300],
        declaration_scope=str(report.get("declaration_scope") or "")[:200],
        minerals=list(report.get("minerals") or []),
        reading={"from_profile": {"version": version, "saved_at": saved_at.isoformat()}},
        read_at=timezone.now(),
    )
    UploadSmelter.objects.bulk_create(
        [
            UploadSmelter(
                upload=upload,
                row=index,
                metal=str(s.get("metal") or "")[:40],
                name=str(s.get("name") or "")[:300],
                country=str(s.get("country") or "")[:100],
                country_iso3=_country(s.get("country")),
                cid=str(s.get("cid") or "").strip().upper()[:20],
                not_listed=bool(s.get("not_listed")),
                mine_country=str(s.get("mine_country") or "")[:100],
                recycled=str(s.get("recycled") or "")[:40],
            )
            for index, s in enumerate(report.get("smelters") or [], start=1)
        ],
        batch_size=1000,
    )
    SupplierRequest.objects.filter(pk=request.pk).update(current_upload=upload)
    audit_record(
        actor=None,
        actor_label=actor_label,
        organisation=campaign.organisation,
        action="rmi_upload.from_profile",
        target=upload,
        after={
            "request": str(request.public_id),
            "template": f"{upload.template_type} {upload.template_version}".strip(),
            "profile_version": version,
            "smelters": len(report.get("smelters") or []),
        },
    )
    consolidation_rebuild(organisation=campaign.organisation)
    return upload


@transaction.atomic
def upload_withdraw(*, upload: Upload, actor_label: str, reason: str) -> None:
    """Remove an upload and its smelters at once (the supplier withdrew the consent it was shared on): the newest
    other file read becomes the request's current one, and the consolidation no longer counts its smelters."""
    upload = (
        Upload.objects.select_for_update().select_related("request__campaign__organisation").get(pk=upload.pk)
    )
    request = upload.request
    organisation = request.campaign.organisation
    audit_record(
        actor=None,
        actor_label=actor_label,
        organisation=organisation,
        action="rmi_upload.withdraw",
        target=upload,
        before={"request": str(request.public_id), "file": upload.filename, "status": upload.status},
        after={"reason": reason},
    )
    upload.delete()
    previous = request.uploads.filter(read_at__isnull=False).order_by("-number").first()
    SupplierRequest.objects.filter(pk=request.pk).update(current_upload=previous)
    consolidation_rebuild(organisation=organisation)


def upload_failed(upload: Upload) -> None:
    """Mark an upload whose reading stopped on an error (nothing of the reading was stored)."""
    Upload.objects.filter(pk=upload.pk, status=Upload.Status.READING).update(status=Upload.Status.FAILED)


# the facility list


@transaction.atomic
def facility_list_import(*, actor: User, filename: str, content: bytes) -> FacilityList:
    """Import an RMI facility list (CSV, XML spreadsheet or XLSX): it replaces the organisation's earlier one,
    and the consolidated smelters are matched against it again."""
    organisation = writer_organisation(actor)
    file_format, rows = read_facility_file(filename, content)
    facility_list = FacilityList.objects.create(
        organisation=organisation,
        created_by=actor,
        filename=filename.replace("\\", "/").rsplit("/", 1)[-1][:255],
        file_format=file_format,
        rows=len(rows),
    )
    Facility.objects.bulk_create(
        (
            Facility(
                facility_list=facility_list,
                cid=r.cid,
                name=r.name,
                metal=r.metal,
                country=r.country,
                status=r.status,
                rmap=r.rmap,
            )
            for r in rows
        ),
        batch_size=1000,
    )
    FacilityList.objects.filter(organisation=organisation).exclude(pk=facility_list.pk).delete()
    counts = {
        "conformant": sum(r.rmap == "conformant" for r in rows),
        "active": sum(r.rmap == "active" for r in rows),
    }
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_facility_list.import",
        target=facility_list,
        after={"file": facility_list.filename, "format": file_format, "facilities": len(rows), **counts},
    )
    consolidation_rebuild(organisation=organisation)
    return facility_list


# consolidation


def _cahra_by_country() -> dict[str, list[str]]:
    from hrdd.risks.selectors import knowledge_current

    found: dict[str, list[str]] = defaultdict(list)
    for listing in knowledge_current().cahra:
        text = f"{listing.country}: {listing.list_name} ({listing.year})"
        if text not in found[listing.country_iso3]:
            found[listing.country_iso3].append(text)
    return found


def consolidation_rebuild(*, organisation: Organisation) -> int:
    """Store the organisation's consolidated smelters again from the current files of all its suppliers (call it
    in the transaction that changed them); returns how many smelters it stored.

    One smelter per metal and registry site, else per RMI facility id, else per name and country. It counts as
    identified with a valid facility id or a registry site; its RMAP standing comes from the facility list."""
    rows = (
        UploadSmelter.objects.filter(
            upload__request__campaign__organisation=organisation,
            upload__request__current_upload=F("upload"),
            upload__status__in=COUNTED,
        )
        .exclude(metal="")
        .values(
            "metal", "name", "country", "country_iso3", "cid", "mine_country", "mention__site_id", "mention__status", "site_id",
            "mention__site__rmi_cid", "mention__site__name", "mention__site__merged_into_id",
            "upload__request__supplier_name", "upload__request__public_id", "upload__request__campaign__title",
        )
        .order_by("metal", "upload__request__supplier_name", "row")
    )  # fmt: skip
    facilities = {
        cid: (status, rmap)
        for cid, status, rmap in Facility.objects.filter(
            facility_list__organisation=organisation
        ).values_list("cid", "status", "rmap")
    }
    cahra = _cahra_by_country()
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        site_id = row["mention__site__merged_into_id"] or row["mention__site_id"] or row["site_id"]
        cid = row["cid"] if _is_cid(row["cid"]) else (row["mention__site__rmi_cid"] or "")
        if site_id:
            key = (row["metal"], f"site:{site_id}")
        elif cid:
            key = (row["metal"], f"cid:{cid}")
        else:
            key = (
                row["metal"],
                f"name:{normalise_company_name(row['name'])}|{row['country_iso3'] or row['country']}",
            )
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "metal": row["metal"],
                "name": (row["mention__site__name"] or row["name"] or _("(no name)"))[:300],
                "country_iso3": row["country_iso3"],
                "country": row["country"][:100],
                "cid": cid,
                "site_id": site_id,
                "mine_countries": set(),
                "suppliers": {},
            }
        group["cid"] = group["cid"] or cid
        # found in the registry (not a site first recorded from this very list) counts as identified
        group["matched"] = group.get("matched") or row["mention__status"] in ("auto", "confirmed")
        if row["mine_country"]:
            group["mine_countries"].add(_country(row["mine_country"]))
        request_id = str(row["upload__request__public_id"])
        group["suppliers"].setdefault(
            request_id,
            {
                "name": row["upload__request__supplier_name"],
                "request": request_id,
                "campaign": row["upload__request__campaign__title"],
            },
        )
    smelters = []
    for group in groups.values():
        status, rmap = facilities.get(group["cid"], ("", ""))
        reasons = list(cahra.get(group["country_iso3"], []))
        for mine_country in sorted(c for c in group["mine_countries"] if c):
            reasons += [
                _("mine: %s") % r for r in cahra.get(mine_country, []) if _("mine: %s") % r not in reasons
            ]
        suppliers = sorted(group["suppliers"].values(), key=lambda s: (s["name"].lower(), s["request"]))
        smelters.append(
            ConsolidatedSmelter(
                organisation=organisation,
                metal=group["metal"],
                name=group["name"],
                country_iso3=group["country_iso3"],
                country="" if group["country_iso3"] else group["country"],
                cid=group["cid"],
                site_id=group["site_id"],
                identified=bool(group["cid"] or group["matched"]),
                rmap=rmap,
                rmap_status=status,
                on_facility_list=group["cid"] in facilities,
                cahra=bool(reasons),
                cahra_reasons=reasons,
                suppliers=suppliers,
                supplier_count=len(suppliers),
            )
        )
    ConsolidatedSmelter.objects.filter(organisation=organisation).delete()
    ConsolidatedSmelter.objects.bulk_create(smelters, batch_size=1000)
    return len(smelters)


@transaction.atomic
def consolidation_refresh(*, actor: User) -> int:
    """Consolidate again now (e.g. after reviewers decided on smelters waiting in the site registry)."""
    organisation = writer_organisation(actor)
    count = consolidation_rebuild(organisation=organisation)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_consolidation.refresh",
        target=organisation,
        after={"smelters": count},
    )
    return count


@transaction.atomic
def campaign_close(*, actor: User, campaign: Campaign) -> Campaign:
    """Close a campaign: its links take no more files (what was sent stays)."""
    organisation = writer_organisation(actor)
    if campaign.organisation_id != organisation.pk:
        raise InputError(_("Unknown campaign."), field="campaign")
    if campaign.closed_at is not None:
        return campaign  # closed already: nothing changes, nothing to record
    before = _campaign_state(campaign)
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_campaign.close",
        target=campaign,
        before=before,
        after=_campaign_state(campaign),
    )
    return campaign
