"""Texts the domain writes for people (reasons, warnings, labels) without knowing their language (issue 16).

The domain stays free of Django and of any catalogue: it writes a `Text`, an English template marked for the
translators (`gettext_noop`, which `manage.py makemessages` extracts from hrdd/domain like any gettext call) with its
parameters. A Text *is* its English sentence (a `str`), so JSON, the command line, logs and every comparison read
it as before; the pages, documents and e-mails pass it through `hrdd.core.texts.localize`, which looks the template up
in the active language's catalogue and fills in the parameters, themselves localized (a nested Text, a number in the
locale's format). The template is the code of the reason: stable, listed in the catalogues, rendered in each
language by the tests.

Conventions: parameters are named (`%(share)s`), never positional, and only `s` conversions, so a translation may
reorder them and a number can be formatted per locale; a literal percent sign is `%%`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

PARAMETER = re.compile(r"%\((?P<name>[a-z_][a-z0-9_]*)\)s")
ALLOWED = re.compile(r"%%|%\([a-z_][a-z0-9_]*\)s")


def gettext_noop(template: str) -> str:
    """Mark an English template for the catalogues (the extractor reads this name); returns it unchanged."""
    return template


def _english(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class Text(str):
    """An English sentence that remembers its template and parameters, so that it can be said in another language.

    >>> t = Text("%(country)s: %(share)s%% of world production", country="Ghana", share=3.94)
    >>> t, t.template, t.params["share"]
    ('Ghana: 3.94% of world production', '%(country)s: %(share)s%% of world production', 3.94)
    """

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Text:
        names = set(PARAMETER.findall(template))
        if "%" in ALLOWED.sub("", template):
            raise ValueError(f"only named %(name)s parameters and %% in a Text template: {template!r}")
        if names != set(params):
            raise ValueError(f"template {template!r} names {sorted(names)}, given {sorted(params)}")
        text = super().__new__(cls, template % {k: _english(v) for k, v in params.items()})
        text.template = template
        text.params = dict(params)
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (a cached verdict) with its template and parameters
        return (_rebuild, (self.template, dict(self.params)))


def _rebuild(template: str, params: dict[str, Any]) -> Text:
    return Text(template, **params)


def together(parts: Sequence[str], separator: str = "; ") -> str:
    """Texts said one after the other, as one Text: its template (theirs joined by `separator`, in no catalogue) is
    said as it is in every language, each part in the reader's; a single part is itself, none is ''."""
    if len(parts) < 2:
        return parts[0] if parts else ""
    names = [f"part{i}" for i in range(1, len(parts) + 1)]
    template = separator.replace("%", "%%").join(f"%({name})s" for name in names)
    return Text(template, **dict(zip(names, parts, strict=True)))
