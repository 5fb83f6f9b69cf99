"""The records, results and remembered decisions of site matching."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from hrdd.domain.companies import normalise_company_name
from hrdd.domain.texts import Text, gettext_noop, together

Status = Literal["auto", "review", "new"]


@dataclass(frozen=True)
class SiteRecord:
    """A production site: as the registry holds it (`key` is the site's public id) or as an incoming list names it
    (`key` is the caller's record id, e.g. a row number). `country` is ISO 3166-1 alpha-3; empty when unknown."""

    key: str
    name: str
    address: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    other_names: tuple[str, ...] = ()
    group: str = ""  # the corporate group the list or registry names, if any


# The words a reviewer reads for a compared field and for its level of agreement (issue 16). `field` and `level`
# stay codes (the rules, the parameters and the stored candidates use them); these are how they are said.
FIELD_TITLES = {
    "name": gettext_noop("name"),
    "name_numbers": gettext_noop("numbers in the name"),
    "city": gettext_noop("city"),
    "address": gettext_noop("address"),
    "address_numbers": gettext_noop("numbers in the address"),
    "postal_code": gettext_noop("postal code"),
    "country": gettext_noop("country"),
}
LEVEL_TITLES = {
    "exact": gettext_noop("exact"),
    "very close": gettext_noop("very close"),
    "close": gettext_noop("close"),
    "partly alike": gettext_noop("partly alike"),
    "differs": gettext_noop("differs"),
    "differ": gettext_noop("differ"),
    "same": gettext_noop("same"),
    "none": gettext_noop("none on either side"),
    "on one side only": gettext_noop("on one side only"),
    "missing": gettext_noop("missing"),
    "same street": gettext_noop("same street"),
    "overlap": gettext_noop("overlap"),
}


def field_title(field: str) -> str:
    """A compared field as a reviewer reads it (a Text; an unknown code as it is)."""
    return Text(FIELD_TITLES[field]) if field in FIELD_TITLES else field


def level_title(level: str) -> str:
    """A level of agreement as a reviewer reads it (a Text; an unknown code as it is)."""
    return Text(LEVEL_TITLES[level]) if level in LEVEL_TITLES else level


def compared_values(field: str, incoming: str, registry: str) -> Text:
    """The detail of a field's comparison: its title, the incoming record's value and the registry site's."""
    none = Text(gettext_noop("(none)"))
    return Text(
        gettext_noop("%(field)s: %(incoming)s / %(registry)s"),
        field=field_title(field),
        incoming=incoming or none,
        registry=registry or none,
    )


@dataclass(frozen=True)
class FieldAgreement:
    """How one field of an incoming record compared with a candidate site: `level` (e.g. exact, close, differs,
    missing), `weight` the evidence it adds for (+) or against (-) a match (log2 of a Bayes factor), `detail` a
    short text a reviewer reads (a Text, hrdd.domain.texts)."""

    field: str
    level: str
    weight: float
    detail: str = ""

    @property
    def said(self) -> Text:
        """The field and its level, as one phrase ('postal code same')."""
        return Text(
            gettext_noop("%(field)s %(level)s"), field=field_title(self.field), level=level_title(self.level)
        )


def agreements_said(agreements: tuple[FieldAgreement, ...] | list[FieldAgreement]) -> str:
    """Several fields with their levels, said one after another ('name exact, city same')."""
    return together([a.said for a in agreements], ", ")


@dataclass(frozen=True)
class Candidate:
    """A registry site an incoming record may be: its match probability and the reasons per field."""

    site_key: str
    score: float
    agreements: tuple[FieldAgreement, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    """What became of one incoming record."""

    record_key: str
    status: Status
    site_key: str | None  # auto: the site linked; review: the best candidate; new: None
    score: float  # the best candidate's probability (0 when there was none)
    reason: (
        str  # a Text (hrdd.domain.texts): stored with its template (hrdd.domain.text_data), said per language
    )
    candidates: tuple[Candidate, ...] = ()  # best first


@dataclass(frozen=True)
class Thresholds:
    """A best candidate at or above `auto` links by itself; from `review` up to `auto` a person decides; below
    `review` the record is a new site. One exception, within 2 bits (odds of 4) below `auto`: the only site with
    the record's exact name in the record's city, with no field against it, links too (hrdd.domain.sitematch.index,
    ENOUGH); not with an `auto` of 1 or more."""

    auto: float = 0.9
    review: float = 0.5


@dataclass(frozen=True)
class Decisions:
    """Reviewers' remembered decisions: (record fingerprint, site key) -> True (same site) or False (not it)."""

    pairs: Mapping[tuple[str, str], bool] = field(default_factory=dict)

    def get(self, fingerprint: str, site_key: str) -> bool | None:
        return self.pairs.get((fingerprint, site_key))


def _plain(value: str) -> str:
    return " ".join(normalise_company_name(value).split())


def record_fingerprint(record: SiteRecord) -> str:
    """The identity of an incoming record across uploads: its normalised name, address, city, postal code and
    country. Spelling that normalisation sets aside (case, accents, punctuation, legal form) gives the same
    fingerprint; any other change makes it a new record that is matched again."""
    parts = (
        _plain(record.name),
        _plain(record.address),
        _plain(record.city),
        record.postal_code.strip().upper(),
        record.country.upper(),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
