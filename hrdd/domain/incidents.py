"""Incidents and remedy (issue 12): the rules an auditor asks about, free of Django.

- **Severity** (UN Guiding Principles, Principle 14 and its commentary; Principle 24 for prioritising): an
  adverse impact is judged by its *scale* (how grave), its *scope* (how many people) and its *irremediable
  character* (whether those affected can be put back in the situation they were in). `assess_severity` combines
  the three ratings into a level and says which rule gave it. The 1-4 scales and the combination rule are hrdd's
  method choices, shown beside every verdict; the three dimensions are the UNGP's.
- **Status workflow**: received -> verifying -> substantiated / unsubstantiated -> in remediation -> remediated ->
  closed, with the moves `check_transition` allows (and why one is refused).
- **Responsiveness of remediation** (CFIT manual 3.4, KPI responsiveness): `rate_remediation` rates a contract's
  corrective-action steps (reported and verified on time, late, overdue) with reasons.
- **Receipt codes** of anonymous grievances: `new_receipt_code` and `normalise_receipt_code` (typed back by people,
  so confusable letters are read as the digits they look like).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hrdd.domain.texts import Text, gettext_noop, together

# -- severity (UNGP Principle 14) --------------------------------------------------------------------------------

# Each rating's meaning is a Text (issue 16): its English sentence, said in the reader's language on pages.
SCALE_LABELS = {
    1: Text(gettext_noop("minor (a limited, temporary harm)")),
    2: Text(gettext_noop("moderate (a harm to rights at work or health that is not lasting)")),
    3: Text(gettext_noop("serious (a lasting harm to health, liberty or livelihood)")),
    4: Text(gettext_noop("grave (death, forced or child labour, lasting injury)")),
}
SCOPE_LABELS = {
    1: Text(gettext_noop("one person or a few")),
    2: Text(gettext_noop("a group (a line, a shift, a department)")),
    3: Text(gettext_noop("a large part of the workforce or of a community")),
    4: Text(gettext_noop("the whole workforce, several sites or a whole community")),
}
IRREMEDIABILITY_LABELS = {
    1: Text(gettext_noop("fully remediable soon (e.g. wages repaid)")),
    2: Text(gettext_noop("remediable with effort and time")),
    3: Text(gettext_noop("hard to remediate (lasting harm, only partly reversible)")),
    4: Text(gettext_noop("irremediable (death, permanent injury or illness, lost schooling)")),
}
LEVELS = ("low", "medium", "high", "critical")
DIMENSIONS = (
    ("scale", SCALE_LABELS),
    ("scope", SCOPE_LABELS),
    ("irremediability", IRREMEDIABILITY_LABELS),
)
# The dimensions' names as reasons write them.
DIMENSION_NAMES = {
    "scale": gettext_noop("scale"),
    "scope": gettext_noop("scope"),
    "irremediability": gettext_noop("irremediability"),
}
METHOD_NOTE = Text(
    gettext_noop(
        "UN Guiding Principles, Principle 14 (severity by scale, scope and irremediable character) and Principle "
        "24 (the most severe impacts first); the 1-4 ratings and how they combine are hrdd's method choices."
    )
)


class SeverityInputError(ValueError):
    """A severity rating is outside 1-4; `field` names the dimension."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class SeverityVerdict:
    """The level of an impact's severity and the reasons behind it (each dimension, then the rule that decided)."""

    level: str  # one of LEVELS
    score: int  # scale + scope + irremediability, 3..12
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"level": self.level, "score": self.score, "reasons": list(self.reasons)}


def _rating(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise SeverityInputError(
            Text(gettext_noop("%(field)s must be a whole number from 1 to 4"), field=field), field=field
        )
    return value


def assess_severity(*, scale: int, scope: int, irremediability: int) -> SeverityVerdict:
    """Combine the three UNGP dimensions (each 1-4) into a severity level with its reasons.

    Rules, first that applies wins: an irremediable harm (4), or a grave harm (scale 4) to a large part of the
    workforce (scope 3+), is critical, because UNGP 14's commentary says one dimension alone can make an impact
    severe and irremediable harm cannot be undone later; any dimension at its top, or a sum of 9 or more, is
    high; a sum of 6 or more is medium; the rest is low."""
    ratings = {
        "scale": _rating(scale, "scale"),
        "scope": _rating(scope, "scope"),
        "irremediability": _rating(irremediability, "irremediability"),
    }
    reasons: list[str] = [
        Text(
            gettext_noop("%(dimension)s %(rating)s: %(meaning)s"),
            dimension=Text(DIMENSION_NAMES[name]),
            rating=ratings[name],
            meaning=labels[ratings[name]],
        )
        for name, labels in DIMENSIONS
    ]
    score = sum(ratings.values())
    rule: str
    if ratings["irremediability"] == 4:
        level, rule = (
            "critical",
            Text(gettext_noop("irremediable harm is critical whatever its scale and scope")),
        )
    elif ratings["scale"] == 4 and ratings["scope"] >= 3:
        level = "critical"
        rule = Text(gettext_noop("a grave harm to a large part of the workforce or community is critical"))
    elif 4 in ratings.values():
        top = next(name for name, value in ratings.items() if value == 4)
        level = "high"
        rule = Text(
            gettext_noop("%(dimension)s at its highest rating makes the impact at least high"),
            dimension=Text(DIMENSION_NAMES[top]),
        )
    elif score >= 9:
        level, rule = (
            "high",
            Text(gettext_noop("the ratings add up to %(score)s (9 or more: high)"), score=score),
        )
    elif score >= 6:
        level, rule = (
            "medium",
            Text(gettext_noop("the ratings add up to %(score)s (6 to 8: medium)"), score=score),
        )
    else:
        level, rule = "low", Text(gettext_noop("the ratings add up to %(score)s (below 6: low)"), score=score)
    reasons.append(rule)
    reasons.append(METHOD_NOTE)
    return SeverityVerdict(level=level, score=score, reasons=tuple(reasons))


def severity_reasons_said(
    stored: Sequence[str], *, scale: int, scope: int, irremediability: int
) -> tuple[str, ...]:
    """The severity reasons stored with an incident (English), each as the Text that wrote it when a fresh
    assessment of the same ratings still writes it, so that pages say it in the reader's language; a reason the
    method no longer writes is kept as stored."""
    try:
        fresh = assess_severity(scale=scale, scope=scope, irremediability=irremediability).reasons
    except SeverityInputError:
        return tuple(stored)
    texts = {str(reason): reason for reason in fresh}
    return tuple(texts.get(reason, reason) for reason in stored)


# -- status workflow ---------------------------------------------------------------------------------------------

RECEIVED = "received"
VERIFYING = "verifying"
SUBSTANTIATED = "substantiated"
UNSUBSTANTIATED = "unsubstantiated"
IN_REMEDIATION = "in_remediation"
REMEDIATED = "remediated"
CLOSED = "closed"
STATUSES = (RECEIVED, VERIFYING, SUBSTANTIATED, UNSUBSTANTIATED, IN_REMEDIATION, REMEDIATED, CLOSED)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    RECEIVED: (VERIFYING, UNSUBSTANTIATED, CLOSED),
    VERIFYING: (SUBSTANTIATED, UNSUBSTANTIATED),
    SUBSTANTIATED: (IN_REMEDIATION, CLOSED),
    UNSUBSTANTIATED: (VERIFYING, CLOSED),
    # a step found not to be done after all sends the incident back into remediation
    IN_REMEDIATION: (REMEDIATED, SUBSTANTIATED),
    REMEDIATED: (CLOSED, IN_REMEDIATION),
    # new information reopens a closed incident for verification
    CLOSED: (VERIFYING,),
}


class TransitionRefused(ValueError):
    """A status change the workflow does not allow; the message says which moves are allowed."""

    field = "status"


# The statuses as the workflow's refusals write them inside a sentence.
STATUS_WORDS = {
    RECEIVED: gettext_noop("received"),
    VERIFYING: gettext_noop("verifying"),
    SUBSTANTIATED: gettext_noop("substantiated"),
    UNSUBSTANTIATED: gettext_noop("unsubstantiated"),
    IN_REMEDIATION: gettext_noop("in remediation"),
    REMEDIATED: gettext_noop("remediated"),
    CLOSED: gettext_noop("closed"),
}


def _status_word(status: str) -> str:
    return Text(STATUS_WORDS[status]) if status in STATUS_WORDS else status.replace("_", " ")


@dataclass(frozen=True)
class PlanState:
    """What the workflow needs to know of an incident's remediation plan."""

    steps: int = 0
    verified: int = 0


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The statuses an incident in `status` may move to."""
    return TRANSITIONS.get(status, ())


def check_transition(current: str, new: str, plan: PlanState | None = None) -> None:
    """Refuse a status change the workflow does not allow (TransitionRefused says why).

    Moving into remediation needs a plan with at least one step; remediated needs every step verified
    (CFIT manual 3.4: remediation is shown by written evidence, not by a promise)."""
    if new not in STATUSES:
        raise TransitionRefused(
            Text(
                gettext_noop("unknown status %(status)s; known: %(known)s"),
                status=repr(new),
                known=", ".join(STATUSES),
            )
        )
    if new == current:
        raise TransitionRefused(
            Text(gettext_noop("the incident is already %(status)s"), status=_status_word(current))
        )
    allowed = allowed_transitions(current)
    if new not in allowed:
        raise TransitionRefused(
            Text(
                gettext_noop("an incident that is %(current)s can move to %(allowed)s, not %(new)s"),
                current=_status_word(current),
                allowed=together([_status_word(s) for s in allowed], ", ") or Text(gettext_noop("nothing")),
                new=_status_word(new),
            )
        )
    plan = plan or PlanState()
    if new == IN_REMEDIATION and plan.steps == 0:
        raise TransitionRefused(
            Text(gettext_noop("add at least one corrective-action step before starting remediation"))
        )
    if new == REMEDIATED and plan.verified < plan.steps:
        raise TransitionRefused(
            Text(
                gettext_noop("%(unverified)s of %(steps)s corrective-action steps are not verified yet"),
                unverified=plan.steps - plan.verified,
                steps=plan.steps,
            )
        )


# -- responsiveness of remediation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepFacts:
    """One corrective-action step as the KPI reads it."""

    deadline: dt.date
    first_reported_on: dt.date | None = None
    verified_on: dt.date | None = None


@dataclass(frozen=True)
class RemediationRating:
    """The KPI responsiveness of remediation for one contract: status and the reasons behind it."""

    status: str  # "not_due" (no steps), "on_track", "late", "overdue"
    steps: int
    verified: int
    overdue: int
    late_reports: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "steps": self.steps,
            "verified": self.verified,
            "overdue": self.overdue,
            "late_reports": self.late_reports,
            "reasons": list(self.reasons),
        }


def step_is_overdue(step: StepFacts, today: dt.date) -> bool:
    """A step is overdue when its deadline passed and it is not verified."""
    return step.verified_on is None and step.deadline < today


def rate_remediation(steps: Iterable[StepFacts], today: dt.date) -> RemediationRating:
    """Rate how a supplier answers its corrective-action steps: overdue beats late beats on track."""
    steps = list(steps)
    if not steps:
        return RemediationRating("not_due", 0, 0, 0, 0, (Text(gettext_noop("no corrective-action steps")),))
    verified = sum(1 for s in steps if s.verified_on is not None)
    overdue = [s for s in steps if step_is_overdue(s, today)]
    late = [s for s in steps if s.first_reported_on is not None and s.first_reported_on > s.deadline]
    reasons: list[str] = [
        Text(gettext_noop("%(verified)s of %(steps)s steps verified"), verified=verified, steps=len(steps))
    ]
    if overdue:
        oldest = min(s.deadline for s in overdue)
        reasons.append(
            Text(
                gettext_noop(
                    "%(count)s step(s) past their deadline and not verified, the oldest due %(date)s "
                    "(%(days)s days ago)"
                ),
                count=len(overdue),
                date=oldest.isoformat(),
                days=(today - oldest).days,
            )
        )
        status = "overdue"
    elif late:
        reasons.append(Text(gettext_noop("%(count)s step(s) reported after their deadline"), count=len(late)))
        status = "late"
    else:
        reasons.append(Text(gettext_noop("every step reported or verified by its deadline so far")))
        status = "on_track"
    return RemediationRating(status, len(steps), verified, len(overdue), len(late), tuple(reasons))


# -- receipt codes -----------------------------------------------------------------------------------------------

# Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or copied by hand is not mistaken.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 20  # 100 random bits
RECEIPT_GROUP = 4
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_receipt_code() -> str:
    """A new receipt code for a grievance, in groups of four (e.g. 7K2Q-...): shown once to the reporter."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + RECEIPT_GROUP] for i in range(0, RECEIPT_LENGTH, RECEIPT_GROUP))


def normalise_receipt_code(text: str) -> str | None:
    """A typed receipt code in its comparable form (upper case, no separators, I/L read as 1 and O as 0), or None
    when it cannot be one."""
    plain = _SEPARATORS.sub("", (text or "").strip().upper()).translate(_CONFUSABLE)
    if len(plain) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in plain):
        return None
    return plain


# -- exposure ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionFacts:
    """One organisation's mention of an exposed site under a contract (or none)."""

    site: int
    organisation: int
    contract: int | None


@dataclass(frozen=True)
class SiteLeverage:
    """The collective leverage on one exposed site: how many buyers and contracts depend on it."""

    site: int
    buyers: int
    contracts: int
    own_contracts: int


def collective_leverage(mentions: Sequence[MentionFacts], *, viewer: int) -> list[SiteLeverage]:
    """Per site, the number of buyers and contracts that depend on it (Electronics Watch ranks sites by this),
    and how many of those contracts are the viewer's; most buyers first."""
    buyers: dict[int, set[int]] = {}
    contracts: dict[int, set[int]] = {}
    own: dict[int, set[int]] = {}
    for m in mentions:
        buyers.setdefault(m.site, set()).add(m.organisation)
        contracts.setdefault(m.site, set())
        own.setdefault(m.site, set())
        if m.contract is not None:
            contracts[m.site].add(m.contract)
            if m.organisation == viewer:
                own[m.site].add(m.contract)
    rows = [SiteLeverage(s, len(buyers[s]), len(contracts[s]), len(own[s])) for s in buyers]
    rows.sort(key=lambda r: (-r.buyers, -r.contracts, r.site))
    return rows
