"""A domain Text (hrdd.domain.texts) kept in stored JSON, so that a verdict stored once can be said again in the
reader's language (issue 16).

A stored verdict keeps its English sentence, as before, for the API, the command line and the audit log; beside it,
`text_data` writes the sentence's template and parameters (nested Texts too) as plain JSON, and `text_from_data`
makes the Text again. A template that no longer gives the stored English (the code changed since) is not used: the
stored English is said as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hrdd.domain.texts import Text


def text_data(value: Any) -> dict[str, Any] | None:
    """The template and parameters of a Text as plain JSON ({"template", "params"}); None for any other value."""
    if not isinstance(value, Text):
        return None
    params: dict[str, Any] = {}
    for name, param in value.params.items():
        nested = text_data(param)
        if nested is not None:
            params[name] = nested
        elif isinstance(param, bool) or not isinstance(param, int | float | str):
            params[name] = str(param)  # a Decimal or a date: kept as the English sentence shows it
        else:
            params[name] = param if isinstance(param, int | float) else str(param)
    return {"template": value.template, "params": params}


def _text(data: Mapping[str, Any]) -> Text:
    params = {
        name: _text(param) if isinstance(param, Mapping) else param
        for name, param in dict(data.get("params") or {}).items()
    }
    return Text(str(data["template"]), **params)


def text_from_data(english: str, data: Any) -> str:
    """The Text `data` describes when it still reads as `english`; else `english` itself."""
    if not isinstance(data, Mapping) or "template" not in data:
        return english
    try:
        text = _text(data)
    except (KeyError, TypeError, ValueError):
        return english
    return text if text == english else english
