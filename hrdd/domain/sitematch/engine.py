"""The first matching engine: exact normalised name and country (the baseline every better engine is measured
against). Remembered decisions come first: a confirmed pair links, a rejected pair is never proposed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from hrdd.domain.sitematch.types import (
    Candidate,
    Decisions,
    FieldAgreement,
    MatchResult,
    SiteRecord,
    Thresholds,
    _plain,
    record_fingerprint,
)


def match_records(
    incoming: Sequence[SiteRecord],
    registry: Iterable[SiteRecord],
    *,
    decisions: Decisions | None = None,
    thresholds: Thresholds | None = None,
) -> list[MatchResult]:
    """Match each incoming record against the registry; see the package's docstring."""
    decisions = decisions or Decisions()
    thresholds = thresholds or Thresholds()
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for site in registry:
        for name in (site.name, *site.other_names):
            index[(_plain(name), site.country.upper())].append(site.key)
    confirmed: dict[str, str] = {fp: key for (fp, key), same in decisions.pairs.items() if same}
    results = []
    for record in incoming:
        fp = record_fingerprint(record)
        if fp in confirmed:
            key = confirmed[fp]
            results.append(
                MatchResult(record.key, "auto", key, 1.0, "a reviewer confirmed this record is this site")
            )
            continue
        keys = [
            k
            for k in dict.fromkeys(index.get((_plain(record.name), record.country.upper()), ()))
            if decisions.get(fp, k) is not False
        ]
        candidates = tuple(
            Candidate(k, 1.0, (FieldAgreement("name", "exact", 0.0), FieldAgreement("country", "exact", 0.0)))
            for k in keys
        )
        if len(keys) == 1 and thresholds.auto <= 1.0:
            results.append(MatchResult(record.key, "auto", keys[0], 1.0, "same name and country", candidates))
        elif keys:
            results.append(
                MatchResult(record.key, "review", keys[0], 1.0, "several sites share this name", candidates)
            )
        else:
            results.append(MatchResult(record.key, "new", None, 0.0, "no site of the registry has this name"))
    return results
