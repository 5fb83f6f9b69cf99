"""Certifications, assurance schemes, memberships and ratings of an organisation's companies and of registry sites
(issue 14): writes (audited, one transaction each), reads (walled by organisation), expiry warnings and their
e-mails, and the computed KPI "% suppliers with Copper Mark or equivalent".

The schemes, their statuses, levels and what counts as "Copper Mark or equivalent" are data
(hrdd/frameworks/schemes.yaml, read by hrdd.domain.certifications). Any kind of organisation records
certifications of its own companies (buyers as evidence in bids and contracts, companies for their suppliers) or of
registry sites; the record belongs to the organisation that made it.

For other areas:
- `expiry_warnings(organisation_id, today)`: the records in force that lapse within the YAML's days or have
  lapsed, for a page's top (one query), and `expiry_warning_count(organisation_id, today)` how many;
- `certification_reminders_send(today=...)`: e-mail the writers of each organisation once per certification,
  end date and threshold (called by `hrdd remind`); what was sent is kept in the audit log
  (action "certification.expiry_reminder"), so a second run sends nothing twice;
- `company_certifications(user=..., company=...)`: a company's records with their validity (company page);
- `COPPER_MARK_OR_EQUIVALENT`: the computation registered in hrdd.programmes.kpis.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import WRITER_ROLES, User
from hrdd.audit.services import audit_record
from hrdd.core.errors import InputError, NotFound
from hrdd.core.ids import public_uuid
from hrdd.core.inputs import clean_date, clean_text, clean_url
from hrdd.core.links import absolute_url
from hrdd.core.models import active_organisation_id, require_owner_writable, require_writable
from hrdd.core.texts import localize
from hrdd.core.uploads import AcceptedFile, accept_upload
from hrdd.domain import certifications as rules
from hrdd.programmes.kpis import Computation, Computed, CountedRecord
from hrdd.programmes.models import Certification
from hrdd.programmes.reminders import member_emails, reminders_sent

DOCUMENT_EXTENSIONS = (".pdf", ".docx", ".txt")
MAX_REFERENCE = 100
MAX_NOTE = 5000
REMINDER_ACTION = "certification.expiry_reminder"
# What the Copper Mark KPI counts as a supplier: the organisation's companies of these kinds. Brands, resellers and
# manufacturers are customers' or products' names in hrdd, not upstream suppliers of minerals.
SUPPLIER_KINDS = ("supplier", "smelter")
GROUP = "copper_mark_or_equivalent"


logger = logging.getLogger(__name__)


class CertificationError(InputError):
    """Input about a certification was refused; `field` names it."""


class StaleCertification(CertificationError):
    """The record was saved by someone else since the form was opened."""


def schemes() -> rules.Schemes:
    return rules.get_schemes()


# -- helpers -----------------------------------------------------------------------------------------------------


def facts_of(certification: Certification) -> rules.RecordFacts:
    return rules.RecordFacts(
        scheme=certification.scheme,
        status=certification.status,
        level=certification.level,
        score=certification.score,
        valid_from=certification.valid_from,
        valid_until=certification.valid_until,
    )


def certification_state(certification: Certification) -> dict[str, Any]:
    """What the audit log keeps of a record."""
    return {
        "company": str(certification.company.public_id) if certification.company_id else None,
        "site": str(certification.site.public_id) if certification.site_id else None,
        "scheme": certification.scheme,
        "status": certification.status,
        "level": certification.level,
        "score": str(certification.score) if certification.score is not None else None,
        "reference": certification.reference,
        "valid_from": certification.valid_from.isoformat() if certification.valid_from else None,
        "valid_until": certification.valid_until.isoformat() if certification.valid_until else None,
        "evidence_url": certification.evidence_url,
        "document": certification.document_name,
        "note": certification.note,
    }


def _text(value: Any, field: str, limit: int) -> str:
    return clean_text(value, field, limit, error=CertificationError)


def _url(value: Any) -> str:
    return clean_url(value, "evidence_url", error=CertificationError)


def _date(value: Any, field: str) -> dt.date | None:
    return clean_date(value, field, future=True, error=CertificationError)


def _holder(company: Any, site: Any, organisation_id: int) -> tuple[Any, Any]:
    if company is not None and site is not None:
        raise CertificationError(
            _("a record is about one company or one registry site, not both"), field="site"
        )
    if company is None and site is None:
        raise CertificationError(_("choose the company or the registry site that holds it"), field="company")
    if company is not None and company.organisation_id != organisation_id:
        raise CertificationError(_("no such company"), field="company")
    if site is not None and not site.is_listed:
        site = site.merged_into or site
    return company, site


def _accept_document(upload: Any) -> AcceptedFile | None:
    if upload is None:
        return None
    return accept_upload(upload, allowed=DOCUMENT_EXTENSIONS, field="document")


def _store_document(certification: Certification, accepted: AcceptedFile | None) -> None:
    if accepted is None:
        return
    certification.document.save(accepted.name, ContentFile(accepted.content), save=False)
    certification.document_name = accepted.name
    certification.document_type = accepted.content_type
    certification.document_size = accepted.size


def _checked(values: dict[str, Any], holder: str) -> rules.RecordFacts:
    try:
        return rules.check_record(
            schemes(),
            holder=holder,
            scheme=str(values.get("scheme") or "").strip(),
            status=str(values.get("status") or "").strip(),
            level=str(values.get("level") or ""),
            score=values.get("score"),
            valid_from=_date(values.get("valid_from"), "valid_from"),
            valid_until=_date(values.get("valid_until"), "valid_until"),
        )
    except rules.RecordRefused as exc:
        raise CertificationError(localize(exc.text), field=exc.field) from exc


FIELDS = (
    "company", "site", "scheme", "status", "level", "score", "reference", "valid_from", "valid_until",
    "evidence_url", "note",
)  # fmt: skip


def _apply(certification: Certification, values: dict[str, Any], organisation_id: int) -> None:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise CertificationError(_("unknown field %s") % unknown[0], field=unknown[0])
    merged = {name: getattr(certification, name) for name in FIELDS}
    if certification.company_id is None:
        merged["company"] = None
    if certification.site_id is None:
        merged["site"] = None
    if ("company" in values or "site" in values) and (values.get("company") or values.get("site")):
        merged["company"], merged["site"] = values.get("company"), values.get("site")
    merged.update({k: v for k, v in values.items() if k not in ("company", "site")})
    company, site = _holder(merged["company"], merged["site"], organisation_id)
    facts = _checked(merged, rules.SITE if site is not None else rules.COMPANY)
    certification.company, certification.site = company, site
    certification.scheme, certification.status, certification.level = facts.scheme, facts.status, facts.level
    certification.score = facts.score
    certification.valid_from, certification.valid_until = facts.valid_from, facts.valid_until
    certification.reference = _text(merged["reference"], "reference", MAX_REFERENCE)
    certification.evidence_url = _url(merged["evidence_url"])
    certification.note = _text(merged["note"], "note", MAX_NOTE)


def _require_owner_writer(actor: User, certification: Certification) -> None:
    require_owner_writable(actor, certification.organisation_id, "certification")


def _expect_version(certification: Certification, version: int | None) -> None:
    if version is not None and int(version) != certification.version:
        raise StaleCertification(
            _(
                "Someone else saved this record after you opened it, so nothing was saved. The form shows your "
                "typing; the saved record is on its page: check it and save again."
            ),
        )


# -- writes ------------------------------------------------------------------------------------------------------


@transaction.atomic
def certification_create(
    *, actor: User, scheme: str, status: str, document: Any = None, **values: Any
) -> Certification:
    """Record a company's or a registry site's status in a scheme (writers of the actor's organisation)."""
    organisation_id = active_organisation_id(actor)
    if organisation_id is None:
        raise PermissionDenied(_("You work in no organisation."))
    require_writable(actor, organisation_id)
    values.setdefault("company", None)
    values.setdefault("site", None)
    certification = Certification(organisation_id=organisation_id, created_by=actor)
    for name in FIELDS:
        if name not in ("company", "site", "score", "valid_from", "valid_until"):
            setattr(certification, name, "")
    _apply(certification, {"scheme": scheme, "status": status, **values}, organisation_id)
    _store_document(certification, _accept_document(document))
    certification.save()
    audit_record(
        actor=actor,
        organisation=certification.organisation,
        action="certification.create",
        target=certification,
        after=certification_state(certification),
    )
    return certification


@transaction.atomic
def certification_update(
    *,
    actor: User,
    certification: Certification,
    version: int | None,
    document: Any = None,
    remove_document: bool = False,
    **values: Any,
) -> Certification:
    """Change a record; `version` is the one the form was opened on (StaleCertification when someone saved since;
    None skips the check, for the command line)."""
    _require_owner_writer(actor, certification)
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    _expect_version(certification, version)
    before = certification_state(certification)
    _apply(certification, values, certification.organisation_id)
    accepted = _accept_document(document)
    if remove_document and accepted is None and certification.document:
        certification.document.delete(save=False)
        certification.document = None
        certification.document_name = certification.document_type = ""
        certification.document_size = 0
    _store_document(certification, accepted)
    certification.version += 1
    certification.save()
    audit_record(
        actor=actor,
        organisation=certification.organisation,
        action="certification.update",
        target=certification,
        before=before,
        after=certification_state(certification),
    )
    return certification


@transaction.atomic
def certification_delete(*, actor: User, certification: Certification, version: int | None = None) -> None:
    """Delete a record (writers of its organisation); its state stays in the audit log."""
    _require_owner_writer(actor, certification)
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    _expect_version(certification, version)
    audit_record(
        actor=actor,
        organisation=certification.organisation,
        action="certification.delete",
        target=certification,
        before=certification_state(certification),
    )
    if certification.document:
        stored = certification.document
        transaction.on_commit(lambda: stored.delete(save=False))
    certification.delete()


# -- reads -------------------------------------------------------------------------------------------------------

VALIDITY_FILTERS = ("valid", "expiring", "expired")


def _in_force_q() -> Q:
    found = Q(pk__in=[])
    for scheme, statuses in rules.in_force_statuses(schemes()).items():
        if statuses:
            found |= Q(scheme=scheme, status__in=statuses)
    return found


def certification_list(
    *,
    user: User,
    scheme: str = "",
    validity: str = "",
    company: Any = None,
    today: dt.date | None = None,
) -> QuerySet[Certification]:
    """The organisation's records, with their company and site; `scheme` and `validity` (valid: in force today,
    expiring: in force and ending within the YAML's days, expired: in force by status but past its end) narrow
    them."""
    today = today or timezone.localdate()
    found = Certification.objects.visible_to(user).select_related("company", "site")
    if scheme:
        found = found.filter(scheme=scheme)
    if company is not None:
        found = found.filter(company=company)
    if validity:
        if validity not in VALIDITY_FILTERS:
            raise CertificationError(
                _("validity must be one of %s") % ", ".join(VALIDITY_FILTERS), field="validity"
            )
        soon = today + dt.timedelta(days=schemes().expiry.expiring_within_days)
        found = found.filter(_in_force_q())
        if validity == "valid":
            found = found.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today)).filter(
                Q(valid_until__isnull=True) | Q(valid_until__gte=today)
            )
        elif validity == "expiring":
            found = found.filter(valid_until__gte=today, valid_until__lte=soon)
        else:
            found = found.filter(valid_until__lt=today)
    return found


def certification_get(*, user: User, public_id: Any) -> Certification:
    """One record of the user's organisation, or NotFound."""
    found = public_uuid(public_id)
    if found is None:
        raise NotFound("certification")
    return Certification.objects.select_related("company", "site").get_visible(user, public_id=found)


@dataclass(frozen=True)
class CertificationRow:
    """A record as pages show it: its scheme's words, its validity on the day and its warnings."""

    record: Certification
    scheme: rules.Scheme | None
    status_label: str
    level_label: str
    validity: rules.Validity
    warnings: tuple[rules.Warning, ...]

    @property
    def holder(self) -> Any:
        return self.record.company or self.record.site


def certification_row(certification: Certification, today: dt.date | None = None) -> CertificationRow:
    """A record with its validity and warnings on `today` (no query when its company and site are loaded)."""
    today = today or timezone.localdate()
    found = schemes()
    scheme = found.scheme(certification.scheme)
    facts = facts_of(certification)
    return CertificationRow(
        record=certification,
        scheme=scheme,
        status_label=scheme.status_label(certification.status) if scheme else certification.status,
        level_label=scheme.level_label(certification.level) if scheme and certification.level else "",
        validity=rules.record_validity(found, facts, today),
        warnings=rules.record_warnings(found, facts, today),
    )


def certification_rows(
    certifications: Sequence[Certification], today: dt.date | None = None
) -> list[CertificationRow]:
    today = today or timezone.localdate()
    return [certification_row(c, today) for c in certifications]


def company_certifications(
    *, user: User, company: Any, today: dt.date | None = None
) -> list[CertificationRow]:
    """A company's records the user may see (one query), newest end first."""
    found = certification_list(user=user, company=company).order_by("scheme", "-valid_until", "-id")
    return certification_rows(list(found), today)


@dataclass(frozen=True)
class ExpiryWarning:
    certification: Certification
    scheme_title: str
    holder_name: str
    state: str  # expiring or expired
    reason: str


def expiry_warnings(
    organisation_id: int, today: dt.date | None = None, *, limit: int = 50
) -> list[ExpiryWarning]:
    """The organisation's records in force by status that end within the YAML's days or have ended, soonest
    first (one query; at most `limit`)."""
    today = today or timezone.localdate()
    found = schemes()
    records = (
        _expiring_records(organisation_id, today)
        .select_related("company", "site")
        .order_by("valid_until", "id")[:limit]
    )
    warnings = []
    for record in records:
        scheme = found.scheme(record.scheme)
        validity = rules.validity_on(
            record.valid_from, record.valid_until, today, within_days=found.expiry.expiring_within_days
        )
        holder = record.company or record.site
        warnings.append(
            ExpiryWarning(
                certification=record,
                scheme_title=scheme.title if scheme else record.scheme,  # said by the page (|say)
                holder_name=str(holder),
                state=validity.state,
                reason=validity.reason,
            )
        )
    return warnings


def _expiring_records(organisation_id: int, today: dt.date) -> QuerySet[Certification]:
    soon = today + dt.timedelta(days=schemes().expiry.expiring_within_days)
    return Certification.objects.filter(organisation_id=organisation_id, valid_until__lte=soon).filter(
        _in_force_q()
    )


def expiry_warning_count(organisation_id: int, today: dt.date | None = None) -> int:
    """How many records `expiry_warnings` would list (no limit): in force by status and ending within the YAML's
    days, or ended (one query)."""
    return _expiring_records(organisation_id, today or timezone.localdate()).count()


# -- expiry reminders (hrdd remind) ------------------------------------------------------------------------------


def _sent_keys(ids: Sequence[int]) -> set[tuple[str, str, str]]:
    """(certification id, reminder key, end date) of the reminders already sent, from the audit log."""
    return reminders_sent(REMINDER_ACTION, "programmes.certification", ids, date_key="valid_until")


def _writers(organisation_ids: set[int]) -> dict[int, list[str]]:
    return member_emails(organisation_ids, WRITER_ROLES)


def certification_reminders_send(*, today: dt.date | None = None) -> list[tuple[Certification, str]]:
    """E-mail the writers of each organisation about its records in force that near their end or have ended:
    once per record, end date and threshold (hrdd/frameworks/schemes.yaml, `expiry`), ever; a renewed end date
    starts over. Safe to run twice: each e-mail sent is an audit event, read before sending. A fixed number of
    queries to find what is due, then a lock, a check and an insert per e-mail."""
    today = today or timezone.localdate()
    expiry = schemes().expiry
    if not expiry.remind_days_before and not expiry.remind_when_expired:
        return []
    horizon = today + dt.timedelta(days=max(expiry.remind_days_before, default=0))
    candidates = (
        # a record ended more than a year ago was reminded of then (or never will be usefully): not read again
        Certification.objects.filter(
            valid_until__lte=horizon, valid_until__gte=today - dt.timedelta(days=366)
        )
        .filter(_in_force_q())
        .select_related("company", "site", "organisation")
        .order_by("valid_until", "pk")
    )
    due = []
    for record in candidates:
        key = rules.reminder_due(record.valid_until, today, expiry)
        if key is not None:
            due.append((record, key))
    if not due:
        return []
    already = _sent_keys([r.pk for r, _key in due])
    due = [(r, k) for r, k in due if (str(r.pk), k, r.valid_until.isoformat()) not in already]
    writers = _writers({r.organisation_id for r, _key in due})
    sent: list[tuple[Certification, str]] = []
    for record, key in due:
        try:
            sent_now = _remind_one(record, key, writers.get(record.organisation_id, []))
        except (
            OSError
        ):  # the mail server refused or could not be reached: nothing recorded, the next run retries
            logger.warning("certification reminder %s of record %s not sent", key, record.pk, exc_info=True)
            continue
        if sent_now:
            sent.append((record, key))
    return sent


def _remind_one(record: Certification, key: str, recipients: list[str]) -> bool:
    """Record and send one reminder in one transaction: an e-mail that fails undoes its record."""
    with transaction.atomic():
        locked = Certification.objects.select_for_update().filter(pk=record.pk).first()
        if locked is None or locked.valid_until != record.valid_until:
            return False  # deleted or changed meanwhile: the next run decides again
        if _sent_keys([record.pk]) & {(str(record.pk), key, record.valid_until.isoformat())}:
            return False  # sent meanwhile by another run: never twice
        audit_record(
            actor=None,
            actor_label="hrdd remind",
            organisation=record.organisation,
            action=REMINDER_ACTION,
            target=record,
            after={
                "reminder": key,
                "valid_until": record.valid_until.isoformat(),
                "recipients": len(recipients),
            },
        )
        if recipients:
            _reminder_mail(record, key, recipients)
    return True


def _reminder_mail(record: Certification, key: str, recipients: list[str]) -> None:
    scheme = schemes().scheme(record.scheme)
    title = localize(scheme.title) if scheme else record.scheme
    holder = str(record.company or record.site)
    when = record.valid_until.isoformat() if record.valid_until else ""
    if key == "expired":
        subject = _("%(scheme)s of %(holder)s expired on %(date)s") % {
            "scheme": title,
            "holder": holder,
            "date": when,
        }
    else:
        subject = _("%(scheme)s of %(holder)s expires on %(date)s") % {
            "scheme": title,
            "holder": holder,
            "date": when,
        }
    body = "\n\n".join(
        [
            subject + ".",
            _(
                "Ask the holder for the renewed certificate (or its new status) and record it in hrdd, so that "
                "what counts on that date is right."
            ),
            absolute_url(record.get_absolute_url()),
            _("You receive this as a member of %(organisation)s who may change its records.")
            % {"organisation": record.organisation.name},
        ]
    )
    send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients, fail_silently=False)


# -- the computed KPI: % suppliers with Copper Mark or equivalent ------------------------------------------------


def _copper_verdicts(organisation_id: int, end: dt.date) -> list[tuple[Any, bool, str]]:
    """Every supplier company of the organisation, whether it holds a record of the group valid on `end`, and
    why (two queries)."""
    from hrdd.companies.models import Company

    found = schemes()
    group = found.group(GROUP)
    suppliers = list(
        Company.objects.filter(organisation_id=organisation_id, kind__in=SUPPLIER_KINDS).order_by(
            "legal_name", "id"
        )
    )
    records: dict[int, list[Certification]] = {}
    for record in Certification.objects.filter(
        organisation_id=organisation_id,
        company__isnull=False,
        company__kind__in=SUPPLIER_KINDS,
    ).order_by("-valid_until", "id"):
        records.setdefault(record.company_id, []).append(record)
    verdicts = []
    for company in suppliers:
        reasons = [rules.counts_toward(found, GROUP, facts_of(r), end) for r in records.get(company.pk, [])]
        counted = next((v for v in reasons if v.counts), None)
        if counted is not None:
            verdicts.append((company, True, str(localize(counted.reason))))
        elif reasons:
            verdicts.append((company, False, "; ".join(str(localize(v.reason)) for v in reasons)))
        else:
            verdicts.append((company, False, _("no record of %(group)s") % {"group": localize(group.title)}))
    return verdicts


def _copper_method() -> str:
    group = schemes().group(GROUP)
    return _(
        "Share of the organisation's supplier companies (kind supplier or smelter/refiner) holding a record of "
        "%(group)s valid on the period's end date (valid from on or before it, valid until on or after it or no "
        "end date). %(rule)s"
    ) % {"group": localize(group.title), "rule": localize(group.rule)}


def copper_mark_compute(organisation_id: int, start: dt.date, end: dt.date) -> Computed:
    """The figure: % of supplier companies counted on the period's end date (two queries: the suppliers counted in
    the database, and only the records of the group's schemes in force by their dates read, each judged by the
    domain's rule)."""
    from hrdd.companies.models import Company

    found = schemes()
    group_schemes = {m.scheme for m in found.group(GROUP).members}
    total = Company.objects.filter(organisation_id=organisation_id, kind__in=SUPPLIER_KINDS).count()
    candidates = Certification.objects.filter(
        organisation_id=organisation_id,
        company__isnull=False,
        company__kind__in=SUPPLIER_KINDS,
        scheme__in=group_schemes,
    ).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=end),
        Q(valid_until__isnull=True) | Q(valid_until__gte=end),
    )
    counted = len(
        {
            record.company_id
            for record in candidates
            if rules.counts_toward(found, GROUP, facts_of(record), end).counts
        }
    )
    if not total:
        return Computed(
            value=None,
            numerator=0,
            denominator=0,
            method=_copper_method(),
            missing=_("No supplier company is recorded (kind supplier or smelter/refiner)."),
        )
    value = (Decimal(100) * counted / total).quantize(Decimal("0.01"))
    return Computed(value=value, numerator=counted, denominator=total, method=_copper_method())


def copper_mark_records(organisation_id: int, start: dt.date, end: dt.date) -> list[CountedRecord]:
    """Every supplier company, counted or not on the period's end date, with the reason."""
    return [
        CountedRecord(label=company.legal_name, url=company.get_absolute_url(), counted=ok, detail=reason)
        for company, ok, reason in _copper_verdicts(organisation_id, end)
    ]


COPPER_MARK_OR_EQUIVALENT = Computation(
    key="copper_mark_or_equivalent",
    title="% suppliers with Copper Mark or equivalent",
    unit="percent",
    compute=copper_mark_compute,
    records=copper_mark_records,
)
