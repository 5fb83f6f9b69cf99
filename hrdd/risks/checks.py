"""The three supplier documents hrdd reads for a buyer, by one name on the page, in the API and on the command
line: a risk assessment (award criterion 1), a policy commitment or supplier code of conduct (award criterion 2)
and a due-diligence description (award criterion 7). The reading itself is the domain's
(hrdd.domain.risk_check, hrdd.domain.document_check); this module only picks the check and words its answer."""

from __future__ import annotations

from typing import Any, Literal, get_args

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from hrdd.core.errors import InputError
from hrdd.domain.document_check import DocumentCheck, check_document
from hrdd.domain.risk_check import Finding, RiskAssessmentCheck, check_risk_assessment

CheckKind = Literal["risk-assessment", "policy-commitment", "due-diligence"]
CHECK_KINDS: tuple[CheckKind, ...] = get_args(CheckKind)
DEFAULT_KIND: CheckKind = "risk-assessment"
CRITERION = {"risk-assessment": "AC1", "policy-commitment": "AC2", "due-diligence": "AC7"}

# Why a risk the text names is not counted (hrdd.domain.textread.reader.Mention.reason).
NOT_COUNTED_WHY: dict[str, Promise] = {
    "negated": gettext_lazy("denied: the sentence says it does not happen (no, never, free of, ruled out …)"),
    "policy": gettext_lazy(
        "a rule, not a finding: worded as a code of conduct or policy (prohibited, suppliers shall not, we "
        "commit …), not as a risk found in the supply chain"
    ),
}

LANGUAGE_NAMES: dict[str, Promise] = {
    "en": gettext_lazy("English"),
    "nl": gettext_lazy("Dutch"),
    "fr": gettext_lazy("French"),
    "de": gettext_lazy("German"),
}

CheckResult = RiskAssessmentCheck | DocumentCheck


def parse_kind(value: str, *, field: str = "kind") -> CheckKind:
    """Return the kind of document named, or raise InputError naming the field."""
    for kind in CHECK_KINDS:
        if value == kind:
            return kind
    raise InputError(
        gettext("%(value)r is not one of %(choices)s") % {"value": value, "choices": ", ".join(CHECK_KINDS)},
        field=field,
    )


def check_text(text: str, kind: CheckKind) -> CheckResult:
    """Read a supplier's document as the kind says."""
    if kind == "risk-assessment":
        return check_risk_assessment(text)
    return check_document(text, kind)


def check_answer(kind: CheckKind, result: CheckResult) -> dict[str, Any]:
    """The JSON answer of the API and of `hrdd risk check --json`: the kind, then the check's own fields."""
    data = result.as_dict()
    data.pop("check", None)  # a document check's id is its kind
    return {"kind": kind, **data}


def not_counted_why(finding: Finding) -> str:
    """Why a risk the text names is not counted, in words."""
    return str(NOT_COUNTED_WHY.get(finding.reason, finding.reason))


def language_name(code: str) -> str:
    """The name of a language hrdd reads, from its code."""
    return str(LANGUAGE_NAMES.get(code, code))
