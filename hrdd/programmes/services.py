"""Writes of the programme area: a programme made from a template, its commitment, objectives and KPIs (targets
per year, baseline), the values entered per period with their evidence, and the public page's "join the
programme" requests. Every write is one transaction with an audit event; refused input raises ProgrammeError
naming the field; a save over a newer version raises StaleSave (nothing is written).

- `programme_create(actor=, template_key=, title=, start_year=, end_year=)`
- `programme_update(actor=, programme=, version=, ...)`, `objective_update`, `objective_add`
- `kpi_update(actor=, kpi=, version=, ...)`; `kpi_value_enter(actor=, kpi=, year=, value=, ..., seen=)`
- public page: `join_request_submit(programme=, ..., client_address=, website=)` (honeypot, per-client limit,
  an e-mail to the programme's contact on commit); `join_request_mark_handled(actor=, join_request=)`
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.audit.services import audit_record
from hrdd.core.errors import InputError, NotFound
from hrdd.core.inputs import clean_text, clean_url
from hrdd.core.links import absolute_url
from hrdd.core.models import active_organisation_id, require_owner_writable, require_writable
from hrdd.core.texts import localize
from hrdd.core.uploads import accept_upload
from hrdd.domain import programmes as rules
from hrdd.programmes.models import JoinRequest, Kpi, KpiValue, Objective, Programme

DOCUMENT_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".csv", ".txt")
MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_PROGRAMME_YEARS = 30
# The public join form: uses per client address in an hour (settings HRDD_JOIN_LIMIT may override it).
DEFAULT_JOIN_LIMIT = (5, 3600)


class ProgrammeError(InputError):
    """Input about a programme, a KPI, a value or a join request was refused; `field` names it."""


class StaleSave(ProgrammeError):
    """The record changed since the form was opened: nothing was saved."""


class JoinRateLimited(ProgrammeError):
    """Too many join requests from one client address (HTTP 429)."""


# -- helpers -----------------------------------------------------------------------------------------------------


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    return clean_text(value, field, limit, required=required, error=ProgrammeError)


def _url(value: Any, field: str) -> str:
    return clean_url(value, field, error=ProgrammeError)


def _email(value: Any, field: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if not text:
        if required:
            raise ProgrammeError(_("an e-mail address is required"), field=field)
        return ""
    try:
        EmailValidator()(text)
    except ValidationError as exc:
        raise ProgrammeError(_("%r is not an e-mail address") % text, field=field) from exc
    return text


def _rule(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a domain rule; its refusal becomes a ProgrammeError naming the same field."""
    try:
        return call(*args, **kwargs)
    except rules.KpiInputError as exc:
        raise ProgrammeError(localize(exc.text), field=exc.field) from exc


def _years(start_year: Any, end_year: Any) -> tuple[int, int]:
    start = _rule(rules.check_year, start_year, field="start_year")
    end = _rule(rules.check_year, end_year, field="end_year")
    if end < start:
        raise ProgrammeError(
            _("the target year %(end)d is before the first year %(start)d") % {"end": end, "start": start},
            field="end_year",
        )
    if end - start >= MAX_PROGRAMME_YEARS:
        raise ProgrammeError(_("a programme spans at most %d years") % MAX_PROGRAMME_YEARS, field="end_year")
    return start, end


def _require_owner_writer(actor: User, programme: Programme) -> None:
    require_owner_writable(actor, programme.organisation_id, "programme")


def _check_version(record: Any, version: Any, what: str) -> None:
    if version in (None, ""):
        return
    try:
        seen = int(version)
    except (TypeError, ValueError) as exc:
        raise ProgrammeError(_("%r is not a version") % version, field="version") from exc
    if seen != record.version:
        raise StaleSave(
            _(
                "Someone else changed this %(what)s after you opened it, so nothing was saved. The form shows "
                "their version now, with your typing kept: check it and save again."
            )
            % {"what": what}
        )


def programme_state(programme: Programme) -> dict[str, Any]:
    return {
        "title": programme.title,
        "template": f"{programme.template_key} {programme.template_version}".strip(),
        "commitment": programme.commitment,
        "start_year": programme.start_year,
        "end_year": programme.end_year,
        "is_public": programme.is_public,
        "join_contact_email": programme.join_contact_email,
        "join_invitation": programme.join_invitation,
    }


def kpi_state(kpi: Kpi) -> dict[str, Any]:
    return {
        "key": kpi.key,
        "name": kpi.name,
        "description": kpi.description,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "computation": kpi.computation,
        "objective": kpi.objective.key if kpi.objective_id and kpi.objective else None,
        "baseline_value": None if kpi.baseline_value is None else str(kpi.baseline_value),
        "baseline_year": kpi.baseline_year,
        "targets": dict(kpi.targets),
    }


def value_state(value: KpiValue) -> dict[str, Any]:
    return {
        "kpi": value.kpi.key,
        "period_start": value.period_start.isoformat(),
        "period_end": value.period_end.isoformat(),
        "value": str(value.value),
        "numerator": value.numerator,
        "denominator": value.denominator,
        "evidence_url": value.evidence_url,
        "evidence_page": value.evidence_page,
        "evidence_note": value.evidence_note,
        "document": value.document_name,
    }


# -- programmes --------------------------------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *, actor: User, template_key: str, title: str = "", start_year: Any, end_year: Any
) -> Programme:
    """Make a programme in the actor's organisation from a shipped template: its commitment, objectives and KPIs
    (baselines and targets as the template gives them, usually none)."""
    organisation_id = active_organisation_id(actor)
    if organisation_id is None:
        raise PermissionDenied(_("You work in no organisation."))
    require_writable(actor, organisation_id)
    try:
        template = rules.get_programme_template(str(template_key or ""))
    except rules.ProgrammeTemplateError as exc:
        raise ProgrammeError(str(exc), field="template_key") from exc
    start, end = _years(start_year, end_year)
    programme = Programme.objects.create(
        organisation_id=organisation_id,
        created_by=actor,
        title=_text(title, "title", MAX_TITLE) or template.title,
        template_key=template.key,
        template_version=template.version,
        commitment=template.commitment.strip(),
        start_year=start,
        end_year=end,
    )
    objectives = {}
    for position, item in enumerate(template.objectives):
        objectives[item.key] = Objective.objects.create(
            programme=programme,
            key=item.key,
            position=position,
            text=item.text,
            target_year=item.target_year or end,
        )
    for position, spec in enumerate(template.kpis):
        Kpi.objects.create(
            programme=programme,
            objective=objectives.get(spec.objective or ""),
            key=spec.key,
            position=position,
            name=spec.name,
            description=spec.description.strip(),
            unit=spec.unit,
            direction=spec.direction,
            computation=spec.computation or "",
            baseline_value=spec.baseline,
            baseline_year=spec.baseline_year,
            targets={str(y): str(v) for y, v in spec.targets.items()},
        )
    audit_record(
        actor=actor,
        organisation=programme.organisation,
        action="programme.create",
        target=programme,
        after=programme_state(programme) | {"kpis": [k.key for k in template.kpis]},
    )
    return programme


@transaction.atomic
def programme_update(
    *,
    actor: User,
    programme: Programme,
    version: Any = None,
    title: Any,
    commitment: Any = "",
    start_year: Any,
    end_year: Any,
    is_public: bool = False,
    join_contact_email: Any = "",
    join_invitation: Any = "",
) -> Programme:
    """Change a programme's title, commitment, years and public page."""
    _require_owner_writer(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _check_version(programme, version, _("programme"))
    before = programme_state(programme)
    programme.title = _text(title, "title", MAX_TITLE, required=True)
    programme.commitment = _text(commitment, "commitment", MAX_TEXT)
    programme.start_year, programme.end_year = _years(start_year, end_year)
    programme.is_public = bool(is_public)
    programme.join_contact_email = _email(join_contact_email, "join_contact_email")
    programme.join_invitation = _text(join_invitation, "join_invitation", MAX_TEXT)
    programme.version += 1
    programme.save()
    audit_record(
        actor=actor,
        organisation=programme.organisation,
        action="programme.update",
        target=programme,
        before=before,
        after=programme_state(programme),
    )
    return programme


@transaction.atomic
def objective_update(*, actor: User, objective: Objective, text: Any, target_year: Any) -> Objective:
    """Reword an objective or move its target year."""
    programme = objective.programme
    _require_owner_writer(actor, programme)
    before = {"text": objective.text, "target_year": objective.target_year}
    objective.text = _text(text, "text", 500, required=True)
    objective.target_year = _rule(rules.check_year, target_year, field="target_year")
    objective.save()
    Programme.objects.filter(pk=programme.pk).update(version=programme.version + 1)
    audit_record(
        actor=actor,
        organisation=programme.organisation,
        action="programme.objective_update",
        target=objective,
        before=before,
        after={"text": objective.text, "target_year": objective.target_year},
    )
    return objective


@transaction.atomic
def objective_add(*, actor: User, programme: Programme, text: Any, target_year: Any) -> Objective:
    """Add an objective to a programme."""
    _require_owner_writer(actor, programme)
    text = _text(text, "text", 500, required=True)
    year = _rule(rules.check_year, target_year or programme.end_year, field="target_year")
    base = slugify(text)[:50] or "objective"
    key, n = base, 1
    taken = set(programme.objectives.values_list("key", flat=True))
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    objective = Objective.objects.create(
        programme=programme, key=key, position=len(taken), text=text, target_year=year
    )
    audit_record(
        actor=actor,
        organisation=programme.organisation,
        action="programme.objective_add",
        target=objective,
        after={"key": key, "text": text, "target_year": year},
    )
    return objective


# -- KPIs --------------------------------------------------------------------------------------------------------


@transaction.atomic
def kpi_update(
    *,
    actor: User,
    kpi: Kpi,
    version: Any = None,
    name: Any,
    description: Any = "",
    direction: Any,
    baseline_value: Any = None,
    baseline_year: Any = None,
    targets: dict[Any, Any] | None = None,
    objective: Objective | None = None,
) -> Kpi:
    """Change a KPI's name, direction, baseline and targets per year (its unit and computation stay the
    template's: values already entered keep their meaning)."""
    programme = kpi.programme
    _require_owner_writer(actor, programme)
    kpi = Kpi.objects.select_for_update(of=("self",)).select_related("objective").get(pk=kpi.pk)
    _check_version(kpi, version, _("KPI"))
    if objective is not None and objective.programme_id != programme.pk:
        raise ProgrammeError(_("no such objective in this programme"), field="objective")
    spec = _rule(
        rules.spec_from_values,
        unit=kpi.unit,
        direction=str(direction or ""),
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        targets=targets or {},
    )
    outside = [y for y, _v in spec.targets if not programme.start_year <= y <= programme.end_year]
    if outside:
        raise ProgrammeError(
            _("%(year)d is outside the programme's years %(start)d-%(end)d")
            % {"year": outside[0], "start": programme.start_year, "end": programme.end_year},
            field=f"target_{outside[0]}",
        )
    before = kpi_state(kpi)
    kpi.name = _text(name, "name", 300, required=True)
    kpi.description = _text(description, "description", MAX_TEXT)
    kpi.direction = spec.direction
    kpi.baseline_value = spec.baseline_value
    kpi.baseline_year = spec.baseline_year
    kpi.targets = {str(y): str(v) for y, v in spec.targets}
    kpi.objective = objective
    kpi.version += 1
    kpi.save()
    audit_record(
        actor=actor,
        organisation=programme.organisation,
        action="programme.kpi_update",
        target=kpi,
        before=before,
        after=kpi_state(kpi),
    )
    return kpi


def _value_from_share(value: Decimal | None, numerator: Any, denominator: Any, unit: str) -> Decimal:
    num = None if numerator in (None, "") else _whole(numerator, "numerator")
    den = None if denominator in (None, "") else _whole(denominator, "denominator")
    if (num is None) != (den is None):
        raise ProgrammeError(
            _("give both how many were counted and out of how many, or neither"),
            field="denominator" if den is None else "numerator",
        )
    if num is not None and den is not None:
        if unit != rules.PERCENT:
            raise ProgrammeError(_("a count has no 'out of'; leave it empty"), field="denominator")
        if den == 0 or num > den:
            raise ProgrammeError(
                _("%(n)d out of %(d)d is not a share") % {"n": num, "d": den}, field="denominator"
            )
        share = (Decimal(100) * num / den).quantize(Decimal("0.01"))
        if value is None:
            return share
        if abs(value - share) >= Decimal("0.5"):
            raise ProgrammeError(
                _("%(value)s%% does not match %(n)d of %(d)d (%(share)s%%)")
                % {"value": value, "n": num, "d": den, "share": share},
                field="value",
            )
    if value is None:
        raise ProgrammeError(_("a value is required"), field="value")
    return value


def _whole(value: Any, field: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ProgrammeError(_("%r is not a whole number") % value, field=field) from exc
    if number < 0:
        raise ProgrammeError(_("%d is below zero") % number, field=field)
    return number


@transaction.atomic
def kpi_value_enter(
    *,
    actor: User,
    kpi: Kpi,
    year: Any,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    evidence_url: Any = "",
    evidence_page: Any = "",
    evidence_note: Any = "",
    document: Any = None,
    seen: Any = "",
    today: dt.date | None = None,
) -> KpiValue:
    """Enter (or correct) an entered KPI's value for a calendar year of the programme, with its evidence: a
    document, a link, a page or a note (at least one). Correcting a value someone else changed since the form was
    opened (`seen`: the stored value's entered_at, '' for a new one) is refused."""
    programme = kpi.programme
    _require_owner_writer(actor, programme)
    if kpi.is_computed:
        raise ProgrammeError(
            _("this KPI is computed from records: its values are not entered"), field="value"
        )
    today = today or timezone.localdate()
    year_number = _rule(rules.check_year, year, field="year")
    if not programme.start_year <= year_number <= programme.end_year:
        raise ProgrammeError(
            _("%(year)d is outside the programme's years %(start)d-%(end)d")
            % {"year": year_number, "start": programme.start_year, "end": programme.end_year},
            field="year",
        )
    if year_number > today.year:
        raise ProgrammeError(
            _("%d has not begun: a value is entered once the year has begun") % year_number, field="year"
        )
    number = _rule(rules.parse_decimal, value, field="value")
    number = _value_from_share(number, numerator, denominator, kpi.unit)
    number = _rule(rules.check_value, kpi.unit, number, field="value")
    url = _url(evidence_url, "evidence_url")
    page = _text(evidence_page, "evidence_page", 100)
    note = _text(evidence_note, "evidence_note", MAX_TEXT)
    accepted = accept_upload(document, allowed=DOCUMENT_EXTENSIONS, field="document") if document else None
    start, end = dt.date(year_number, 1, 1), dt.date(year_number, 12, 31)
    stored = KpiValue.objects.select_for_update().filter(kpi=kpi, period_end=end).first()
    if stored is not None and str(seen or "") != stored.entered_at.isoformat():
        raise StaleSave(
            _(
                "A value for %(year)d was entered by someone else after you opened the form (%(value)s), so nothing "
                "was saved. Check it and send yours again to replace it."
            )
            % {"year": year_number, "value": rules.format_kpi_value(stored.value, kpi.unit)}
        )
    has_document = accepted is not None or bool(stored and stored.document_name)
    if not (url or page or note or has_document):
        raise ProgrammeError(
            _("give the evidence: a document, a link, a page or a note saying where the figure comes from"),
            field="evidence_url",
        )
    before = value_state(stored) if stored is not None else None
    record = stored or KpiValue(kpi=kpi, period_start=start, period_end=end)
    record.value = number
    record.numerator = None if numerator in (None, "") else int(numerator)
    record.denominator = None if denominator in (None, "") else int(denominator)
    record.evidence_url, record.evidence_page, record.evidence_note = url, page, note
    record.entered_by = actor
    if stored is not None:
        record.entered_at = timezone.now()
    if accepted is not None:
        record.document.save(accepted.name, ContentFile(accepted.content), save=False)
        record.document_name = accepted.name
        record.document_type = accepted.content_type
        record.document_size = accepted.size
    record.save()
    audit_record(
        actor=actor,
        organisation=programme.organisation,
        action="programme.kpi_value_update" if before else "programme.kpi_value_enter",
        target=record,
        before=before,
        after=value_state(record),
    )
    return record


# -- the public page's join requests -----------------------------------------------------------------------------


def _join_limit() -> tuple[int, int]:
    return tuple(getattr(settings, "HRDD_JOIN_LIMIT", DEFAULT_JOIN_LIMIT))  # type: ignore[return-value]


def check_join_limit(client_address: str) -> None:
    """Refuse (JoinRateLimited) a join request over the per-client limit, and count this one. The count lives in
    the cache (shared by the server processes when the installation configures a shared cache); the address is
    kept only as the keyed hash hrdd.incidents uses for its own intake."""
    from hrdd.incidents.services import client_key

    uses, seconds = _join_limit()
    key = f"hrdd.programmes.join:{client_key(client_address)}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=seconds)
        count = 1
    if count > uses:
        raise JoinRateLimited(_("Too many messages from your connection. Please try again in an hour."))


def _notify_join(join_request: JoinRequest) -> None:
    programme = join_request.programme
    if not programme.join_contact_email:
        return
    body = _(
        "%(org)s wrote through the public page of %(programme)s:\n\n"
        "Name: %(name)s\nE-mail: %(email)s\n\n%(message)s\n\nAll requests: %(url)s\n"
    ) % {
        "org": join_request.organisation_name,
        "programme": programme.title,
        "name": join_request.contact_name,
        "email": join_request.email,
        "message": join_request.message,
        "url": absolute_url(programme.get_absolute_url() + "#join-requests"),
    }
    send_mail(
        _("Request to join %s") % programme.title,
        body,
        None,
        [programme.join_contact_email],
        fail_silently=True,
    )


def join_request_submit(
    *,
    programme: Programme,
    organisation_name: Any,
    contact_name: Any,
    email: Any,
    message: Any = "",
    client_address: str,
    website: Any = "",
) -> JoinRequest:
    """Record a business partner's request to join a public programme (no account). A filled hidden field is
    refused as a robot's; the client address is limited to a few messages an hour (counted even when refused)."""
    from hrdd.incidents.services import check_honeypot

    if not programme.is_public:
        raise NotFound("programme")
    check_join_limit(client_address)
    try:
        check_honeypot(website)
    except InputError as exc:
        raise ProgrammeError(str(exc), field="website") from exc
    clean = {
        "organisation_name": _text(organisation_name, "organisation_name", 200, required=True),
        "contact_name": _text(contact_name, "contact_name", 200, required=True),
        "email": _email(email, "email", required=True),
        "message": _text(message, "message", 4000),
    }
    with transaction.atomic():
        join_request = JoinRequest.objects.create(programme=programme, **clean)
        audit_record(
            actor=None,
            actor_label="public join form",
            organisation=programme.organisation,
            action="programme.join_request",
            target=join_request,
            after={"organisation_name": clean["organisation_name"]},
        )
        transaction.on_commit(lambda: _notify_join(join_request))
    return join_request


@transaction.atomic
def join_request_mark_handled(*, actor: User, join_request: JoinRequest, handled: bool = True) -> JoinRequest:
    """Mark a join request handled (or not handled again)."""
    programme = join_request.programme
    _require_owner_writer(actor, programme)
    before = {"handled_at": join_request.handled_at.isoformat() if join_request.handled_at else None}
    join_request.handled_at = timezone.now() if handled else None
    join_request.save(update_fields=["handled_at"])
    audit_record(
        actor=actor,
        organisation=programme.organisation,
        action="programme.join_request_handled" if handled else "programme.join_request_reopened",
        target=join_request,
        before=before,
        after={"handled_at": join_request.handled_at.isoformat() if join_request.handled_at else None},
    )
    return join_request
