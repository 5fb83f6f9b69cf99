"""Buyers who share suppliers agree on one tender scenario (issue 16; CFIT manual, Lesson 6: buyers collaborate on
joint suppliers). Several organisations run one consultation; each records the scenario it wants, and the scenario
is agreed only when every one of them chose the same. The verdict says why, in a Text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hrdd.domain.texts import Text, gettext_noop

MIN_PARTICIPANTS = 2  # an agreement needs someone to agree with: the owner and at least one co-owner


@dataclass(frozen=True)
class ScenarioAgreement:
    """Whether the organisations agree, on which scenario, who has not chosen yet, and the reason."""

    agreed: bool
    scenario: int | None
    waiting: tuple[str, ...]
    reason: Text


def agree_on_scenario(*, participants: Sequence[str], choices: Mapping[str, int]) -> ScenarioAgreement:
    """Whether `participants` (the organisations running the consultation, by name) agree: each of at least two
    has a choice in `choices` (name -> scenario) and all choices are the same scenario. Choices of organisations
    that no longer take part are not counted."""
    if len(participants) < MIN_PARTICIPANTS:
        return ScenarioAgreement(
            agreed=False,
            scenario=None,
            waiting=(),
            reason=Text(
                gettext_noop(
                    "No other organisation runs this consultation yet: there is nothing to agree on."
                )
            ),
        )
    waiting = tuple(name for name in participants if name not in choices)
    if waiting:
        return ScenarioAgreement(
            agreed=False,
            scenario=None,
            waiting=waiting,
            reason=Text(gettext_noop("Waiting for the choice of %(names)s."), names=", ".join(waiting)),
        )
    chosen = {choices[name] for name in participants}
    if len(chosen) > 1:
        each = ", ".join(f"{name}: {choices[name]}" for name in participants)
        return ScenarioAgreement(
            agreed=False,
            scenario=None,
            waiting=(),
            reason=Text(
                gettext_noop("The organisations chose different scenarios (%(choices)s)."), choices=each
            ),
        )
    scenario = chosen.pop()
    return ScenarioAgreement(
        agreed=True,
        scenario=scenario,
        waiting=(),
        reason=Text(
            gettext_noop("All %(count)s organisations chose scenario %(scenario)s."),
            count=len(participants),
            scenario=scenario,
        ),
    )
