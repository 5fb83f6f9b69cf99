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

# -- severity (UNGP Principle 14) --------------------------------------------------------------------------------

SCALE_LABELS = {
    1: "minor (a limited, temporary harm)",
    2: "moderate (a harm to rights at work or health that is not lasting)",
    3: "serious (a lasting harm to health, liberty or livelihood)",
    4: "grave (death, forced or child labour, lasting injury)",
}
SCOPE_LABELS = {
    1: "one person or a few",
    2: "a group (a line, a shift, a department)",
    3: "a large part of the workforce or of a community",
    4: "the whole workforce, several sites or a whole community",
}
IRREMEDIABILITY_LABELS = {
    1: "fully remediable soon (e.g. wages repaid)",
    2: "remediable with effort and time",
    3: "hard to remediate (lasting harm, only partly reversible)",
    4: "irremediable (death, permanent injury or illness, lost schooling)",
}
LEVELS = ("low", "medium", "high", "critical")
DIMENSIONS = (
    ("scale", SCALE_LABELS),
    ("scope", SCOPE_LABELS),
    ("irremediability", IRREMEDIABILITY_LABELS),
)
METHOD_NOTE = (
    "UN Guiding Principles, Principle 14 (severity by scale, scope and irremediable character) and Principle 24 "
    "(the most severe impacts first); the 1-4 ratings and how they combine are hrdd's method choices."
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
        raise SeverityInputError(f"{field} must be a whole number from 1 to 4", field=field)
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
    reasons = [f"{name} {ratings[name]}: {labels[ratings[name]]}" for name, labels in DIMENSIONS]
    score = sum(ratings.values())
    if ratings["irremediability"] == 4:
        level, rule = "critical", "irremediable harm is critical whatever its scale and scope"
    elif ratings["scale"] == 4 and ratings["scope"] >= 3:
        level, rule = "critical", "a grave harm to a large part of the workforce or community is critical"
    elif 4 in ratings.values():
        top = next(name for name, value in ratings.items() if value == 4)
        level, rule = "high", f"{top} at its highest rating makes the impact at least high"
    elif score >= 9:
        level, rule = "high", f"the ratings add up to {score} (9 or more: high)"
    elif score >= 6:
        level, rule = "medium", f"the ratings add up to {score} (6 to 8: medium)"
    else:
        level, rule = "low", f"the ratings add up to {score} (below 6: low)"
    reasons.append(rule)
    reasons.append(METHOD_NOTE)
    return SeverityVerdict(level=level, score=score, reasons=tuple(reasons))


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
        raise TransitionRefused(f"unknown status {new!r}; known: {', '.join(STATUSES)}")
    if new == current:
        raise TransitionRefused(f"the incident is already {current.replace('_', ' ')}")
    allowed = allowed_transitions(current)
    if new not in allowed:
        raise TransitionRefused(
            f"an incident that is {current.replace('_', ' ')} can move to "
            f"{', '.join(s.replace('_', ' ') for s in allowed) or 'nothing'}, not {new.replace('_', ' ')}"
        )
    plan = plan or PlanState()
    if new == IN_REMEDIATION and plan.steps == 0:
        raise TransitionRefused("add at least one corrective-action step before starting remediation")
    if new == REMEDIATED and plan.verified < plan.steps:
        raise TransitionRefused(
            f"{plan.steps - plan.verified} of {plan.steps} corrective-action steps are not verified yet"
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
        return RemediationRating("not_due", 0, 0, 0, 0, ("no corrective-action steps",))
    verified = sum(1 for s in steps if s.verified_on is not None)
    overdue = [s for s in steps if step_is_overdue(s, today)]
    late = [s for s in steps if s.first_reported_on is not None and s.first_reported_on > s.deadline]
    reasons = [f"{verified} of {len(steps)} steps verified"]
    if overdue:
        oldest = min(s.deadline for s in overdue)
        reasons.append(
            f"{len(overdue)} step(s) past their deadline and not verified, the oldest due {oldest.isoformat()} "
            f"({(today - oldest).days} days ago)"
        )
        status = "overdue"
    elif late:
        reasons.append(f"{len(late)} step(s) reported after their deadline")
        status = "late"
    else:
        reasons.append("every step reported or verified by its deadline so far")
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
