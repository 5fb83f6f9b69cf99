"""The words people read for hrdd's status codes and criterion codes, in their language.

Titles of framework ids (stages, risk categories, KPIs...) are data and live in the frameworks' YAML
(hrdd.domain.labels); the few words written here are the application's own, so they are marked for translation.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hrdd.domain.labels import title_of

# An obligation's or a KPI's status (hrdd.domain.contracts.Status), worst first.
STATUS_LABELS: dict[str, Promise] = {
    "problem": _("problem"),
    "warning": _("warning"),
    "pending": _("pending"),
    "ok": _("ok"),
}
STATUS_MEANINGS: dict[str, Promise] = {
    "problem": _("overdue, or a requirement not met"),
    "warning": _("partly met, or the supplier's summary disagrees with its document"),
    "pending": _("not yet due, or nothing to rate yet"),
    "ok": _("delivered on time and complete"),
}

# The manual's codes: award criterion 1 is AC1, selection criterion 1 SC1, contract clause 1 CC1.
CODE_KINDS: dict[str, Promise] = {
    "AC": _("award criterion"),
    "SC": _("selection criterion"),
    "CC": _("contract clause"),
}
_CODE = re.compile(r"^(AC|SC|CC)(\d+)$")


def status_label(status: object) -> str:
    """The word shown for a status code; the code itself when it is none of hrdd's."""
    return str(STATUS_LABELS.get(str(status), status))


def status_meaning(status: object) -> str:
    """What a status says about an obligation, in a few words ('' for an unknown code)."""
    return str(STATUS_MEANINGS.get(str(status), ""))


def code_meaning(code: object) -> str:
    """What a criterion code stands for: 'AC1' -> 'award criterion 1: Human-rights risk assessment'."""
    text = str(code or "")
    if text == "LABEL":
        return str(_("label requirement: %(title)s") % {"title": title_of(text, "criterion")})
    found = _CODE.match(text)
    if found is None:
        return title_of(text, "criterion")
    kind, number = found.groups()
    return f"{CODE_KINDS[kind]} {number}: {title_of(text, 'criterion')}"
