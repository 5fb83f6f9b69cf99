"""Certifications, assurance schemes, memberships and ratings (issue 14): the rules an auditor asks about, free of
Django. The schemes are data (hrdd/frameworks/schemes.yaml); this module reads them and answers:

- `check_record`: whether a record's status, level, score and dates fit its scheme and its holder (a company or
  a registry site); a refusal names the field.
- `validity_on`: whether a record is valid on a day: valid, expiring within the YAML's days, expired, not valid
  yet, or without an end date; with the reason in words.
- `record_warnings`: what a reader should be told about a record (lapsed, lapsing, an end date missing where
  the scheme expects one, a status that no longer assures anything, the manual's caution about ratings).
- `counts_toward`: whether a record counts toward a group of schemes (e.g. "Copper Mark or equivalent") on a day,
  and why or why not.
- `reminder_due`: which expiry reminder (a threshold before the end, or "expired") is due on a day.
- `suppress_small_cells`: counts for people who may not see the records they come from (child-labour cases):
  a cell below the threshold is hidden, and a second one when one hidden cell alone could be worked out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hrdd.domain.texts import Text, gettext_noop
from hrdd.domain.yamltext import load_yaml

COMPANY = "company"
SITE = "site"
HOLDERS = (COMPANY, SITE)
Need = Literal["required", "optional", "none"]


class SchemesError(ValueError):
    """The schemes file is unreadable or breaks a rule of its format; the message names the key at fault."""


class RecordRefused(ValueError):
    """A certification record does not fit its scheme; `field` names the input at fault and `text` says why (a
    Text, to be said in the reader's language)."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        self.text = message
        super().__init__(message)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Status(_Frozen):
    key: str
    label: str
    meaning: str
    in_force: bool = (
        True  # False: the status says the holder no longer holds anything (withdrawn, suspended...)
    )
    end_date: Literal["expected", "optional", "none"] = "optional"
    start_date: Need = "optional"
    level: Need = "none"
    score: Need = "none"


class Level(_Frozen):
    key: str
    label: str
    meaning: str


class ScoreScale(_Frozen):
    label: str
    min: Decimal
    max: Decimal


class Scheme(_Frozen):
    key: str
    title: str
    kind: Literal["certification", "assurance", "product_label", "membership", "rating"]
    applies_to: tuple[Literal["company", "site"], ...] = Field(min_length=1)
    source: str
    verification: Literal["V", "P", "U"]
    note: str = ""
    statuses: tuple[Status, ...] = Field(min_length=1)
    levels: tuple[Level, ...] = ()
    score: ScoreScale | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        for name, keys in (
            ("statuses", [s.key for s in self.statuses]),
            ("levels", [lv.key for lv in self.levels]),
        ):
            if len(set(keys)) != len(keys):
                raise ValueError(f"{self.key}: {name} repeat a key")
        for status in self.statuses:
            if status.level != "none" and not self.levels:
                raise ValueError(f"{self.key}.{status.key}: asks for a level but the scheme has no levels")
            if status.score != "none" and self.score is None:
                raise ValueError(f"{self.key}.{status.key}: asks for a score but the scheme has no score")
        return self

    def status(self, key: str) -> Status | None:
        return next((s for s in self.statuses if s.key == key), None)

    def level(self, key: str) -> Level | None:
        return next((lv for lv in self.levels if lv.key == key), None)

    def status_label(self, key: str) -> str:
        found = self.status(key)
        return found.label if found else key

    def level_label(self, key: str) -> str:
        found = self.level(key)
        return found.label if found else key


class GroupMember(_Frozen):
    scheme: str
    statuses: tuple[str, ...] = Field(min_length=1)
    levels: tuple[str, ...] = ()  # empty: any level (or none)


class Group(_Frozen):
    key: str
    title: str
    source: str
    rule: str
    members: tuple[GroupMember, ...] = Field(min_length=1)


class Expiry(_Frozen):
    expiring_within_days: int = Field(ge=1)
    remind_days_before: tuple[int, ...] = ()
    remind_when_expired: bool = True


class Support(_Frozen):
    key: str
    label: str


class Remediation(_Frozen):
    source: str
    smallest_count_shown: int = Field(ge=1)
    support: tuple[Support, ...] = Field(min_length=1)


class Schemes(_Frozen):
    kind: Literal["schemes"]
    id: str
    version: str
    source: str
    expiry: Expiry
    schemes: tuple[Scheme, ...] = Field(min_length=1)
    groups: tuple[Group, ...] = ()
    remediation: Remediation

    @model_validator(mode="after")
    def _references(self) -> Schemes:
        keys = [s.key for s in self.schemes]
        if len(set(keys)) != len(keys):
            raise ValueError("schemes repeat a key")
        by_key = {s.key: s for s in self.schemes}
        for group in self.groups:
            for member in group.members:
                scheme = by_key.get(member.scheme)
                if scheme is None:
                    raise ValueError(f"group {group.key}: unknown scheme {member.scheme!r}")
                for status in member.statuses:
                    if scheme.status(status) is None:
                        raise ValueError(f"group {group.key}: {member.scheme} has no status {status!r}")
                for level in member.levels:
                    if scheme.level(level) is None:
                        raise ValueError(f"group {group.key}: {member.scheme} has no level {level!r}")
        return self

    def scheme(self, key: str) -> Scheme | None:
        return next((s for s in self.schemes if s.key == key), None)

    def group(self, key: str) -> Group:
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(key)

    def support_label(self, key: str) -> str:
        return next((s.label for s in self.remediation.support if s.key == key), key)


def parse_schemes(data: Any, *, origin: str = "<data>") -> Schemes:
    """Validate parsed YAML as the schemes file; a refusal names each key at fault."""
    try:
        return Schemes.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise SchemesError(f"{origin}: {problems}") from exc


@cache
def get_schemes() -> Schemes:
    """The shipped schemes (hrdd/frameworks/schemes.yaml)."""
    text = resources.files("hrdd.frameworks").joinpath("schemes.yaml").read_text(encoding="utf-8")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise SchemesError(f"schemes.yaml: {exc}") from exc
    return parse_schemes(data, origin="schemes.yaml")


# -- checking a record -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFacts:
    """What the rules read of a certification record."""

    scheme: str
    status: str
    level: str = ""
    score: Decimal | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


def _number(value: Decimal, written: str | None = None) -> int | float | str:
    """A Decimal as a Text parameter: a number (said in the reader's format) when it reads as the English sentence
    writes it (`written`, by default str(value)), else the digits as written."""
    written = str(value) if written is None else written
    if written.lstrip("-").isdigit():
        return int(value)
    as_float = float(value)
    return as_float if f"{as_float:g}" == written else written


def _score(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    not_a_number = Text(gettext_noop("the score %(value)s is not a number"), value=repr(value))
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise RecordRefused(not_a_number, field="score") from exc
    if not number.is_finite():
        raise RecordRefused(not_a_number, field="score")
    return number


def check_record(
    schemes: Schemes,
    *,
    holder: str,
    scheme: str,
    status: str,
    level: str = "",
    score: Any = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> RecordFacts:
    """Check a record against its scheme and return it normalised; RecordRefused names the field at fault."""
    found = schemes.scheme(scheme)
    if found is None:
        known = ", ".join(s.key for s in schemes.schemes)
        raise RecordRefused(
            Text(
                gettext_noop("unknown scheme %(scheme)s; known: %(known)s"), scheme=repr(scheme), known=known
            ),
            field="scheme",
        )
    if holder not in found.applies_to:
        if holder == SITE:
            refusal = Text(gettext_noop("%(scheme)s is held by a company, not by a site"), scheme=found.title)
        else:
            refusal = Text(
                gettext_noop("%(scheme)s is held by a registry site, not by a company"), scheme=found.title
            )
        raise RecordRefused(refusal, field="site" if holder == SITE else "company")
    state = found.status(status)
    if state is None:
        raise RecordRefused(
            Text(
                gettext_noop("%(status)s is not a status of %(scheme)s; its statuses: %(known)s"),
                status=repr(status),
                scheme=found.title,
                known=_listed([(s.key, s.label) for s in found.statuses], "; "),
            ),
            field="status",
        )
    level = (level or "").strip()
    if level and not found.levels:
        raise RecordRefused(
            Text(gettext_noop("%(scheme)s has no levels; leave the level empty"), scheme=found.title),
            field="level",
        )
    if level and found.level(level) is None:
        raise RecordRefused(
            Text(
                gettext_noop("%(level)s is not a level of %(scheme)s; its levels: %(known)s"),
                level=repr(level),
                scheme=found.title,
                known=_listed([(lv.key, lv.label) for lv in found.levels], ", "),
            ),
            field="level",
        )
    if level and state.level == "none":
        raise RecordRefused(
            Text(gettext_noop("a record “%(status)s” has no level; leave it empty"), status=state.label),
            field="level",
        )
    if not level and state.level == "required":
        raise RecordRefused(
            Text(
                gettext_noop("%(scheme)s “%(status)s” needs its level: %(known)s"),
                scheme=found.title,
                status=state.label,
                known=_joined([lv.label for lv in found.levels], ", "),
            ),
            field="level",
        )
    number = _score(score)
    if number is not None and found.score is None:
        raise RecordRefused(
            Text(gettext_noop("%(scheme)s has no score; leave it empty"), scheme=found.title), field="score"
        )
    if number is not None and state.score == "none":
        raise RecordRefused(
            Text(gettext_noop("a record “%(status)s” has no score; leave it empty"), status=state.label),
            field="score",
        )
    if number is None and state.score == "required":
        raise RecordRefused(
            Text(
                gettext_noop("%(scheme)s “%(status)s” needs its score"),
                scheme=found.title,
                status=state.label,
            ),
            field="score",
        )
    if number is not None and found.score is not None and not found.score.min <= number <= found.score.max:
        raise RecordRefused(
            Text(
                gettext_noop("the score must be from %(min)s to %(max)s, not %(score)s"),
                min=_number(found.score.min),
                max=_number(found.score.max),
                score=_number(number),
            ),
            field="score",
        )
    if valid_from is None and state.start_date == "required":
        raise RecordRefused(
            Text(
                gettext_noop("%(scheme)s “%(status)s” needs its date (valid from)"),
                scheme=found.title,
                status=state.label,
            ),
            field="valid_from",
        )
    if valid_until is not None and state.end_date == "none":
        raise RecordRefused(
            Text(
                gettext_noop("a record “%(status)s” has no end date; leave “valid until” empty"),
                status=state.label,
            ),
            field="valid_until",
        )
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        raise RecordRefused(
            Text(gettext_noop("“valid until” comes before “valid from”")), field="valid_until"
        )
    return RecordFacts(
        scheme=found.key,
        status=state.key,
        level=level,
        score=number,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _joined(items: list[str], separator: str) -> str:
    """Texts in a list, each said in the reader's language: "a, b, c" (`separator` ", " or "; ")."""
    if not items:
        return ""
    template = (
        gettext_noop("%(first)s, %(next)s") if separator == ", " else gettext_noop("%(first)s; %(next)s")
    )
    joined: str = items[0]
    for item in items[1:]:
        joined = Text(template, first=joined, next=item)
    return joined


def _listed(pairs: list[tuple[str, str]], separator: str) -> str:
    """Keys with their labels: "awarded (Awarded), suspended (Suspended)"."""
    return _joined(
        [Text(gettext_noop("%(key)s (%(label)s)"), key=key, label=label) for key, label in pairs], separator
    )


# -- validity on a day -------------------------------------------------------------------------------------------

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
NOT_YET = "not_yet_valid"
NO_END = "no_end_date"
ENDED = "ended"
VALIDITY_LABELS = {
    ENDED: Text(gettext_noop("no longer held")),
    VALID: Text(gettext_noop("valid")),
    EXPIRING: Text(gettext_noop("expiring soon")),
    EXPIRED: Text(gettext_noop("expired")),
    NOT_YET: Text(gettext_noop("not valid yet")),
    NO_END: Text(gettext_noop("no end date")),
}


@dataclass(frozen=True)
class Validity:
    """A record's validity on a day, with the reason in words; `days_left` until its end (negative: past it)."""

    state: str
    reason: str
    days_left: int | None = None

    @property
    def label(self) -> str:
        return VALIDITY_LABELS[self.state]

    @property
    def in_force(self) -> bool:
        """Whether the record holds on the day (valid, expiring soon, or without an end date)."""
        return self.state in (VALID, EXPIRING, NO_END)


def validity_on(
    valid_from: dt.date | None, valid_until: dt.date | None, day: dt.date, *, within_days: int
) -> Validity:
    """Whether a record is valid on `day`: before `valid_from` it is not valid yet; past `valid_until` expired;
    within `within_days` of it expiring soon; without an end date it holds with no end (said so)."""
    if valid_from is not None and day < valid_from:
        return Validity(
            NOT_YET,
            Text(
                gettext_noop("valid from %(start)s, after %(day)s"),
                start=valid_from.isoformat(),
                day=day.isoformat(),
            ),
        )
    if valid_until is None:
        return Validity(NO_END, Text(gettext_noop("no end date is recorded")))
    days_left = (valid_until - day).days
    if days_left < 0:
        return Validity(
            EXPIRED,
            Text(
                gettext_noop("expired on %(end)s, %(days)s before %(day)s"),
                end=valid_until.isoformat(),
                days=_days(-days_left),
                day=day.isoformat(),
            ),
            days_left,
        )
    if days_left <= within_days:
        return Validity(
            EXPIRING,
            Text(
                gettext_noop("ends on %(end)s, in %(days)s (warned from %(within)s days before)"),
                end=valid_until.isoformat(),
                days=_days(days_left),
                within=within_days,
            ),
            days_left,
        )
    return Validity(VALID, _valid_until(valid_until), days_left)


def _valid_until(day: dt.date) -> Text:
    return Text(gettext_noop("valid until %(end)s"), end=day.isoformat())


def record_validity(schemes: Schemes, facts: RecordFacts, day: dt.date) -> Validity:
    """A record's validity on `day`, its status first: a status that is not in force (withdrawn, suspended...)
    is "no longer held" whatever its dates."""
    scheme = schemes.scheme(facts.scheme)
    status = scheme.status(facts.status) if scheme else None
    if scheme is not None and status is not None and not status.in_force:
        return Validity(
            ENDED, Text(gettext_noop("%(scheme)s: %(status)s"), scheme=scheme.title, status=status.label)
        )
    return validity_on(
        facts.valid_from, facts.valid_until, day, within_days=schemes.expiry.expiring_within_days
    )


def in_force_statuses(schemes: Schemes) -> dict[str, tuple[str, ...]]:
    """Per scheme, the statuses that say the holder holds it (for a query of records in force)."""
    return {s.key: tuple(st.key for st in s.statuses if st.in_force) for s in schemes.schemes}


# -- warnings ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Warning:
    code: str
    text: str


def record_warnings(schemes: Schemes, facts: RecordFacts, day: dt.date) -> tuple[Warning, ...]:
    """What a reader of the record should be told on `day`, each with its reason."""
    scheme = schemes.scheme(facts.scheme)
    if scheme is None:
        return (
            Warning(
                "unknown_scheme",
                Text(
                    gettext_noop("the scheme %(scheme)s is no longer known to hrdd"),
                    scheme=repr(facts.scheme),
                ),
            ),
        )
    status = scheme.status(facts.status)
    found: list[Warning] = []
    validity = validity_on(
        facts.valid_from, facts.valid_until, day, within_days=schemes.expiry.expiring_within_days
    )
    if status is not None and status.in_force and status.end_date != "none":
        if validity.state == EXPIRED:
            found.append(
                Warning(
                    "expired",
                    Text(
                        gettext_noop("%(scheme)s: %(reason)s; ask for the renewed certificate"),
                        scheme=scheme.title,
                        reason=validity.reason,
                    ),
                )
            )
        elif validity.state == EXPIRING:
            found.append(Warning("expiring", _scheme_reason(scheme.title, validity.reason)))
    if status is not None and status.end_date == "expected" and facts.valid_until is None:
        found.append(
            Warning(
                "end_date_missing",
                Text(
                    gettext_noop(
                        "%(scheme)s “%(status)s” normally has an end date; none is recorded, so hrdd cannot warn "
                        "before it lapses: add it from the certificate"
                    ),
                    scheme=scheme.title,
                    status=status.label,
                ),
            )
        )
    if validity.state == NOT_YET:
        found.append(Warning("not_yet_valid", _scheme_reason(scheme.title, validity.reason)))
    if status is not None and not status.in_force:
        found.append(
            Warning(
                "ended",
                Text(
                    gettext_noop("%(scheme)s: %(status)s: %(meaning)s"),
                    scheme=scheme.title,
                    status=status.label,
                    meaning=status.meaning,
                ),
            )
        )
    if scheme.kind == "rating":
        found.append(
            Warning(
                "rating_caution",
                Text(
                    gettext_noop(
                        "A rating, not a certification (CFIT manual, Lesson 7): its questionnaire is not public "
                        "and it should be one instrument among others."
                    )
                ),
            )
        )
    return tuple(found)


def _scheme_reason(title: str, reason: str) -> Text:
    return Text(gettext_noop("%(scheme)s: %(reason)s"), scheme=title, reason=reason)


# -- groups of schemes (KPIs) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupVerdict:
    counts: bool
    reason: str


def describe(schemes: Schemes, facts: RecordFacts) -> str:
    """A record in words: 'IRMA Standard for Responsible Mining: Independently assessed, IRMA 75'."""
    scheme = schemes.scheme(facts.scheme)
    if scheme is None:
        return Text(gettext_noop("%(scheme)s: %(status)s"), scheme=facts.scheme, status=facts.status)
    text = Text(
        gettext_noop("%(scheme)s: %(status)s"), scheme=scheme.title, status=scheme.status_label(facts.status)
    )
    if facts.level:
        text = Text(gettext_noop("%(record)s, %(level)s"), record=text, level=scheme.level_label(facts.level))
    if facts.score is not None:
        score = facts.score.normalize()
        text = Text(
            gettext_noop("%(record)s, score %(score)s"),
            record=text,
            score=_number(score, f"{score:f}"),
        )
    return text


def counts_toward(schemes: Schemes, group_key: str, facts: RecordFacts, day: dt.date) -> GroupVerdict:
    """Whether a record counts toward the group on `day`: its scheme, status and level are among the group's,
    and it is valid on that day (valid_from <= day <= valid_until, or no end date); with the reason."""
    group = schemes.group(group_key)
    what = describe(schemes, facts)
    member = next((m for m in group.members if m.scheme == facts.scheme and facts.status in m.statuses), None)
    if member is None:
        return GroupVerdict(
            False, Text(gettext_noop("%(record)s: not counted as %(group)s"), record=what, group=group.title)
        )
    if member.levels and facts.level not in member.levels:
        return GroupVerdict(
            False,
            Text(
                gettext_noop("%(record)s: this level is not counted as %(group)s"),
                record=what,
                group=group.title,
            ),
        )
    validity = validity_on(facts.valid_from, facts.valid_until, day, within_days=0)
    if not validity.in_force:
        return GroupVerdict(
            False,
            Text(
                gettext_noop("%(record)s: not valid on %(day)s (%(reason)s)"),
                record=what,
                day=day.isoformat(),
                reason=validity.reason,
            ),
        )
    period = (
        _valid_until(facts.valid_until) if facts.valid_until else Text(gettext_noop("no end date recorded"))
    )
    return GroupVerdict(True, Text(gettext_noop("%(record)s, %(period)s"), record=what, period=period))


# -- reminders ---------------------------------------------------------------------------------------------------


def reminder_due(valid_until: dt.date | None, today: dt.date, expiry: Expiry) -> str | None:
    """The expiry reminder due today for a record ending on `valid_until`: 'before-<N>' for the nearest threshold
    reached (N days or fewer left), 'expired' once it has lapsed (when the YAML asks for it); None otherwise. A
    record first seen late gets only the latest threshold, never each one it passed."""
    if valid_until is None:
        return None
    days_left = (valid_until - today).days
    if days_left < 0:
        return "expired" if expiry.remind_when_expired else None
    reached = [n for n in expiry.remind_days_before if days_left <= n]
    return f"before-{min(reached)}" if reached else None


def reminder_label(key: str) -> str:
    """A reminder key in words."""
    if key == "expired":
        return Text(gettext_noop("after it expired"))
    days = key.removeprefix("before-")
    if days == "1":
        return Text(gettext_noop("1 day before it expires"))
    return Text(gettext_noop("%(days)s days before it expires"), days=int(days) if days.isdigit() else days)


# -- small cells -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell of a breakdown: its key and count, or `count` None when hidden (shown as 'fewer than N')."""

    key: str
    count: int | None

    @property
    def hidden(self) -> bool:
        return self.count is None


def suppress_small_cells(counts: Mapping[str, int], *, smallest: int) -> tuple[Cell, ...]:
    """The breakdown with each count from 1 to `smallest` - 1 hidden; when exactly one cell is hidden, the next
    smallest is hidden too, so that no hidden count can be worked out by subtracting the others from the total.
    Cells of zero are left out. Ordered by count (largest first), then key."""
    cells = sorted(((k, v) for k, v in counts.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
    hidden = {k for k, v in cells if v < smallest}
    if len(hidden) == 1:
        shown = [(k, v) for k, v in cells if k not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda kv: (kv[1], kv[0]))[0])
    return tuple(Cell(k, None if k in hidden else v) for k, v in cells)


def _days(n: int) -> Text:
    if n == 1:
        return Text(gettext_noop("1 day"))
    return Text(gettext_noop("%(count)s days"), count=n)
