"""The months after the award (the manual's "X months" of clause CC1) apply only where a clause falls due after
the award: which scenarios those are is read from the framework, not written in the pages."""

from hrdd.domain.tender import get_tender_framework


def test_only_scenario_one_has_a_clause_due_months_after_the_award():
    assert get_tender_framework().scenarios_with_months() == (1,)
