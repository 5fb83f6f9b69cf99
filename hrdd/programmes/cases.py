"""Child-labour cases in artisanal and small-scale mining (ASM) and their remediation (issue 14): writes
(audited), reads, aggregates, the export, and the computed KPI "# children and youth taken out of the worst
forms of child labour and supported".

Confidentiality, the strictest in hrdd:
- only the owner organisation's administrators and responsible-sourcing managers (`may_see_cases`) see case
  records at all (list, page, export, API) and write them; the owner's other roles see counts only
  (`case_aggregates`), each breakdown cell below the YAML's threshold shown as "fewer than N"; other
  organisations see nothing of them (their own cases, if any, only);
- `ChildLabourCase.identity_notes` is shown only on the case page to those two roles. It is never in an export,
  an API answer, an audit event (which records only that it changed), an e-mail, an aggregate or a KPI record;
  follow-up notes stay on the case page too (an export and the audit log say only that a follow-up was made).

For other areas:
- `may_see_cases(user) -> bool`: whether the user may see case records (programme pages, the KPI page);
- `case_aggregates(organisation_id, until=...)`: counts by status, country and partner with small cells hidden;
- `CHILDREN_SUPPORTED`: the computation registered in hrdd.programmes.kpis. Its `records()` lists case
  references and links only (never identity), for the KPI page, which must show them only when
  `may_see_cases(user)` (`children_supported_records_for(user, ...)` does that check and returns [] otherwise).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import Role, User
from hrdd.audit.services import audit_record
from hrdd.core.errors import InputError, NotFound
from hrdd.core.ids import public_uuid
from hrdd.core.inputs import clean_choice, clean_date, clean_text
from hrdd.core.models import active_organisation_id
from hrdd.core.spreadsheets import append_row, new_workbook, workbook_bytes
from hrdd.core.texts import localize
from hrdd.domain import certifications as rules
from hrdd.domain.countries import country_name, to_iso3
from hrdd.programmes.kpis import Computation, Computed, CountedRecord
from hrdd.programmes.models import CaseFollowUp, ChildLabourCase

CASE_ROLES = frozenset({Role.ADMIN, Role.SOURCING_MANAGER})
COUNTED_STATUSES = (ChildLabourCase.Status.SUPPORTED, ChildLabourCase.Status.CLOSED)
MAX_REFERENCE = 40
MAX_PARTNER = 200
MAX_NOTES = 5000


class CaseError(InputError):
    """Input about a case was refused; `field` names it."""


class StaleCase(CaseError):
    """The case was saved by someone else since the form was opened."""


def may_see_cases(user: Any) -> bool:
    """Whether the user may see child-labour case records of the organisation they work in now: its
    administrators and responsible-sourcing managers only (everyone else sees counts)."""
    organisation_id = active_organisation_id(user)
    return organisation_id is not None and user.role_in(organisation_id) in CASE_ROLES


def _require_case_role(user: Any) -> int:
    if not may_see_cases(user):
        raise PermissionDenied(
            _("Only administrators and responsible-sourcing managers see and record child-labour cases.")
        )
    return active_organisation_id(user)  # type: ignore[return-value]


def support_choices() -> list[tuple[str, str]]:
    """The kinds of support a case may record, in the reader's language."""
    return [(s.key, localize(s.label)) for s in rules.get_schemes().remediation.support]


def smallest_count_shown() -> int:
    return rules.get_schemes().remediation.smallest_count_shown


# -- helpers -----------------------------------------------------------------------------------------------------


def case_state(case: ChildLabourCase) -> dict[str, Any]:
    """What the audit log keeps of a case: never `identity_notes`, never follow-up notes."""
    return {
        "reference": case.reference,
        "site": str(case.site.public_id) if case.site_id else None,
        "company": str(case.company.public_id) if case.company_id else None,
        "country_iso3": case.country_iso3,
        "age_band": case.age_band,
        "identified_on": case.identified_on.isoformat() if case.identified_on else None,
        "remediation_partner": case.remediation_partner,
        "support": list(case.support),
        "status": case.status,
        "supported_on": case.supported_on.isoformat() if case.supported_on else None,
        "next_follow_up": case.next_follow_up.isoformat() if case.next_follow_up else None,
    }


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    return clean_text(value, field, limit, required=required, error=CaseError)


def _date(value: Any, field: str, *, future: bool = False) -> dt.date | None:
    return clean_date(value, field, future=future, error=CaseError)


def _choice(value: Any, field: str, choices: Sequence[tuple[str, Any]]) -> str:
    return clean_choice(value, field, choices, error=CaseError)


def _support(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    keys = [value] if isinstance(value, str) else list(value)
    known = dict(support_choices())
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise CaseError(
            _("unknown support %(key)r; known: %(known)s") % {"key": unknown[0], "known": ", ".join(known)},
            field="support",
        )
    return [k for k in known if k in keys]  # the YAML's order, each once


FIELDS = (
    "reference", "site", "company", "country", "age_band", "identified_on", "remediation_partner", "support",
    "status", "supported_on", "next_follow_up", "identity_notes",
)  # fmt: skip


def _apply(case: ChildLabourCase, values: dict[str, Any], organisation_id: int) -> None:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise CaseError(_("unknown field %s") % unknown[0], field=unknown[0])
    if "reference" in values:
        case.reference = _text(values["reference"], "reference", MAX_REFERENCE, required=True)
    if "site" in values or "company" in values:
        site, company = values.get("site"), values.get("company")
        if site is not None and company is not None:
            raise CaseError(_("a case is at one site or with one company, not both"), field="site")
        if company is not None and company.organisation_id != organisation_id:
            raise CaseError(_("no such company"), field="company")
        if site is not None:
            site = site if site.is_listed else (site.merged_into or site)
            if site.site_type not in ("", "mine"):
                raise CaseError(
                    _("a child-labour case is at a mine; %(site)s is a %(type)s site")
                    % {"site": site.name, "type": site.get_site_type_display().lower()},
                    field="site",
                )
        case.site, case.company = site, company
    if "country" in values:
        text = str(values["country"] or "").strip()
        if text:
            found = to_iso3(text)
            if not found:
                raise CaseError(_("unknown country %r: give its name or ISO code") % text, field="country")
            case.country_iso3 = found
    if case.site_id and case.site and case.site.country_iso3:
        case.country_iso3 = case.site.country_iso3
    if not case.country_iso3:
        raise CaseError(_("country is required (or choose the site)"), field="country")
    if "age_band" in values:
        case.age_band = _choice(values["age_band"], "age_band", ChildLabourCase.AgeBand.choices)
    if "identified_on" in values:
        identified = _date(values["identified_on"], "identified_on")
        if identified is None:
            raise CaseError(_("identified on is required"), field="identified_on")
        case.identified_on = identified
    if "remediation_partner" in values:
        case.remediation_partner = _text(
            values["remediation_partner"], "remediation_partner", MAX_PARTNER, required=True
        )
    if "support" in values:
        case.support = _support(values["support"])
    if "status" in values:
        case.status = _choice(values["status"], "status", ChildLabourCase.Status.choices)
    if "supported_on" in values:
        case.supported_on = _date(values["supported_on"], "supported_on")
    if "next_follow_up" in values:
        case.next_follow_up = _date(values["next_follow_up"], "next_follow_up", future=True)
    if "identity_notes" in values:
        case.identity_notes = _text(values["identity_notes"], "identity_notes", MAX_NOTES)
    if not case.age_band:
        raise CaseError(_("age is required"), field="age_band")
    if case.status in COUNTED_STATUSES and case.supported_on is None:
        raise CaseError(
            _("give the date from which the child was out of child labour and supported"),
            field="supported_on",
        )
    if case.supported_on and case.identified_on and case.supported_on < case.identified_on:
        raise CaseError(
            _("supported since comes before the day the case was identified"), field="supported_on"
        )


def _expect_version(case: ChildLabourCase, version: int | None) -> None:
    if version is not None and int(version) != case.version:
        raise StaleCase(
            _(
                "Someone else saved this case after you opened it, so nothing was saved. The form shows your "
                "typing; the saved case is on its page: check it and save again."
            ),
        )


def _save(case: ChildLabourCase) -> None:
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise CaseError(_("another case has the reference %s") % case.reference, field="reference") from exc


# -- writes ------------------------------------------------------------------------------------------------------


@transaction.atomic
def case_create(*, actor: User, reference: str, **values: Any) -> ChildLabourCase:
    """Record a child-labour case (administrators and responsible-sourcing managers of the actor's
    organisation). The audit event says whether identity notes were recorded, never what they say."""
    organisation_id = _require_case_role(actor)
    case = ChildLabourCase(
        organisation_id=organisation_id, created_by=actor, age_band="", status="identified"
    )
    values.setdefault("site", None)
    values.setdefault("company", None)
    _apply(case, {"reference": reference, **values}, organisation_id)
    _save(case)
    audit_record(
        actor=actor,
        organisation=case.organisation,
        action="child_labour_case.create",
        target=case,
        after={**case_state(case), "identity_notes": "recorded" if case.identity_notes else "none"},
    )
    return case


@transaction.atomic
def case_update(*, actor: User, case: ChildLabourCase, version: int | None, **values: Any) -> ChildLabourCase:
    """Change a case; `version` is the one the form was opened on (StaleCase when someone saved since)."""
    organisation_id = _require_case_role(actor)
    if case.organisation_id != organisation_id:
        raise NotFound("child-labour case")
    case = (
        ChildLabourCase.objects.select_related("site", "company")
        .select_for_update(of=("self",))
        .get(pk=case.pk)
    )
    _expect_version(case, version)
    before = case_state(case)
    identity_before = case.identity_notes
    _apply(case, values, organisation_id)
    case.version += 1
    _save(case)
    after = case_state(case)
    if case.identity_notes != identity_before:
        after["identity_notes"] = "changed"  # that it changed, never what it says
    audit_record(
        actor=actor,
        organisation=case.organisation,
        action="child_labour_case.update",
        target=case,
        before=before,
        after=after,
    )
    return case


@transaction.atomic
def case_follow_up_add(
    *,
    actor: User,
    case: ChildLabourCase,
    on: dt.date | str,
    note: str,
    next_follow_up: dt.date | str | None = None,
) -> CaseFollowUp:
    """Add a follow-up visit's note to a case and, when given, set the next follow-up date. The audit event
    records the date, never the note."""
    organisation_id = _require_case_role(actor)
    if case.organisation_id != organisation_id:
        raise NotFound("child-labour case")
    case = ChildLabourCase.objects.select_for_update().get(pk=case.pk)
    day = _date(on, "on")
    if day is None:
        raise CaseError(_("the date of the follow-up is required"), field="on")
    text = _text(note, "note", MAX_NOTES, required=True)
    follow_up = CaseFollowUp.objects.create(case=case, on=day, note=text, by=actor)
    before_next = case.next_follow_up
    following = _date(next_follow_up, "next_follow_up", future=True)
    if following is not None:
        case.next_follow_up = following
        case.version += 1
        case.save(update_fields=["next_follow_up", "version", "updated_at"])
    audit_record(
        actor=actor,
        organisation=case.organisation,
        action="child_labour_case.follow_up",
        target=case,
        before={"next_follow_up": before_next.isoformat() if before_next else None},
        after={
            "follow_up_on": day.isoformat(),
            "next_follow_up": case.next_follow_up.isoformat() if case.next_follow_up else None,
        },
    )
    return follow_up


# -- reads -------------------------------------------------------------------------------------------------------


def case_list(
    *, user: User, status: str = "", country: str = "", partner: str = "", overdue: bool = False
) -> QuerySet[ChildLabourCase]:
    """The cases of the user's organisation (PermissionDenied for roles that see counts only)."""
    organisation_id = _require_case_role(user)
    found = (
        ChildLabourCase.objects.filter(organisation_id=organisation_id)
        .select_related("site", "company")
        .annotate(follow_up_count=Count("follow_ups"), last_follow_up=Max("follow_ups__on"))
    )
    if status:
        found = found.filter(status=status)
    if country:
        found = found.filter(country_iso3=country)
    if partner:
        found = found.filter(remediation_partner=partner)
    if overdue:
        found = found.filter(overdue_q(timezone.localdate()))
    return found


def case_get(*, user: User, public_id: Any) -> ChildLabourCase:
    """One case of the user's organisation, for its administrators and responsible-sourcing managers; NotFound
    for everyone else (no hint that it exists)."""
    found = public_uuid(public_id)
    if found is None or not may_see_cases(user):
        raise NotFound("child-labour case")
    return ChildLabourCase.objects.select_related("site", "company").get_visible(user, public_id=found)


def case_follow_ups(case: ChildLabourCase) -> list[CaseFollowUp]:
    return list(case.follow_ups.select_related("by"))


def is_overdue(case: ChildLabourCase, today: dt.date | None = None) -> bool:
    """Whether an open case's next follow-up date has passed."""
    today = today or timezone.localdate()
    open_case = case.status not in (ChildLabourCase.Status.CLOSED, ChildLabourCase.Status.LOST)
    return open_case and case.next_follow_up is not None and case.next_follow_up < today


def case_filter_choices(organisation_id: int) -> dict[str, list[tuple[str, str]]]:
    """The countries and partners of the organisation's cases (two queries), for the list's filters."""
    cases = ChildLabourCase.objects.filter(organisation_id=organisation_id)
    countries = sorted(set(cases.values_list("country_iso3", flat=True)))
    partners = sorted(set(cases.values_list("remediation_partner", flat=True)))
    return {
        "countries": [(c, country_name(c) or c) for c in countries],
        "partners": [(p, p) for p in partners],
    }


def overdue_q(today: dt.date) -> Q:
    return Q(next_follow_up__lt=today) & ~Q(
        status__in=[ChildLabourCase.Status.CLOSED, ChildLabourCase.Status.LOST]
    )


# -- aggregates (every role of the owner) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    title: str
    cells: tuple[tuple[str, rules.Cell], ...]  # (label, cell)


@dataclass(frozen=True)
class CaseAggregates:
    """Counts of an organisation's cases, no record and no identity: each breakdown cell below `smallest` is
    hidden (shown as "fewer than N")."""

    total: int
    supported: int  # counted by the KPI on `until`
    smallest: int
    until: dt.date
    breakdowns: tuple[Breakdown, ...]

    @property
    def total_shown(self) -> int | None:
        """The total for a page: None (shown as "fewer than N") from 1 to `smallest` - 1, since with one country
        or partner the breakdown would otherwise be read off the total."""
        return _shown(self.total, self.smallest)

    @property
    def supported_shown(self) -> int | None:
        return _shown(self.supported, self.smallest)


def _shown(count: int, smallest: int) -> int | None:
    return count if count == 0 or count >= smallest else None


def case_aggregates(organisation_id: int, *, until: dt.date | None = None) -> CaseAggregates:
    """Counts of the organisation's cases identified on or before `until` (today when not given): the total, the
    children counted as supported, and breakdowns by status, country and remediation partner with small cells
    hidden (one query)."""
    until = until or timezone.localdate()
    smallest = smallest_count_shown()
    rows = list(
        ChildLabourCase.objects.filter(organisation_id=organisation_id, identified_on__lte=until).values_list(
            "status", "country_iso3", "remediation_partner", "supported_on"
        )
    )
    statuses = Counter(r[0] for r in rows)
    countries = Counter(r[1] for r in rows)
    partners = Counter(r[2] for r in rows)
    status_labels = dict(ChildLabourCase.Status.choices)
    supported = sum(1 for s, _c, _p, on in rows if s in COUNTED_STATUSES and on is not None and on <= until)

    def breakdown(title: str, counts: Counter[str], label: Any) -> Breakdown:
        cells = rules.suppress_small_cells(counts, smallest=smallest)
        return Breakdown(title, tuple((label(c.key), c) for c in cells))

    return CaseAggregates(
        total=len(rows),
        supported=supported,
        smallest=smallest,
        until=until,
        breakdowns=(
            breakdown(_("By status"), statuses, lambda k: str(status_labels.get(k, k))),
            breakdown(_("By country"), countries, lambda k: country_name(k) or k),
            breakdown(_("By remediation partner"), partners, lambda k: k),
        ),
    )


# -- the export (no identity) ------------------------------------------------------------------------------------

EXPORT_HEADER = (
    "reference", "status", "age band", "country", "site", "company", "identified on", "remediation partner",
    "support", "supported since", "next follow-up", "follow-ups", "last follow-up",
)  # fmt: skip


def _export_rows(cases: QuerySet[ChildLabourCase]) -> list[list[Any]]:
    labels = rules.get_schemes()
    status_labels = dict(ChildLabourCase.Status.choices)
    age_labels = dict(ChildLabourCase.AgeBand.choices)
    rows = []
    for case in cases.order_by("reference", "id"):
        rows.append(
            [
                case.reference,
                str(status_labels.get(case.status, case.status)),
                str(age_labels.get(case.age_band, case.age_band)),
                country_name(case.country_iso3) or case.country_iso3,
                case.site.name if case.site_id else "",
                case.company.legal_name if case.company_id else "",
                case.identified_on,
                case.remediation_partner,
                "; ".join(localize(labels.support_label(k)) for k in case.support),
                case.supported_on,
                case.next_follow_up,
                getattr(case, "follow_up_count", 0),
                getattr(case, "last_follow_up", None),
            ]
        )
    return rows


def case_export_xlsx(*, user: User) -> bytes:
    """The organisation's cases as a workbook, without identity notes or follow-up notes (case roles only)."""
    cases = case_list(user=user)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "Cases"
    append_row(sheet, EXPORT_HEADER, bold=True)
    for row in _export_rows(cases):
        append_row(sheet, row)
    notes = workbook.create_sheet("About")
    append_row(
        notes,
        [
            "Child-labour cases, by reference. No identity notes and no follow-up notes: they stay on each case's "
            "page in hrdd. Keep this file where only people allowed to see the cases can read it."
        ],
    )
    return workbook_bytes(workbook)


def case_export_csv(*, user: User) -> str:
    """The organisation's cases as CSV (UTF-8), without identity notes or follow-up notes (case roles only)."""
    cases = case_list(user=user)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    for row in _export_rows(cases):
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in row])
    return buffer.getvalue()


# -- the computed KPI: children supported ------------------------------------------------------------------------


def _supported_method() -> str:
    return _(
        "Children and young people with a case whose status is “out of child labour and supported” or “support "
        "completed” and whose “supported since” date is on or before the period's end: cumulative, each child "
        "once. A completed support still counts (the child was taken out and supported); identified, referred "
        "and lost-to-follow-up cases do not."
    )


def _supported_cases(organisation_id: int, end: dt.date) -> list[tuple[str, str, bool, str]]:
    """(reference, url, counted, reason) of every case identified by the period's end (one query)."""
    status_labels = dict(ChildLabourCase.Status.choices)
    found = []
    for case in ChildLabourCase.objects.filter(
        organisation_id=organisation_id, identified_on__lte=end
    ).order_by("reference", "id"):
        label = str(status_labels.get(case.status, case.status))
        if case.status not in COUNTED_STATUSES:
            found.append((case.reference, case.get_absolute_url(), False, _("status: %s") % label))
        elif case.supported_on is None or case.supported_on > end:
            when = case.supported_on.isoformat() if case.supported_on else _("no date")
            found.append(
                (
                    case.reference,
                    case.get_absolute_url(),
                    False,
                    _("supported since %s, after the period") % when,
                )
            )
        else:
            found.append(
                (
                    case.reference,
                    case.get_absolute_url(),
                    True,
                    _("%(status)s, supported since %(date)s") % {"status": label, "date": case.supported_on},
                )
            )
    return found


def children_supported_compute(organisation_id: int, start: dt.date, end: dt.date) -> Computed:
    counted = ChildLabourCase.objects.filter(
        organisation_id=organisation_id, status__in=COUNTED_STATUSES, supported_on__lte=end
    ).count()
    return Computed(value=Decimal(counted), numerator=counted, denominator=None, method=_supported_method())


def children_supported_records(organisation_id: int, start: dt.date, end: dt.date) -> list[CountedRecord]:
    """Every case identified by the period's end, by reference and link only (never identity). The KPI page must
    show these only to `may_see_cases(user)`; see `children_supported_records_for`."""
    return [
        CountedRecord(label=reference, url=url, counted=counted, detail=reason)
        for reference, url, counted, reason in _supported_cases(organisation_id, end)
    ]


def children_supported_records_for(
    user: Any, organisation_id: int, start: dt.date, end: dt.date
) -> list[CountedRecord]:
    """The KPI's records for a user: the references for the owner's administrators and responsible-sourcing
    managers, nothing for anyone else (they see the count)."""
    if not may_see_cases(user) or active_organisation_id(user) != organisation_id:
        return []
    return children_supported_records(organisation_id, start, end)


CHILDREN_SUPPORTED = Computation(
    key="children_supported",
    title="# children and youth taken out of the worst forms of child labour and supported",
    unit="count",
    compute=children_supported_compute,
    records=children_supported_records,
    cumulative=True,  # every child supported since the programme began, not only those of the period
)
