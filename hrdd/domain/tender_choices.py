"""The buyer's choices where the CFIT manual leaves room, and the tender framework as the buyer chose it.

The manual (section 3.3) names the criteria but leaves some decisions to the contracting authority: whether the
label is an admission requirement, an award criterion or a recommendation; which TCO Certified generation and
which EPEAT criteria set count; how award criterion 7's "depending on completeness: 0-100%" is scored; the
currency of the prices. hrdd starts from its own reading of each (the defaults below) and the buyer may change it.
`choose` returns the framework with those choices applied, so the annex and the evaluation read the same rules.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import pycountry

from hrdd.domain.tender import Rule, TenderFramework, TenderInputError, joined
from hrdd.domain.texts import Text, gettext_noop

LABEL_ROLES = ("admission", "award", "recommendation")
EPEAT_SETS = ("rsc-2025", "any", "none")
DUE_DILIGENCE_SCORING = ("per_element", "all_elements")
FIRST_TCO_GENERATION = 9  # the manual: "notably in its Generation 9 criteria" (section 3.3.1)
LAST_TCO_GENERATION = 20


@dataclass(frozen=True)
class TenderChoices:
    """What the buyer decided where the manual leaves room; the defaults are hrdd's reading of the manual."""

    label_role: str = (
        "admission"  # the label: an admission requirement, an award criterion or a recommendation
    )
    tco_generation: int = FIRST_TCO_GENERATION  # the oldest TCO Certified generation accepted
    epeat: str = "rsc-2025"  # which EPEAT registrations count
    due_diligence: str = "per_element"  # AC7: 20% per element, or all five elements or nothing
    currency: str = "EUR"  # ISO 4217 code of the bid prices

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, require_label: bool = True) -> TenderChoices:
        """Read stored or given choices strictly: an unknown key or value is refused with its field's name.

        `require_label` gives the label's role when none is stored (tenders made before the choice existed).
        """
        data = dict(data or {})
        known = [f.name for f in fields(cls)]
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(known)}"
                raise TenderInputError(f"unknown choice {key!r}{hint}", field=f"choices.{key}")
        data.setdefault("label_role", "admission" if require_label else "recommendation")
        choices = cls(**data)
        choices.check()
        return choices

    def check(self) -> None:
        """Refuse a value outside the allowed ones, naming the field."""
        for name, allowed in (
            ("label_role", LABEL_ROLES),
            ("epeat", EPEAT_SETS),
            ("due_diligence", DUE_DILIGENCE_SCORING),
        ):
            value = getattr(self, name)
            if value not in allowed:
                raise TenderInputError(
                    f"{value!r} is not one of {', '.join(allowed)}", field=f"choices.{name}"
                )
        generation = self.tco_generation
        if (
            isinstance(generation, bool)
            or not isinstance(generation, int)
            or not FIRST_TCO_GENERATION <= generation <= LAST_TCO_GENERATION
        ):
            raise TenderInputError(
                f"must be a whole number from {FIRST_TCO_GENERATION} to {LAST_TCO_GENERATION}, got {generation!r}",
                field="choices.tco_generation",
            )
        if not isinstance(self.currency, str) or pycountry.currencies.get(alpha_3=self.currency) is None:
            raise TenderInputError(
                f"{self.currency!r} is not an ISO 4217 currency code such as EUR", field="choices.currency"
            )

    @property
    def require_label(self) -> bool:
        """A bid without the label is not admitted only when the label is an admission requirement."""
        return self.label_role == "admission"

    def as_dict(self) -> dict[str, Any]:
        """The choices as stored (every key, so a later change of hrdd's defaults changes no tender)."""
        return asdict(self)


def label_requirement(choices: TenderChoices) -> str:
    """The label requirement's text with the buyer's TCO generation and EPEAT criteria set."""
    accepted = [
        Text(
            gettext_noop("hold TCO Certified (generation %(generation)s or later)"),
            generation=choices.tco_generation,
        )
    ]
    if choices.epeat == "rsc-2025":
        accepted.append(
            Text(
                gettext_noop(
                    "are registered under EPEAT with its 2025 Responsible Supply Chains criteria (in force from "
                    "November 2025)"
                )
            )
        )
    elif choices.epeat == "any":
        accepted.append(Text(gettext_noop("are registered under EPEAT")))
    accepted.append(
        Text(
            gettext_noop(
                "hold an equivalent label whose criteria cover human-rights due diligence in the supply chain"
            )
        )
    )
    labels = joined(accepted, alternatives=True)
    if choices.label_role == "admission":
        return Text(gettext_noop("The products offered %(labels)s."), labels=labels)
    if choices.label_role == "award":
        return Text(gettext_noop("Points are given when the products offered %(labels)s."), labels=labels)
    return Text(gettext_noop("The contracting authority prefers products that %(labels)s."), labels=labels)


LABEL_SCORING = {
    "admission": Text(
        gettext_noop(
            "Admission requirement: a bid without the label (or proof of an equivalent label) is not admitted."
        )
    ),
    "award": Text(
        gettext_noop(
            "Award criterion: all its points when every product offered holds the label (or an equivalent); "
            "none otherwise."
        )
    ),
    "recommendation": Text(
        gettext_noop(
            "Recommendation: not scored; a bid without the label is admitted and scored like any other."
        )
    ),
}

DUE_DILIGENCE_TEXT = {
    "per_element": Text(
        gettext_noop("%(share)s%% of the points for each of the five elements described."), share=20
    ),
    "all_elements": Text(
        gettext_noop("All the points when all five elements are described; none otherwise.")
    ),
}


def choose(framework: TenderFramework, choices: TenderChoices) -> TenderFramework:
    """The framework with the buyer's choices applied: the label's text and role, and AC7's scoring."""
    criteria = []
    for criterion in framework.criteria:
        if criterion.rule.type == "label":
            update: dict[str, Any] = {
                "requirement": label_requirement(choices),
                "scoring": LABEL_SCORING[choices.label_role],
            }
            if choices.label_role == "award":
                # scored like the other award criteria: Article 67 beside the label's Article 43
                update |= {"kind": "award", "legal": (*criterion.legal, "art-67")}
            criterion = criterion.model_copy(update=update)
        elif criterion.rule.type == "due_diligence":
            extra = dict(criterion.rule.model_extra or {})
            rule = Rule.model_validate(
                {"type": "due_diligence", **extra, "all_required": choices.due_diligence == "all_elements"}
            )
            criterion = criterion.model_copy(
                update={"rule": rule, "scoring": DUE_DILIGENCE_TEXT[choices.due_diligence]}
            )
        criteria.append(criterion)
    return framework.model_copy(update={"criteria": tuple(criteria)})
