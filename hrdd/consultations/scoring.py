"""The verdict stored on a submitted response: the domain's score of its answers, written as plain JSON.

One function computes it, `verdict_fields`; the service that stores a verdict, the migration that filled the
verdicts of responses submitted before they were stored, and the check that compares stored with fresh verdicts
all call it, so the three cannot disagree on what a verdict holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hrdd.domain.maturity import InvalidResponse, score_raw_response
from hrdd.domain.maturity_results import level_rank
from hrdd.domain.questionnaire_framework import FrameworkError, QuestionnaireFramework, get_framework
from hrdd.domain.text_data import text_data

# The fields of a verdict that are computed (the model's other fields say which response and when).
COMPUTED = (
    "framework_id",
    "framework_version",
    "score",
    "levels",
    "overall",
    "overall_rank",
    "warnings",
    "error",
)


def verdict_fields(raw: Mapping[str, Any], framework: QuestionnaireFramework) -> dict[str, Any]:
    """Score a stored response with the framework and return the verdict's fields, as they read back from the
    database (plain JSON: lists, not tuples); answers that no longer validate give their error and no score."""
    fields: dict[str, Any] = {
        "framework_id": framework.id,
        "framework_version": framework.version,
        "score": None,
        "levels": {},
        "overall": "",
        "overall_rank": None,
        "warnings": [],
        "error": "",
    }
    try:
        score = score_raw_response(raw, framework)
    except InvalidResponse as exc:
        return fields | {"error": str(exc)}
    # Beside each English reason and warning, the template and parameters of its Text (hrdd.domain.text_data,
    # issue 16): pages say a stored verdict in the reader's language; the API and the export keep the English.
    as_json = score.as_dict() | {
        "framework": score.framework,
        "reasons": [
            {"subject": r.subject, "text": r.text, "source": r.source, "text_form": text_data(r.text)}
            for r in score.reasons
        ],
        "warnings_texts": [text_data(w) for w in score.warnings],
    }
    return fields | {
        "score": json.loads(json.dumps(as_json)),
        "levels": dict(score.levels),
        "overall": score.overall,
        "overall_rank": level_rank(score.overall, framework),
        "warnings": list(score.warnings),
    }


# What the score keeps only so that pages can say it in another language: not part of what a verdict decides.
TEXT_FORMS = ("warnings_texts",)


def verdict_meaning(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A verdict's fields without the texts' templates and parameters kept beside its English: what the stale-check
    compares (a verdict stored before they were kept still agrees; a form that no longer gives its English is not
    used by the pages)."""
    score = fields.get("score")
    if not isinstance(score, Mapping):
        return dict(fields)
    plain = {k: v for k, v in score.items() if k not in TEXT_FORMS}
    if isinstance(plain.get("reasons"), list):
        plain["reasons"] = [
            {k: v for k, v in r.items() if k != "text_form"} if isinstance(r, Mapping) else r
            for r in plain["reasons"]
        ]
    return dict(fields) | {"score": plain}


def verdict_fields_by_id(
    raw: Mapping[str, Any], framework_id: str, *, frameworks: dict[str, QuestionnaireFramework | str]
) -> dict[str, Any]:
    """`verdict_fields` for a framework named by its id; a framework that cannot be loaded gives its error.
    `frameworks` keeps each framework (or its error) between calls, so a long run loads each only once."""
    if framework_id not in frameworks:
        try:
            frameworks[framework_id] = get_framework(framework_id)
        except FrameworkError as exc:
            frameworks[framework_id] = str(exc)
    framework = frameworks[framework_id]
    if isinstance(framework, str):
        return {
            "framework_id": framework_id,
            "framework_version": "",
            "score": None,
            "levels": {},
            "overall": "",
            "overall_rank": None,
            "warnings": [],
            "error": framework,
        }
    return verdict_fields(raw, framework)
