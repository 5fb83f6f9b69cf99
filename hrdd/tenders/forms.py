"""Parse the tender forms: the page's parameters and the uploaded bids."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.domain.tender import TenderInputError


class BidsUploadForm(forms.Form):
    bids = forms.FileField(label=gettext_lazy('Bids (JSON: a list of bids, or an object with "bids")'))


def read_json_upload(upload, *, limit: int) -> Any:  # type: ignore[no-untyped-def]
    """Read an uploaded JSON file; TenderInputError says what is wrong with it."""
    if upload.size > limit:
        raise TenderInputError(_("the file is larger than %d bytes") % limit, field="bids")
    try:
        return json.loads(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise TenderInputError(_("the file is not UTF-8 text"), field="bids") from exc
    except json.JSONDecodeError as exc:
        raise TenderInputError(
            _("malformed JSON at line %(line)d, column %(column)d: %(msg)s")
            % {"line": exc.lineno, "column": exc.colno, "msg": exc.msg},
            field="bids",
        ) from exc


def weights_from_post(data, criteria: list[str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Read weight_<criterion> fields; a value that is not a number is refused naming the field."""
    weights: dict[str, Any] = {}
    for key in ["price", *criteria]:
        raw = (data.get(f"weight_{key}") or "").strip().replace(",", ".")
        if not raw:
            continue
        try:
            weights[key] = float(raw)
        except ValueError as exc:
            raise TenderInputError(_("%r is not a number") % raw, field=f"weights.{key}") from exc
    return weights


def int_from_post(data, name: str, default: int | None) -> int | None:  # type: ignore[no-untyped-def]
    """Read a whole number from a form field; empty gives `default`, anything else is refused naming the field."""
    raw = (data.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise TenderInputError(_("%r is not a whole number") % raw, field=name) from exc
