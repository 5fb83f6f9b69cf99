"""Writes for incidents, grievances and remedy. Every write is one transaction with an audit event; e-mails go
out on commit. Refused input raises InputError naming the field (IncidentError), a write outside the actor's
role PermissionDenied, a record outside the actor's audience NotFound.

For the pages:
- incidents: `incident_create`, `incident_update`, `incident_transition` (status workflow of
  hrdd.domain.incidents), `exposure_sharing_set` (the organisation's opt-in);
- grievance intake (no account): `intake_form_stamp` (put in the form), then in the view, in this order:
  `check_honeypot(value)`, `check_fill_time(stamp)`, `grievance_submit(...)` (rate limits inside) which returns
  the receipt code to show once; `receipt_check(code=..., client_address=...)` for the receipt page;
  `grievance_channel_create` / `grievance_channel_update` for the organisation's channels;
- remediation plan: `step_add`, `step_update`, `step_delete`, `step_progress_add` (a buyer), `step_verify`;
  the supplier's progress through its contract link: `step_progress_report(contract=..., step=..., ...)`;
- notices: `notice_mark_read`, `notices_mark_all_read`.
Whenever a step changes, `hrdd.contracts.versions.contracts_changed` moves the exposed organisations' contracts
version (their calendar feeds' ETag and stored dashboard counts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import Membership, Organisation, User
from hrdd.audit.services import audit_record
from hrdd.core.errors import InputError, NotFound
from hrdd.core.inputs import clean_choice, clean_date, clean_text, clean_url
from hrdd.core.links import absolute_url
from hrdd.core.models import active_organisation_id, require_writable
from hrdd.core.texts import localize
from hrdd.core.uploads import AcceptedFile, accept_upload, format_size
from hrdd.core.versions import claim_version
from hrdd.domain import incidents as rules
from hrdd.domain.countries import to_iso3
from hrdd.incidents import selectors
from hrdd.incidents.models import (
    Confidentiality,
    ExposureSharing,
    ExposureSweep,
    GrievanceChannel,
    Incident,
    IntakeAttempt,
    Notice,
    RemediationStep,
    Source,
    StatusChange,
    StepProgress,
    risk_category_choices,
)

DOCUMENT_EXTENSIONS = (".pdf", ".docx", ".txt")
# A grievance's file is smaller than the general upload limit: evidence, not a data dump.
GRIEVANCE_MAX_BYTES = 10 * 1024 * 1024
MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_SHORT = 500
MAX_CONTACT = 300
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")
# Rate limits of the public intake: (uses, per seconds); settings HRDD_GRIEVANCE_LIMITS may override them.
DEFAULT_LIMITS = {
    "grievance_per_client": (5, 3600),
    "grievance_per_organisation": (100, 3600),
    "receipt_per_client": (30, 3600),
}
ATTEMPTS_KEPT = dt.timedelta(days=1)
MIN_FILL_SECONDS = 3  # a person takes longer than this to fill in the form; a script does not
MAX_FORM_AGE = dt.timedelta(days=1)
STAMP_SALT = "hrdd.incidents.intake-form"


class IncidentError(InputError):
    """Input about an incident, a step or a grievance was refused; `field` names it."""


class RateLimited(IncidentError):
    """Too many uses of the public intake from one address or for one organisation (HTTP 429)."""


class SpamSuspected(IncidentError):
    """The intake form was filled in by a machine (the hidden field was filled, or the form was sent too fast)."""


# -- helpers -----------------------------------------------------------------------------------------------------


def incident_path(incident: Incident) -> str:
    """The incident page's path (a plain path until the pages' URLs are installed)."""
    try:
        return reverse("incidents:detail", args=[incident.public_id])
    except NoReverseMatch:
        return f"/incidents/{incident.public_id}/"


def incident_state(incident: Incident) -> dict[str, Any]:
    """What the audit log keeps of an incident (never the reporter's contact details: the log is wider read)."""
    return {
        "title": incident.title,
        "site": str(incident.site.public_id) if incident.site_id else None,
        "group": str(incident.group.public_id) if incident.group_id else None,
        "company": str(incident.company.public_id) if incident.company_id else None,
        "country_iso3": incident.country_iso3,
        "source": incident.source,
        "source_url": incident.source_url,
        "document": incident.document_name,
        "occurred_on": incident.occurred_on.isoformat() if incident.occurred_on else None,
        "category": incident.category,
        "scale": incident.scale,
        "scope": incident.scope,
        "irremediability": incident.irremediability,
        "severity": incident.severity,
        "status": incident.status,
        "confidentiality": incident.confidentiality,
        "reporter_anonymous": incident.reporter_anonymous,
    }


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    return clean_text(value, field, limit, required=required, error=IncidentError)


def _choice(value: Any, field: str, choices: Sequence[tuple[str, Any]], *, blank: bool = True) -> str:
    return clean_choice(value, field, choices, blank=blank, error=IncidentError)


def _url(value: Any, field: str = "source_url") -> str:
    return clean_url(value, field, error=IncidentError)


def _date(value: Any, field: str, *, future: bool = False) -> dt.date | None:
    return clean_date(value, field, future=future, error=IncidentError)


def _rating(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise IncidentError(_("%s must be a whole number from 1 to 4") % field, field=field) from exc
    if not 1 <= number <= 4:
        raise IncidentError(_("%s must be a whole number from 1 to 4") % field, field=field)
    return number


def _country(value: Any, field: str = "country") -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    found = to_iso3(text)
    if not found:
        raise IncidentError(_("unknown country %r: give its name or ISO code") % text, field=field)
    return found


def _accept_document(upload: Any, *, field: str, limit: int | None = None) -> AcceptedFile | None:
    if upload is None:
        return None
    accepted = accept_upload(upload, allowed=DOCUMENT_EXTENSIONS, field=field)
    if limit is not None and accepted.size > limit:
        raise IncidentError(
            _("%(name)s is larger than %(limit)s; send a smaller file or a link")
            % {"name": accepted.name, "limit": format_size(limit)},
            field=field,
        )
    return accepted


def _store_document(incident: Incident, accepted: AcceptedFile | None) -> None:
    if accepted is None:
        return
    incident.document.save(accepted.name, ContentFile(accepted.content), save=False)
    incident.document_name = accepted.name
    incident.document_type = accepted.content_type
    incident.document_size = accepted.size


def _require_owner_writer(actor: User, incident: Incident) -> None:
    if active_organisation_id(actor) != incident.organisation_id:
        # another organisation's incident: the edges answer as if it did not exist, or 403 when it is visible
        selectors.incident_get(user=actor, public_id=incident.public_id)
        raise PermissionDenied(_("Only the organisation that recorded the incident may change it."))
    require_writable(actor, incident.organisation)


def _subject(values: dict[str, Any], organisation_id: int) -> dict[str, Any]:
    """Check the subject: at most one of site, group and company; a company must be the organisation's own."""
    site, group, company = values.get("site"), values.get("group"), values.get("company")
    given = [
        name for name, value in (("site", site), ("group", group), ("company", company)) if value is not None
    ]
    if len(given) > 1:
        raise IncidentError(
            _("an incident is about one site, one group or one company, not several"), field=given[1]
        )
    if company is not None and company.organisation_id != organisation_id:
        raise IncidentError(_("no such company"), field="company")
    if site is not None and not site.is_listed:
        site = site.merged_into or site
    return {"site": site, "group": group, "company": company}


def _clean(
    values: dict[str, Any], *, organisation_id: int, incident: Incident | None = None
) -> dict[str, Any]:
    """Check and normalise incident fields (only those given); unknown names are refused."""
    known = {
        "title", "description", "site", "group", "company", "country", "source", "source_url", "occurred_on",
        "category", "scale", "scope", "irremediability", "confidentiality", "reporter_anonymous", "reporter_name",
        "reporter_contact", "language", "subject_text", "external_reference",
    }  # fmt: skip
    unknown = sorted(set(values) - known)
    if unknown:
        raise IncidentError(_("unknown field %s") % unknown[0], field=unknown[0])
    clean: dict[str, Any] = {}
    if "title" in values:
        clean["title"] = _text(values["title"], "title", MAX_TITLE, required=True)
    if "description" in values:
        clean["description"] = _text(values["description"], "description", MAX_DESCRIPTION)
    if "source" in values:
        clean["source"] = _choice(values["source"], "source", Source.choices, blank=False)
    if "source_url" in values:
        clean["source_url"] = _url(values["source_url"])
    if "occurred_on" in values:
        clean["occurred_on"] = _date(values["occurred_on"], "occurred_on")
    if "category" in values:
        clean["category"] = _choice(values["category"], "category", risk_category_choices())
    for name in ("scale", "scope", "irremediability"):
        if name in values:
            clean[name] = _rating(values[name], name)
    if "confidentiality" in values:
        clean["confidentiality"] = _choice(
            values["confidentiality"], "confidentiality", Confidentiality.choices, blank=False
        )
    if "reporter_anonymous" in values:
        clean["reporter_anonymous"] = bool(values["reporter_anonymous"])
    if "reporter_name" in values:
        clean["reporter_name"] = _text(values["reporter_name"], "reporter_name", MAX_TITLE)
    if "reporter_contact" in values:
        clean["reporter_contact"] = _text(values["reporter_contact"], "reporter_contact", MAX_CONTACT)
    if "language" in values:
        clean["language"] = _language(values["language"])
    if "subject_text" in values:
        clean["subject_text"] = _text(values["subject_text"], "subject_text", MAX_SHORT)
    if "external_reference" in values:
        clean["external_reference"] = _text(values["external_reference"], "external_reference", 100)
    if {"site", "group", "company"} & set(values):
        current = {
            "site": incident.site if incident and incident.site_id else None,
            "group": incident.group if incident and incident.group_id else None,
            "company": incident.company if incident and incident.company_id else None,
        }
        given = {k: values[k] for k in ("site", "group", "company") if k in values}
        if any(v is not None for v in given.values()):
            current = {"site": None, "group": None, "company": None}
        current.update(given)
        clean.update(_subject(current, organisation_id))
    if "country" in values:
        clean["country_iso3"] = _country(values["country"])
    subject = clean.get("site") or clean.get("group") or clean.get("company")
    if subject is not None and getattr(subject, "country_iso3", ""):
        clean["country_iso3"] = subject.country_iso3
    if clean.get("reporter_name") or clean.get("reporter_contact"):
        clean.setdefault("reporter_anonymous", False)
    return clean


def _language(value: Any) -> str:
    text = str(value or "").strip()
    if text and not LANGUAGE.match(text):
        raise IncidentError(_("give the language as a code such as en, fr or pt-BR"), field="language")
    return text


def _rate_severity(incident: Incident) -> None:
    ratings = (incident.scale, incident.scope, incident.irremediability)
    if None in ratings:
        incident.severity, incident.severity_reasons = "", []
        return
    verdict = rules.assess_severity(
        scale=incident.scale,
        scope=incident.scope,
        irremediability=incident.irremediability,  # type: ignore[arg-type]
    )
    incident.severity = verdict.level
    incident.severity_reasons = list(verdict.reasons)


# -- incidents ---------------------------------------------------------------------------------------------------


@transaction.atomic
def incident_create(
    *,
    actor: User,
    title: str,
    source: str,
    document: Any = None,
    status_note: str = "",
    notify: bool = True,
    **values: Any,
) -> Incident:
    """Record an incident in the actor's organisation (status received), rate its severity when the three UNGP
    ratings are given, and tell the contract managers whose contracts it touches."""
    organisation_id = active_organisation_id(actor)
    if organisation_id is None:
        raise PermissionDenied(_("You work in no organisation."))
    require_writable(actor, organisation_id)
    clean = _clean({"title": title, "source": source, **values}, organisation_id=organisation_id)
    accepted = _accept_document(document, field="document")
    incident = Incident(organisation_id=organisation_id, created_by=actor, **clean)
    _rate_severity(incident)
    _store_document(incident, accepted)
    incident.save()
    StatusChange.objects.create(
        incident=incident, before="", after=incident.status, note=status_note, changed_by=actor
    )
    audit_record(
        actor=actor,
        organisation=incident.organisation,
        action="incident.create",
        target=incident,
        after=incident_state(incident),
    )
    if notify:
        incident_notify(incident)
    return incident


@transaction.atomic
def incident_update(
    *, actor: User, incident: Incident, document: Any = None, version: int | None = None, **values: Any
) -> Incident:
    """Change an incident (writers of the owner organisation); a new subject or a wider audience tells the
    contract managers it now reaches. The status moves only through `incident_transition`. A change made on
    another `version` than the saved one is refused (StaleEdit)."""
    _require_owner_writer(actor, incident)
    if "status" in values:
        raise IncidentError(
            _("change the status with its own action, which checks the workflow"), field="status"
        )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    claim_version(incident, version, what=_("incident"))
    clean = _clean(values, organisation_id=incident.organisation_id, incident=incident)
    accepted = _accept_document(document, field="document")
    before = incident_state(incident)
    for name, value in clean.items():
        setattr(incident, name, value)
    _rate_severity(incident)
    _store_document(incident, accepted)
    incident.save()
    after = incident_state(incident)
    audit_record(
        actor=actor,
        organisation=incident.organisation,
        action="incident.update",
        target=incident,
        before=before,
        after=after,
    )
    reach = ("site", "group", "company", "confidentiality")
    if any(before[k] != after[k] for k in reach):
        incident_notify(incident)
        _plan_changed(incident)
    elif before["title"] != after["title"]:
        _plan_changed(incident)  # the calendar feeds name the incident in each corrective action's event
    return incident


@transaction.atomic
def incident_transition(
    *, actor: User, incident: Incident, status: str, note: str = "", public_note: str = ""
) -> Incident:
    """Move an incident along its workflow (hrdd.domain.incidents.check_transition says which moves are allowed);
    `public_note` is what an anonymous reporter reads with their receipt code."""
    _require_owner_writer(actor, incident)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    note = _text(note, "note", 5000)
    public_note = _text(public_note, "public_note", 2000)
    steps = list(incident.steps.values_list("verified_on", flat=True))
    plan = rules.PlanState(steps=len(steps), verified=sum(1 for v in steps if v is not None))
    try:
        rules.check_transition(incident.status, status, plan)
    except rules.TransitionRefused as exc:
        raise IncidentError(localize(exc.args[0]), field="status") from exc  # said in the reader's language
    before = incident.status
    incident.status = status
    incident.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        incident=incident, before=before, after=status, note=note, public_note=public_note, changed_by=actor
    )
    audit_record(
        actor=actor,
        organisation=incident.organisation,
        action="incident.status",
        target=incident,
        before={"status": before},
        after={"status": status, "note": note, "public_note": public_note},
    )
    if status == rules.SUBSTANTIATED:
        incident_notify(incident)
    return incident


@transaction.atomic
def exposure_sharing_set(*, actor: User, share: bool) -> ExposureSharing | None:
    """Opt the actor's organisation into sharing its exposure (its site lists count for other organisations'
    incidents, and it receives those shared with exposed buyers), or out of it. Administrators only."""
    organisation_id = active_organisation_id(actor)
    if organisation_id is None or actor.role_in(organisation_id) != User.Role.ADMIN:
        raise PermissionDenied(_("Only an administrator of the organisation decides whether it shares."))
    organisation = Organisation.objects.get(pk=organisation_id)
    found = ExposureSharing.objects.filter(organisation=organisation).first()
    if share and found is None:
        found = ExposureSharing.objects.create(organisation=organisation, by=actor)
        audit_record(
            actor=actor,
            organisation=organisation,
            action="exposure_sharing.start",
            target=found,
            after={"share": True},
        )
    elif not share and found is not None:
        audit_record(
            actor=actor,
            organisation=organisation,
            action="exposure_sharing.stop",
            target=found,
            before={"share": True},
            after={"share": False},
        )
        found.delete()
        found = None
    return found


# -- notifications -----------------------------------------------------------------------------------------------


def _notified_organisations(incident: Incident) -> dict[int, set[int]]:
    """The organisations to tell about an incident, with their exposed contracts: the owner, and under the shared
    and public levels the sharing organisations it exposes (owner only: the owner alone)."""
    exposed = selectors.exposed_contracts_by_organisation(incident)
    if incident.confidentiality == Confidentiality.OWNER_ONLY:
        exposed = {k: v for k, v in exposed.items() if k == incident.organisation_id}
    return {k: v for k, v in exposed.items() if v}


def _managers(organisation_ids: Sequence[int]) -> dict[int, list[User]]:
    """The active contract managers and administrators of each organisation."""
    found: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        organisation_id__in=list(organisation_ids),
        role__in=[User.Role.CONTRACT_MANAGER, User.Role.ADMIN],
        is_active=True,
        user__is_active=True,
    ).select_related("user"):
        found.setdefault(membership.organisation_id, []).append(membership.user)
    return found


def incident_notify(incident: Incident) -> list[Notice]:
    """Tell the contract managers (and administrators) of every organisation whose contracts the incident touches,
    within its audience: a notice on their landing page and an e-mail on commit, each once per incident."""
    exposed = _notified_organisations(incident)
    if not exposed:
        return []
    made: list[Notice] = []
    mails: list[tuple[str, str, list[str]]] = []
    link = absolute_url(incident_path(incident))
    category = incident.category_title or _("no category yet")
    subject_name = str(incident.subject or incident.subject_text or _("a site"))
    for organisation_id, users in _managers(sorted(exposed)).items():
        count = len(exposed[organisation_id])
        message = _("%(title)s (%(category)s) about %(subject)s touches %(count)d of your contracts.") % {
            "title": incident.title,
            "category": category,
            "subject": subject_name,
            "count": count,
        }
        recipients = []
        for user in users:
            try:
                with transaction.atomic():
                    made.append(
                        Notice.objects.create(
                            user=user,
                            organisation_id=organisation_id,
                            incident=incident,
                            kind="exposed",
                            message=message[:500],
                            contracts=count,
                        )
                    )
            except IntegrityError:
                continue  # told already: never twice
            recipients.append(user.email)
        if recipients:
            mails.append(
                (
                    _("Incident touching your contracts: %s") % incident.title,
                    f"{message}\n\n{link}\n",
                    recipients,
                )
            )
    for subject, body, recipients in mails:
        transaction.on_commit(
            lambda s=subject, b=body, r=recipients: send_mail(
                subject=s, message=b, from_email=None, recipient_list=r, fail_silently=True
            )
        )
    return made


@transaction.atomic
def exposure_notify_new_mentions(*, now: dt.datetime | None = None) -> list[Notice]:
    """Tell the contract managers of the organisations whose suppliers named, since the last run, a site with an
    incident (or a site of a group with one): each once per incident, with the notice and e-mail of
    `incident_notify`. Run daily by `hrdd remind`; safe to run twice.

    Why a daily sweep rather than a signal on SiteMention: mentions are written in bulk by the registry import
    and the site-list matching (hrdd.supplier_sites.bulk inserts rows without save() or signals), and a mention
    gets its site later when a reviewer confirms a match or two sites are merged (queryset updates, no signals).
    A sweep sees all of these the same way: the mentions inserted after the last one read (ids only grow) and
    those saved since the last run (`updated_at`), without the incidents app hooking into the sites' writes."""
    from hrdd.supplier_sites.models import SiteMention

    now = now or timezone.now()
    sweep, _made = ExposureSweep.objects.select_for_update().get_or_create(pk=1)
    last_id = SiteMention.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    new = Q(pk__gt=sweep.last_mention_id, pk__lte=last_id)
    if sweep.ran_at is not None:
        new |= Q(updated_at__gte=sweep.ran_at)
    mentions = SiteMention.objects.filter(new).exclude(site=None).exclude(contract=None)
    made: list[Notice] = []
    for incident in selectors.incidents_about_mentioned_sites(mentions):
        made.extend(
            incident_notify(incident)
        )  # one notice per person and incident, ever: repeats are skipped
    sweep.last_mention_id, sweep.ran_at = last_id, now
    sweep.save(update_fields=["last_mention_id", "ran_at"])
    return made


def notice_mark_read(*, user: User, notice: Notice) -> Notice:
    """Mark one of the user's notices read."""
    if notice.user_id != user.pk:
        raise NotFound("notice")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_mark_all_read(*, user: User) -> int:
    """Mark all of the user's notices in the organisation they work in now read; return how many."""
    return Notice.objects.filter(
        user=user, organisation_id=active_organisation_id(user), read_at=None
    ).update(read_at=timezone.now())


# -- grievance intake --------------------------------------------------------------------------------------------


def _limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "HRDD_GRIEVANCE_LIMITS", {})}


def client_key(address: str) -> str:
    """A client address as the rate limits count it: a keyed hash, so the address itself is never stored."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "unknown").encode(), hashlib.sha256).hexdigest()


def check_rate_limit(
    *, kind: str, client_address: str, organisation_id: int | None = None, now: dt.datetime | None = None
) -> None:
    """Refuse (RateLimited) a use of the public intake over the limits: per client address, and for grievances
    per organisation. Counted in the database, so every server process shares the count."""
    now = now or timezone.now()
    limits = _limits()
    IntakeAttempt.objects.filter(at__lt=now - ATTEMPTS_KEPT).delete()
    uses, seconds = limits[f"{kind}_per_client"]
    since = now - dt.timedelta(seconds=seconds)
    if (
        IntakeAttempt.objects.filter(kind=kind, client=client_key(client_address), at__gte=since).count()
        >= uses
    ):
        raise RateLimited(_("Too many attempts from your connection. Please try again in an hour."))
    if kind == IntakeAttempt.Kind.GRIEVANCE and organisation_id is not None:
        uses, seconds = limits["grievance_per_organisation"]
        since = now - dt.timedelta(seconds=seconds)
        if (
            IntakeAttempt.objects.filter(kind=kind, organisation_id=organisation_id, at__gte=since).count()
            >= uses
        ):
            raise RateLimited(
                _("This organisation receives too many reports just now. Please try again later.")
            )


def _attempt(kind: str, client_address: str, organisation_id: int | None, now: dt.datetime) -> None:
    IntakeAttempt.objects.create(
        kind=kind, client=client_key(client_address), organisation_id=organisation_id, at=now
    )


def check_honeypot(value: Any) -> None:
    """Refuse a form whose hidden field (invisible to people, filled by robots) has anything in it."""
    if str(value or "").strip():
        raise SpamSuspected(_("The form could not be accepted."), field="website")


def intake_form_stamp(now: dt.datetime | None = None) -> str:
    """A signed time to put in the intake form, read back by `check_fill_time`."""
    moment = now or timezone.now()
    return signing.dumps(moment.timestamp(), salt=STAMP_SALT)


def check_fill_time(
    stamp: str, *, now: dt.datetime | None = None, min_seconds: float = MIN_FILL_SECONDS
) -> None:
    """Refuse a form sent faster than a person fills it in, or with a stamp that is forged or over a day old."""
    now = now or timezone.now()
    try:
        issued = float(signing.loads(stamp or "", salt=STAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise SpamSuspected(_("The form has expired. Please open it again."), field="stamp") from exc
    if now.timestamp() - issued > MAX_FORM_AGE.total_seconds():
        raise SpamSuspected(_("The form has expired. Please open it again."), field="stamp")
    if now.timestamp() - issued < min_seconds:
        raise SpamSuspected(
            _("The form was sent too quickly. Please check it and send it again."), field="stamp"
        )


@dataclass(frozen=True)
class GrievanceReceipt:
    """A received grievance and its receipt code (shown once to the reporter; only its hash is stored)."""

    incident: Incident
    code: str


def grievance_submit(
    *,
    channel: GrievanceChannel,
    description: str,
    client_address: str,
    language: str = "",
    title: str = "",
    site_text: str = "",
    country: str = "",
    occurred_on: Any = None,
    category: str = "",
    reporter_name: str = "",
    reporter_contact: str = "",
    document: Any = None,
    now: dt.datetime | None = None,
) -> GrievanceReceipt:
    """Record a grievance sent without an account as a received, owner-only incident of the channel's organisation,
    in the reporter's language; return the receipt code. Rate-limited per client address and per organisation
    (the attempt counts even when the input is refused, so that probing costs too)."""
    now = now or timezone.now()
    if not channel.is_open:
        raise NotFound("grievance channel")
    check_rate_limit(
        kind=IntakeAttempt.Kind.GRIEVANCE,
        client_address=client_address,
        organisation_id=channel.organisation_id,
        now=now,
    )
    _attempt(IntakeAttempt.Kind.GRIEVANCE, client_address, channel.organisation_id, now)
    description = _text(description, "description", MAX_DESCRIPTION, required=True)
    site_text = _text(site_text, "site_text", MAX_SHORT)
    title = (
        _text(title, "title", MAX_TITLE) or _("Grievance about %s") % (site_text or _("a workplace"))[:150]
    )
    clean = _clean(
        {
            "country": country,
            "occurred_on": occurred_on,
            "category": category,
            "reporter_name": reporter_name,
            "reporter_contact": reporter_contact,
            "language": language,
        },
        organisation_id=channel.organisation_id,
    )
    accepted = _accept_document(document, field="document", limit=GRIEVANCE_MAX_BYTES)
    code = rules.new_receipt_code()
    normalised = rules.normalise_receipt_code(code)
    assert normalised is not None
    with transaction.atomic():
        incident = Incident(
            organisation_id=channel.organisation_id,
            title=title,
            description=description,
            subject_text=site_text,
            source=Source.WORKER_GRIEVANCE,
            confidentiality=Confidentiality.OWNER_ONLY,
            channel=channel,
            receipt_hash=selectors.receipt_hash(normalised),
            **(
                clean
                | {"reporter_anonymous": not (clean.get("reporter_name") or clean.get("reporter_contact"))}
            ),
        )
        _store_document(incident, accepted)
        incident.save()
        StatusChange.objects.create(incident=incident, before="", after=incident.status)
        audit_record(
            actor=None,
            actor_label=f"grievance channel ({channel.slug})",
            organisation=channel.organisation,
            action="incident.grievance",
            target=incident,
            after=incident_state(incident) | {"language": incident.language},
        )
    return GrievanceReceipt(incident=incident, code=code)


def receipt_check(*, code: str, client_address: str, now: dt.datetime | None = None) -> selectors.ReceiptView:
    """The status behind a receipt code, rate-limited per client address (NotFound for an unknown code)."""
    now = now or timezone.now()
    check_rate_limit(kind=IntakeAttempt.Kind.RECEIPT, client_address=client_address, now=now)
    _attempt(IntakeAttempt.Kind.RECEIPT, client_address, None, now)
    return selectors.receipt_status(code)


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@transaction.atomic
def grievance_channel_create(
    *, actor: User, slug: str, title: str, introduction: str = ""
) -> GrievanceChannel:
    """Open a public grievance channel for the actor's organisation: its address /…/<slug> and a secret link
    (stored hashed; the returned channel carries its token for the organisation to see once)."""
    organisation_id = active_organisation_id(actor)
    if organisation_id is None:
        raise PermissionDenied(_("You work in no organisation."))
    require_writable(actor, organisation_id)
    slug = _text(slug, "slug", 60, required=True).lower()
    if not SLUG.match(slug) or len(slug) < 3:
        raise IncidentError(_("use at least three lower-case letters, digits and hyphens"), field="slug")
    if GrievanceChannel.objects.filter(slug=slug).exists():
        raise IncidentError(_("this address is taken; choose another"), field="slug")
    channel = GrievanceChannel.objects.create(
        organisation_id=organisation_id,
        created_by=actor,
        slug=slug,
        title=_text(title, "title", MAX_TITLE, required=True),
        introduction=_text(introduction, "introduction", 5000),
    )
    audit_record(
        actor=actor, organisation=channel.organisation, action="grievance_channel.create", target=channel,
        after={"slug": slug, "title": channel.title, "link_issued_at": _issued(channel)},
    )  # fmt: skip
    return channel


@transaction.atomic
def grievance_channel_update(
    *,
    actor: User,
    channel: GrievanceChannel,
    is_open: bool | None = None,
    new_link: bool = False,
    version: int | None = None,
    **values: Any,
) -> GrievanceChannel:
    """Close or reopen a channel, change its title or introduction, or give it a new secret link (the old one
    stops working; the returned channel carries the new token for the organisation to see once, and the audit log
    keeps when it was issued, never the token); a change made on another `version` than the saved one is refused
    (StaleEdit)."""
    if active_organisation_id(actor) != channel.organisation_id:
        raise NotFound("grievance channel")
    require_writable(actor, channel.organisation)
    unknown = sorted(set(values) - {"title", "introduction"})
    if unknown:
        raise IncidentError(_("unknown field %s") % unknown[0], field=unknown[0])
    claim_version(channel, version, what=_("grievance channel"), refresh=True)
    before = {"title": channel.title, "is_open": channel.is_open, "link_issued_at": _issued(channel)}
    if "title" in values:
        channel.title = _text(values["title"], "title", MAX_TITLE, required=True)
    if "introduction" in values:
        channel.introduction = _text(values["introduction"], "introduction", 5000)
    if is_open is not None:
        channel.is_open = is_open
    if new_link:
        channel.opened_with(channel.issue_token())
    channel.save()
    audit_record(
        actor=actor, organisation=channel.organisation, action="grievance_channel.update", target=channel,
        before=before,
        after={
            "title": channel.title, "is_open": channel.is_open, "new_link": new_link,
            "link_issued_at": _issued(channel),
        },
    )  # fmt: skip
    return channel


def _issued(channel: GrievanceChannel) -> str | None:
    return channel.token_issued_at.isoformat() if channel.token_issued_at else None


# -- remediation plans -------------------------------------------------------------------------------------------


def step_state(step: RemediationStep) -> dict[str, Any]:
    return {
        "action": step.action,
        "responsible": step.responsible,
        "deadline": step.deadline.isoformat(),
        "evidence": step.evidence,
        "contract": str(step.contract.public_id) if step.contract_id else None,
        "status": step.status,
        "verified_on": step.verified_on.isoformat() if step.verified_on else None,
    }


def _plan_changed(incident: Incident, *extra: int) -> None:
    """Move the contracts version of every organisation whose dashboard or calendar may show the incident's steps:
    those that set steps, those whose contracts the steps are tied to, and the exposed organisations in its
    audience (hrdd.contracts.versions; imported here to keep the apps' imports one way)."""
    from hrdd.contracts.versions import contracts_changed

    organisations = set(extra) | {incident.organisation_id}
    organisations |= set(incident.steps.values_list("organisation_id", flat=True))
    organisations |= {o for o in incident.steps.values_list("contract__organisation_id", flat=True) if o}
    if incident.confidentiality != Confidentiality.OWNER_ONLY:
        organisations |= set(_notified_organisations(incident))
    contracts_changed(organisations)


def _step_writer(actor: User, incident: Incident) -> int:
    """The organisation a step is set for: the actor's, when the incident is in its audience and its role writes."""
    selectors.incident_get(user=actor, public_id=incident.public_id)
    organisation_id = active_organisation_id(actor)
    require_writable(actor, organisation_id)
    assert organisation_id is not None
    return organisation_id


def _step_values(values: dict[str, Any], organisation_id: int, *, partial: bool) -> dict[str, Any]:
    unknown = sorted(set(values) - {"action", "responsible", "deadline", "evidence", "contract", "position"})
    if unknown:
        raise IncidentError(_("unknown field %s") % unknown[0], field=unknown[0])
    clean: dict[str, Any] = {}
    if "action" in values or not partial:
        clean["action"] = _text(values.get("action"), "action", MAX_SHORT, required=True)
    if "responsible" in values or not partial:
        clean["responsible"] = _text(values.get("responsible"), "responsible", MAX_TITLE, required=True)
    if "deadline" in values or not partial:
        deadline = _date(values.get("deadline"), "deadline", future=True)
        if deadline is None:
            raise IncidentError(_("deadline is required"), field="deadline")
        clean["deadline"] = deadline
    if "evidence" in values:
        clean["evidence"] = _text(values["evidence"], "evidence", MAX_SHORT)
    if "position" in values and values["position"] is not None:
        clean["position"] = int(values["position"])
    if "contract" in values:
        contract = values["contract"]
        if contract is not None and contract.organisation_id != organisation_id:
            raise IncidentError(_("no such contract"), field="contract")
        clean["contract"] = contract
    return clean


@transaction.atomic
def step_add(*, actor: User, incident: Incident, **values: Any) -> RemediationStep:
    """Add a corrective-action step (what, who, deadline, evidence to deliver; optionally one of the actor's
    organisation's contracts, whose supplier then reports progress through its link)."""
    organisation_id = _step_writer(actor, incident)
    clean = _step_values(values, organisation_id, partial=False)
    clean.setdefault("position", incident.steps.count() + 1)
    step = RemediationStep.objects.create(
        incident=incident, organisation_id=organisation_id, created_by=actor, **clean
    )
    audit_record(
        actor=actor,
        organisation=step.organisation,
        action="remediation_step.create",
        target=step,
        after=step_state(step),
    )
    _plan_changed(incident, organisation_id)
    return step


def _require_step_writer(actor: User, step: RemediationStep) -> None:
    selectors.incident_get(user=actor, public_id=step.incident.public_id)
    if active_organisation_id(actor) != step.organisation_id:
        raise PermissionDenied(_("Only the organisation that set the step may change it."))
    require_writable(actor, step.organisation)


@transaction.atomic
def step_update(
    *, actor: User, step: RemediationStep, version: int | None = None, **values: Any
) -> RemediationStep:
    """Change a step's action, owner, deadline, evidence or contract (not once verified: what was checked stays
    as it was checked); a change made on another `version` than the saved one is refused (StaleEdit)."""
    _require_step_writer(actor, step)
    step = (
        RemediationStep.objects.select_for_update().select_related("incident", "organisation").get(pk=step.pk)
    )
    if step.verified_on is not None:
        raise IncidentError(_("this step is verified already; it cannot be changed"), field="step")
    claim_version(step, version, what=_("step"))
    before = step_state(step)
    for name, value in _step_values(values, step.organisation_id, partial=True).items():
        setattr(step, name, value)
    step.save()
    audit_record(
        actor=actor,
        organisation=step.organisation,
        action="remediation_step.update",
        target=step,
        before=before,
        after=step_state(step),
    )
    _plan_changed(step.incident, step.organisation_id)
    return step


@transaction.atomic
def step_delete(*, actor: User, step: RemediationStep) -> None:
    """Remove a step set by mistake (one with reported progress stays: verify or reword it instead)."""
    _require_step_writer(actor, step)
    if step.progress.exists():
        raise IncidentError(_("progress was reported on this step; it cannot be removed"), field="step")
    incident = step.incident
    audit_record(
        actor=actor,
        organisation=step.organisation,
        action="remediation_step.delete",
        target=step,
        before=step_state(step),
    )
    organisation_id = step.organisation_id
    step.delete()
    _plan_changed(incident, organisation_id)


def _progress(
    step: RemediationStep, *, text: str, upload: Any, reported_by: str, today: dt.date
) -> StepProgress:
    text = _text(text, "text", MAX_DESCRIPTION, required=True)
    accepted = _accept_document(upload, field="file") if upload is not None else None
    progress = StepProgress(step=step, text=text, reported_by=reported_by[:200])
    if accepted is not None:
        progress.file.save(accepted.name, ContentFile(accepted.content), save=False)
        progress.filename, progress.content_type, progress.size = (
            accepted.name,
            accepted.content_type,
            accepted.size,
        )
    progress.save()
    if step.first_reported_on is None:
        step.first_reported_on = today
    if step.status == RemediationStep.StepStatus.OPEN:
        step.status = RemediationStep.StepStatus.REPORTED
    step.save(update_fields=["first_reported_on", "status", "updated_at"])
    return progress


@transaction.atomic
def step_progress_report(
    *, contract: Any, step: RemediationStep, text: str, upload: Any = None
) -> StepProgress:
    """The supplier reports progress on a step through its contract link (`contract` is the one behind the
    supplier's token: hrdd.contracts.selectors.contract_get_by_token); only steps tied to that contract."""
    if step.contract_id != contract.pk:
        raise NotFound("step")
    step = RemediationStep.objects.select_for_update().select_related("incident").get(pk=step.pk)
    if step.verified_on is not None:
        raise IncidentError(_("this step is verified already"), field="step")
    progress = _progress(
        step,
        text=text,
        upload=upload,
        reported_by=f"supplier link ({contract.supplier.legal_name})",
        today=timezone.localdate(),
    )
    audit_record(
        actor=None, actor_label=f"supplier link ({contract.supplier.legal_name})", organisation=step.organisation,
        action="remediation_step.progress", target=step, after={"text": progress.text, "file": progress.filename},
    )  # fmt: skip
    _plan_changed(step.incident, step.organisation_id)
    return progress


@transaction.atomic
def step_progress_add(*, actor: User, step: RemediationStep, text: str, upload: Any = None) -> StepProgress:
    """A buyer records progress on one of its organisation's steps (e.g. evidence received by e-mail)."""
    _require_step_writer(actor, step)
    progress = _progress(step, text=text, upload=upload, reported_by=actor.email, today=timezone.localdate())
    audit_record(
        actor=actor, organisation=step.organisation, action="remediation_step.progress", target=step,
        after={"text": progress.text, "file": progress.filename},
    )  # fmt: skip
    _plan_changed(step.incident, step.organisation_id)
    return progress


@transaction.atomic
def step_verify(
    *, actor: User, step: RemediationStep, note: str = "", verified_on: Any = None
) -> RemediationStep:
    """Record that the evidence of a step was checked: by whom, on which day, with a note."""
    _require_step_writer(actor, step)
    if step.verified_on is not None:
        raise IncidentError(_("this step is verified already"), field="step")
    before = step_state(step)
    step.verified_on = _date(verified_on, "verified_on") or timezone.localdate()
    step.verified_by = actor
    step.verification_note = _text(note, "note", 5000)
    step.status = RemediationStep.StepStatus.VERIFIED
    step.save()
    audit_record(
        actor=actor,
        organisation=step.organisation,
        action="remediation_step.verify",
        target=step,
        before=before,
        after=step_state(step),
    )
    _plan_changed(step.incident, step.organisation_id)
    return step
