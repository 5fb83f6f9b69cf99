"""The one entry point of site matching, `match_records`, and the first engine kept as the baseline every better
one is measured against (`match_exact_names`: exact normalised name and country).

`match_records` builds a `SiteIndex` (hrdd.domain.sitematch.index: Splink on DuckDB) over the registry for the
call, in a DuckDB connection the thread keeps; a caller matching many lists against one large registry builds the index once and calls `index.match`.
Remembered decisions come first in both engines: a confirmed pair links, a rejected pair is never proposed."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

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
from hrdd.domain.texts import Text, gettext_noop

if TYPE_CHECKING:
    import duckdb


def match_records(
    incoming: Sequence[SiteRecord],
    registry: Iterable[SiteRecord],
    *,
    decisions: Decisions | None = None,
    thresholds: Thresholds | None = None,
) -> list[MatchResult]:
    """Match each incoming record against the registry; see the package's docstring."""
    from hrdd.domain.sitematch.index import SiteIndex

    con = _thread_connection()
    if (
        con is None
    ):  # this thread is already matching (a registry iterable that matches): a connection of its own
        index = SiteIndex.build(registry)
    else:
        try:
            index = SiteIndex._fill(con, registry, owns_connection=False)
        except BaseException:
            _release_thread_connection()
            raise
    try:
        return index.match(incoming, decisions=decisions, thresholds=thresholds)
    finally:
        try:
            index.close()
        finally:
            if con is not None:
                _release_thread_connection()


# Opening a DuckDB database costs about 15 ms, more than matching a short list: each thread keeps one for
# `match_records`, whose tables each call replaces (and drops when it returns).
_local = threading.local()


def _thread_connection() -> duckdb.DuckDBPyConnection | None:
    """The thread's DuckDB connection with rapidfuzz's functions, or None while the thread is using it."""
    if getattr(_local, "busy", False):
        return None
    con = getattr(_local, "connection", None)
    if con is None:
        import duckdb

        from hrdd.domain.sitematch.index import _register_rapidfuzz

        con = duckdb.connect(":memory:")
        _register_rapidfuzz(con)
        _local.connection = con
    _local.busy = True
    return con


def _release_thread_connection() -> None:
    _local.busy = False


def match_exact_names(
    incoming: Sequence[SiteRecord],
    registry: Iterable[SiteRecord],
    *,
    decisions: Decisions | None = None,
    thresholds: Thresholds | None = None,
) -> list[MatchResult]:
    """The baseline: a record links to the one registry site of its country with the same normalised name."""
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
                MatchResult(
                    record.key,
                    "auto",
                    key,
                    1.0,
                    Text(gettext_noop("a reviewer confirmed this record is this site")),
                )
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
            results.append(
                MatchResult(
                    record.key, "auto", keys[0], 1.0, Text(gettext_noop("same name and country")), candidates
                )
            )
        elif keys:
            results.append(
                MatchResult(
                    record.key,
                    "review",
                    keys[0],
                    1.0,
                    Text(gettext_noop("several sites share this name")),
                    candidates,
                )
            )
        else:
            results.append(
                MatchResult(
                    record.key, "new", None, 0.0, Text(gettext_noop("no site of the registry has this name"))
                )
            )
    return results
