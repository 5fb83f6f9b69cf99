"""A registry of sites made ready for matching: normalised once, held by DuckDB, scored by Splink.

`SiteIndex.build(sites)` reads the registry once (about 15 µs a site, or in several processes) into a DuckDB table;
`index.match(incoming, decisions=..., thresholds=...)` then blocks, scores and decides for a whole list at a time.
With `path=` the table lives in a DuckDB file instead of memory: a registry larger than the machine's memory is
read from disk (DuckDB spills what it cannot hold; `memory_limit` caps it), and `SiteIndex.open(path)` reopens it
without reading the sites again.

Splink does the blocking and the scoring (its `predict_between`, the incremental-linkage call: incoming records
against a registry, never the registry against itself); hrdd does the rest, in plain Python: remembered decisions
first, then thresholds and ambiguity, then the reasons a reviewer reads.
"""

from __future__ import annotations

import logging
import math
import operator
import os
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrdd.domain.sitematch.model import (
    COMMON_NAME,
    COMMON_WORD,
    COMPARISONS,
    TF_COLUMN,
    LevelParameters,
    ModelParameters,
    name_frequency_base,
    neutral_parameters,
    prior_for,
    shipped_parameters,
    splink_settings,
)
from hrdd.domain.sitematch.normalise import NormalisedSite, normalise_site
from hrdd.domain.sitematch.plan import (
    INCOMING_TABLE,
    REGISTRY_TABLE,
    TF_TABLE,
    PredictionPlan,
    prediction_plan,
)
from hrdd.domain.sitematch.types import (
    Candidate,
    Decisions,
    FieldAgreement,
    MatchResult,
    SiteRecord,
    Thresholds,
    agreements_said,
    compared_values,
    record_fingerprint,
)
from hrdd.domain.texts import Text, gettext_noop

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

COLUMNS = tuple(f.name for f in fields(NormalisedSite))
_VALUES = operator.attrgetter(
    *COLUMNS
)  # a site's fields in column order (dataclasses.astuple deep-copies: slow)
NULLABLE = frozenset({"city", "address", "address_numbers", "address_key", "postal_code"})
BATCH = 50_000
# Two candidates whose weights differ by less than this many bits are too close to pick one without a person.
AMBIGUITY_BITS = 3.0
KEEP_CANDIDATES = 3
KEEP_ROWS = 8  # rows per incoming record read back from DuckDB (aliases of one site are several rows)
# Pairs whose weight is below this are never a candidate anywhere near a threshold (2^-12: odds of 1 in 4,096).
FLOOR_WEIGHT = -12.0


def _silence_splink() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def normalise_record(record: SiteRecord) -> NormalisedSite:
    """Read one record as the comparison does."""
    return _normalised(
        record.key, record.name, record.address, record.city, record.postal_code, record.country
    )


# Normalising is a pure function and the slowest Python step of a short call (about 50 µs a site); the same
# registry's sites come back at every submission. A few thousand recent ones are kept (about 1.5 KB each).
@lru_cache(maxsize=8192)
def _normalised(
    key: str, name: str, address: str, city: str, postal_code: str, country: str
) -> NormalisedSite:
    return normalise_site(
        key=key, name=" ".join((name,)), address=address, city=city, postal_code=postal_code, country=country
    )


def _normalise_all(records: Sequence[SiteRecord]) -> list[NormalisedSite]:
    out = []
    for record in records:
        out.append(normalise_record(record))
        # another name of the site (local script, former name) is one more row with the same key
        for i, other in enumerate(record.other_names):
            alias = SiteRecord(f"{record.key}\x1f{i}", other, record.address, record.city, record.postal_code,
                               record.country)  # fmt: skip
            out.append(normalise_record(alias))
    return out


def _may_be_common(rows: Sequence[NormalisedSite]) -> tuple[bool, bool]:
    """Whether, in these rows, a name is held by more than COMMON_NAME rows of its country, and a word of a name
    by more than COMMON_WORD rows of its city (the groups SiteIndex's UPDATEs count, NULL as the table has it)."""
    if len(rows) <= min(COMMON_NAME, COMMON_WORD):
        return False, False
    names = Counter(r.name_in_country for r in rows)
    words = Counter((r.country, r.city or None, r.name_key1) for r in rows)
    words.update((r.country, r.city or None, r.name_key2) for r in rows)
    return max(names.values()) > COMMON_NAME, max(words.values()) > COMMON_WORD


def _batches(records: Iterable[SiteRecord], size: int) -> Iterator[list[SiteRecord]]:
    it = iter(records)
    while batch := list(islice(it, size)):
        yield batch


def _arrow_table(rows: Sequence[NormalisedSite], source: str) -> pa.Table:
    import pyarrow as pa

    by_column = list(zip(*map(_VALUES, rows), strict=True)) if rows else [() for _ in COLUMNS]
    data: dict[str, list[Any]] = {}
    for name, values in zip(COLUMNS, by_column, strict=True):
        nullable = name in NULLABLE
        data["unique_id" if name == "key" else name] = [(v or None) if nullable else v for v in values]
    data["name_block"] = list(data["name_compact"])  # SiteIndex.build blanks the common names of the registry
    data["source_dataset"] = [source] * len(rows)
    return pa.table(data)


def _register_rapidfuzz(con: duckdb.DuckDBPyConnection) -> None:
    """rapidfuzz's scorers as DuckDB functions over Arrow vectors (one C++ loop per vector)."""
    import pyarrow as pa
    from rapidfuzz import fuzz, process

    def vectorised(scorer: Callable[..., float]) -> Callable[[Any, Any], Any]:
        # no annotations on `apply`: DuckDB reads them at registration, and pyarrow's names are not in scope
        def apply(left, right):  # type: ignore[no-untyped-def]
            lefts = [v or "" for v in left.to_pylist()]
            rights = [v or "" for v in right.to_pylist()]
            return pa.array(process.cpdist(lefts, rights, scorer=scorer, workers=1), pa.float64())

        return apply

    for name, scorer in (("rf_token_set", fuzz.token_set_ratio), ("rf_ratio", fuzz.ratio)):
        con.create_function(  # type: ignore[call-overload]  # an Arrow function: the stubs know scalar ones only
            name, vectorised(scorer), ["VARCHAR", "VARCHAR"], "DOUBLE", type="arrow", side_effects=False
        )


class SiteIndex:
    """A registry ready for matching; see the module's docstring."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        parameters: ModelParameters,
        size: int,
        *,
        owns_connection: bool = True,
    ) -> None:
        self._con = con
        self._owns_connection = owns_connection
        self.parameters = parameters
        self.size = size
        per_country = {
            str(k): int(v)
            for k, v in con.execute(
                "SELECT country, count(*) FROM registry_sites GROUP BY country"
            ).fetchall()
        }
        self._countries = frozenset(per_country)
        self.prior = prior_for(parameters, per_country)
        # how common each name is in this registry (Splink's term-frequency table for the exact-name level)
        con.execute(
            "CREATE OR REPLACE TABLE registry_name_tf AS SELECT name_in_country, count(*)::DOUBLE / ? "
            "AS tf_name_in_country FROM registry_sites GROUP BY name_in_country",
            [name_frequency_base(per_country)],
        )
        self._site_keys: dict[str, str] = {}  # alias row -> site key
        self._calls = 0
        self._lock = threading.Lock()  # one DuckDB connection: one scoring at a time
        # Splink's SQL recorded once per process (plan.py); None: Splink is set up here and called each time
        self._plan = prediction_plan(parameters, FLOOR_WEIGHT)
        self._splink: tuple[Any, Any, Any] | None = (
            None  # (DuckDBAPI, Linker, registry table), made when needed
        )

    def _splink_linker(self) -> tuple[Any, Any, Any]:
        """Splink itself on this index's connection: the path without a plan, and the reference the plan is
        tested against."""
        if self._splink is None:
            from splink import DuckDBAPI, Linker

            _silence_splink()
            db = DuckDBAPI(connection=self._con)
            registry = db.register(REGISTRY_TABLE, table_name="registry_" + _uid())
            linker = Linker(
                [registry], splink_settings(self.parameters, prior=self.prior), log_level=logging.ERROR
            )
            tf_table = db.register(TF_TABLE, table_name="registry_name_tf_" + _uid())
            linker.table_management.register_term_frequency_lookup(tf_table, TF_COLUMN)
            self._splink = (db, linker, registry)
        return self._splink

    # -------------------------------------------------------------------------------------------------------
    # building

    @classmethod
    def build(
        cls,
        sites: Iterable[SiteRecord],
        *,
        path: str | os.PathLike[str] | None = None,
        parameters: ModelParameters | None = None,
        workers: int = 1,
        memory_limit: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> SiteIndex:
        """Read the registry's sites (any iterable, read in batches) into a new index; `path` keeps it on disk."""
        import duckdb

        con = duckdb.connect(str(path) if path else ":memory:")
        try:
            if memory_limit:
                con.execute(f"SET memory_limit = '{memory_limit}'")
            _register_rapidfuzz(con)
            return cls._fill(con, sites, parameters=parameters, workers=workers, progress=progress)
        except BaseException:
            con.close()
            raise

    @classmethod
    def _fill(
        cls,
        con: duckdb.DuckDBPyConnection,
        sites: Iterable[SiteRecord],
        *,
        parameters: ModelParameters | None = None,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
        owns_connection: bool = True,
    ) -> SiteIndex:
        """Read the sites into the registry tables of `con` (rapidfuzz's functions registered on it)."""
        con.execute("DROP TABLE IF EXISTS registry_sites")
        created = False
        size = 0
        batches_read = 0
        common: tuple[bool, bool] = (True, True)  # (a name, a word) may be common: their UPDATEs must run
        pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
        try:
            batches = _batches(sites, BATCH)
            if pool is not None:
                normalised: Iterator[list[NormalisedSite]] = pool.map(_normalise_all, batches)
            else:
                normalised = map(_normalise_all, batches)
            for rows in normalised:
                batches_read += 1
                if batches_read == 1:
                    common = _may_be_common(rows)
                table = _arrow_table(rows, "registry")
                con.register("registry_batch", table)
                if created:
                    con.execute("INSERT INTO registry_sites SELECT * FROM registry_batch")
                else:
                    con.execute("CREATE TABLE registry_sites AS SELECT * FROM registry_batch")
                    created = True
                con.unregister("registry_batch")
                size += sum(1 for r in rows if "\x1f" not in r.key)
                if progress is not None:
                    progress(size)
        finally:
            if pool is not None:
                pool.shutdown()
        if not created:
            con.register("registry_batch", _arrow_table([], "registry"))
            con.execute("CREATE TABLE registry_sites AS SELECT * FROM registry_batch")
            con.unregister("registry_batch")
        if batches_read > 1:
            common = (True, True)
        # A registry read in one batch is counted in Python: an UPDATE that would change no row is not run.
        if common[0]:
            con.execute(
                "UPDATE registry_sites SET name_block = NULL WHERE name_in_country IN (SELECT name_in_country "
                "FROM registry_sites GROUP BY name_in_country HAVING count(*) > ?)",
                [COMMON_NAME],
            )
        for column in ("name_key1", "name_key2") if common[1] else ():  # the columns are ours, never input
            con.execute(
                f"UPDATE registry_sites SET {column} = NULL WHERE (country, city, {column}) IN (SELECT "  # noqa: S608
                f"(country, city, {column}) FROM registry_sites GROUP BY ALL HAVING count(*) > ?)",
                [COMMON_WORD],
            )
        return cls(con, parameters or shipped_parameters(), size, owns_connection=owns_connection)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, parameters: ModelParameters | None = None) -> SiteIndex:
        """Reopen an index built with `path=`."""
        import duckdb

        if not Path(path).exists():
            raise FileNotFoundError(path)
        con = duckdb.connect(str(path))
        _register_rapidfuzz(con)
        (size,) = con.execute(
            "SELECT count(*) FROM registry_sites WHERE NOT contains(unique_id, chr(31))"
        ).fetchone() or (0,)
        return cls(con, parameters or shipped_parameters(), int(size))

    def close(self) -> None:
        if self._owns_connection:
            self._con.close()
        else:  # a connection kept for the thread (match_records): only this index's tables go
            self._con.execute("DROP TABLE IF EXISTS registry_name_tf")
            self._con.execute("DROP TABLE IF EXISTS registry_sites")

    # -------------------------------------------------------------------------------------------------------
    # scoring

    def score_pairs(self, incoming: Sequence[SiteRecord]) -> dict[str, list[dict[str, Any]]]:
        """Every candidate pair blocking finds for the incoming records: record key -> rows of Splink's output
        (match_weight, match_probability, gamma_* and mw_* per comparison, both sides' normalised fields)."""
        rows = [normalise_record(r) for r in incoming]
        if not self._countries.intersection(r.country for r in rows):
            # blocking is always within one country: no site of these countries, no pair (nor any SQL to run)
            return {}
        table = _arrow_table(rows, "incoming")
        with self._lock:
            self._calls += 1
            if self._plan is not None:
                found = self._score_planned(self._plan, table)
            else:
                found = self._score_with_splink(table)
        by_record: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in found:
            by_record[str(row["unique_id_l"])].append(row)
        return by_record

    def _best_rows(self, predictions: str) -> list[dict[str, Any]]:
        # Pairs far below any threshold are dropped in DuckDB, and of the rest only the best few per record (and
        # per site, an alias row counting for its site) come back to Python.
        # the table's name is one hrdd or Splink made, never input
        best_rows = f"SELECT * EXCLUDE (rank) FROM (SELECT *, row_number() OVER (PARTITION BY unique_id_l ORDER BY match_weight DESC, unique_id_r) AS rank FROM {predictions}) WHERE rank <= ?"  # noqa: S608
        found_relation = self._con.sql(best_rows, params=[KEEP_ROWS])
        columns = found_relation.columns
        return [dict(zip(columns, values, strict=True)) for values in found_relation.fetchall()]

    def _score_planned(self, plan: PredictionPlan, table: pa.Table) -> list[dict[str, Any]]:
        self._con.register(INCOMING_TABLE, table)
        try:
            predictions = plan.run(self._con, self.prior)
            try:
                return self._best_rows(predictions)
            finally:
                self._con.execute(f"DROP TABLE IF EXISTS {predictions}")
        finally:
            self._con.unregister(INCOMING_TABLE)

    def _score_with_splink(self, table: pa.Table) -> list[dict[str, Any]]:
        db, linker, registry = self._splink_linker()
        left = db.register(table, table_name=f"incoming_{_uid()}_{self._calls}")
        try:
            predictions = linker.inference.predict_between(
                left, registry, threshold_match_weight=FLOOR_WEIGHT, warning_mode="never"
            )
            found = self._best_rows(predictions.physical_name)
            predictions.drop_table_from_database_and_remove_from_cache()
        finally:
            left.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        return found

    # -------------------------------------------------------------------------------------------------------
    # deciding

    def match(
        self,
        incoming: Sequence[SiteRecord],
        *,
        decisions: Decisions | None = None,
        thresholds: Thresholds | None = None,
    ) -> list[MatchResult]:
        """Match each incoming record against the registry; see hrdd.domain.sitematch."""
        decisions = decisions or Decisions()
        thresholds = thresholds or Thresholds()
        confirmed = {fp: key for (fp, key), same in decisions.pairs.items() if same}
        rejected: dict[str, set[str]] = defaultdict(set)
        for (fp, key), same in decisions.pairs.items():
            if not same:
                rejected[fp].add(key)
        fingerprints = [record_fingerprint(r) for r in incoming]
        to_score = [r for r, fp in zip(incoming, fingerprints, strict=True) if fp not in confirmed]
        scored = self.score_pairs(to_score) if to_score else {}
        results = []
        for record, fp in zip(incoming, fingerprints, strict=True):
            if fp in confirmed:
                results.append(
                    MatchResult(
                        record.key,
                        "auto",
                        confirmed[fp],
                        1.0,
                        Text(gettext_noop("a reviewer confirmed this record is this site")),
                    )
                )
                continue
            candidates = self._candidates(scored.get(record.key, []), rejected.get(fp, set()))
            results.append(_decide(record.key, candidates, thresholds, bool(rejected.get(fp))))
        return results

    def _candidates(self, rows: list[dict[str, Any]], rejected: set[str]) -> list[tuple[float, Candidate]]:
        best: dict[str, tuple[float, dict[str, Any]]] = {}
        for row in rows:
            site = str(row["unique_id_r"]).split("\x1f")[0]  # an alias row counts for its site
            if site in rejected:
                continue
            weight = float(row["match_weight"])
            if site not in best or weight > best[site][0]:
                best[site] = (weight, row)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        out = []
        for site, (weight, row) in ranked[:KEEP_CANDIDATES]:
            reasons = self._reasons(row)
            out.append((weight, Candidate(site, round(float(row["match_probability"]), 6), reasons)))
        return out

    def _reasons(self, row: dict[str, Any]) -> tuple[FieldAgreement, ...]:
        reasons = []
        for _title, comparison, levels in COMPARISONS:
            gamma = int(row[f"gamma_{comparison}"])
            label = _level_label(levels, gamma)
            weight = float(row.get(f"mw_{comparison}") or 0.0) + float(
                row.get(f"mw_tf_adj_{comparison}") or 0.0
            )
            left = row.get(f"{_shown(comparison)}_l") or ""
            right = row.get(f"{_shown(comparison)}_r") or ""
            detail = compared_values(comparison, str(left), str(right))
            reasons.append(FieldAgreement(comparison, label, round(weight, 2), detail))
        return tuple(reasons)


def _shown(comparison: str) -> str:
    return comparison


def _level_label(levels: tuple[tuple[str, str, bool], ...], gamma: int) -> str:
    # Splink numbers levels from the most alike (highest) down to 0, and the null level -1.
    if gamma == -1:
        return next(label for label, _sql, is_null in levels if is_null)
    non_null = [label for label, _sql, is_null in levels if not is_null]
    return non_null[len(non_null) - 1 - gamma]


# What the weights alone would let through, and a rule stops: numbers in the names that differ (Plant 1 and
# Plant 2 are two sites, however alike the rest), and, short of a person's look, a number on one side only or two
# different cities (a group's campuses share a name and differ by their city).
NEVER = (("name_numbers", "differ"),)
NOT_ALONE = (("name_numbers", "on one side only"), ("city", "differs"))
# And what the weights alone hold back, and a rule lets through: the same name in the same city, nothing against
# it and no other site close. In a registry of a million sites a name recurs in other cities of its country (a
# trading name is unique where it is registered, not nationwide); its frequency then lowers the exact name's
# weight for every holder, although the city already tells them apart. Measured on the benchmark at 1,000,000
# sites: of the records so placed in review, 88% were the site (the rest new sites that reuse the name).
ENOUGH = (("name", "exact"), ("city", "same"))
ENOUGH_BITS = 2.0  # such a candidate meets the auto threshold with this many bits less (a name held 4 times)


def _enough(candidate: Candidate) -> bool:
    levels = {(r.field, r.level) for r in candidate.agreements}
    return all(rule in levels for rule in ENOUGH) and all(r.weight >= 0 for r in candidate.agreements)


def _ruled(candidate: Candidate, rules: tuple[tuple[str, str], ...]) -> FieldAgreement | None:
    return next((r for r in candidate.agreements if (r.field, r.level) in rules), None)


def _decide(
    record_key: str, candidates: list[tuple[float, Candidate]], thresholds: Thresholds, had_rejections: bool
) -> MatchResult:
    shown = tuple(c for _w, c in candidates)
    ruled_out = [c for _w, c in candidates if _ruled(c, NEVER)]
    candidates = [(w, c) for w, c in candidates if not _ruled(c, NEVER)]
    if ruled_out and (not candidates or candidates[0][1].score < thresholds.review):
        rule = _ruled(ruled_out[0], NEVER)
        assert rule is not None
        return MatchResult(
            record_key, "new", None, 0.0,
            Text(gettext_noop("the closest site, %(site)s, is another one: %(detail)s"),
                 site=ruled_out[0].site_key, detail=rule.detail), shown,
        )  # fmt: skip
    if not candidates or candidates[0][1].score < thresholds.review:
        score = candidates[0][1].score if candidates else 0.0
        reason = Text(
            gettext_noop("no site of the registry is close enough (a reviewer rejected the closest one)")
            if had_rejections
            else gettext_noop("no site of the registry is close enough")
        )
        return MatchResult(record_key, "new", None, score, reason, shown)
    best_weight, best = candidates[0]
    close = [
        c for w, c in candidates[1:] if c.score >= thresholds.review and best_weight - w < AMBIGUITY_BITS
    ]
    strongest = agreements_said(sorted(best.agreements, key=lambda r: -r.weight)[:3])
    if close:
        return MatchResult(
            record_key,
            "review",
            best.site_key,
            best.score,
            Text(
                gettext_noop("%(count)s sites are close (%(sites)s): a person picks"),
                count=len(close) + 1,
                sites=", ".join([best.site_key, *(c.site_key for c in close)]),
            ),
            shown,
        )
    stop = _ruled(best, NOT_ALONE)
    if best.score >= thresholds.auto and stop is None:
        return MatchResult(
            record_key,
            "auto",
            best.site_key,
            best.score,
            Text(gettext_noop("one close site: %(fields)s"), fields=strongest),
            shown,
        )
    auto_bits = math.log2(thresholds.auto / (1.0 - thresholds.auto)) if thresholds.auto < 1.0 else math.inf
    if stop is None and _enough(best) and best_weight + ENOUGH_BITS >= auto_bits:
        return MatchResult(
            record_key, "auto", best.site_key, best.score,
            Text(gettext_noop("the only site of this name in this city, nothing against it: %(fields)s"),
                 fields=strongest), shown,
        )  # fmt: skip
    if stop is not None:
        return MatchResult(
            record_key, "review", best.site_key, best.score,
            Text(gettext_noop("a possible match, but a person should look: %(detail)s"), detail=stop.detail),
            shown,
        )  # fmt: skip
    weakest = agreements_said(
        [r for r in sorted(best.agreements, key=lambda r: r.weight)[:2] if r.weight < 0]
    )
    return MatchResult(
        record_key,
        "review",
        best.site_key,
        best.score,
        Text(gettext_noop("a possible match: %(fields)s; but %(against)s"), fields=strongest, against=weakest)
        if weakest
        else Text(gettext_noop("a possible match: %(fields)s"), fields=strongest),
        shown,
    )


_counter = 0
_counter_lock = threading.Lock()


def _uid() -> str:
    global _counter
    with _counter_lock:
        _counter += 1
        return f"{os.getpid()}_{_counter}"


# ------------------------------------------------------------------------------------------------------------
# parameters from labelled pairs


def estimate_parameters(
    pairs: Iterable[tuple[SiteRecord, SiteRecord, bool]],
    *,
    base: ModelParameters | None = None,
    base_pairs: float = 200.0,
    share_known: float | None = None,
    source: str = "",
) -> ModelParameters:
    """m and u from labelled pairs (incoming record, registry site, same site?), counted level by level: m on the
    true pairs, u on the others.

    `base` (default: the shipped values) counts as `base_pairs` pseudo-pairs on each side, so a few reviewer
    decisions move the weights a little and many move them far; `base=neutral_parameters()` with a small
    `base_pairs` trains from scratch. u assumes the false pairs are random pairs of one country, as the training
    script draws them; the pairs a reviewer rejects are the hardest ones, not random, so to recalibrate from
    reviewers' decisions pass only the confirmed pairs (m moves, u stays)."""
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    base = base or shipped_parameters()
    left_rows: list[NormalisedSite] = []
    right_rows: list[NormalisedSite] = []
    labels: dict[str, bool] = {}
    for i, (record, site, same) in enumerate(pairs):
        pair = f"p{i}"
        left_rows.append(normalise_record(SiteRecord(pair, record.name, record.address, record.city,
                                                     record.postal_code, record.country)))  # fmt: skip
        right_rows.append(normalise_record(SiteRecord(pair, site.name, site.address, site.city, site.postal_code,
                                                      site.country)))  # fmt: skip
        labels[pair] = same
    counts: dict[str, dict[str, list[float]]] = {
        comparison: {label: [0.0, 0.0] for label, _sql, _null in levels}
        for _t, comparison, levels in COMPARISONS
    }
    if labels:
        _silence_splink()
        con = duckdb.connect()
        _register_rapidfuzz(con)
        db = DuckDBAPI(connection=con)
        left = db.register(_arrow_table(left_rows, "incoming"), table_name="labelled_l")
        right = db.register(_arrow_table(right_rows, "registry"), table_name="labelled_r")
        linker = Linker([right], splink_settings(base, tf=False), log_level=logging.ERROR)
        predictions = linker.inference.predict_between(
            left, right, blocking_rules_to_generate_predictions=[block_on("unique_id")], warning_mode="never"
        )
        for row in predictions.as_record_list():
            same = labels[str(row["unique_id_l"])]
            for _title, comparison, levels in COMPARISONS:
                label = _level_label(levels, int(row[f"gamma_{comparison}"]))
                counts[comparison][label][0 if same else 1] += 1
        con.close()
    levels_out: dict[str, dict[str, LevelParameters]] = {}
    for _title, comparison, levels in COMPARISONS:
        non_null = [label for label, _sql, is_null in levels if not is_null]
        totals = [sum(counts[comparison][label][k] for label in non_null) for k in (0, 1)]
        out: dict[str, LevelParameters] = {}
        for label, _sql, is_null in levels:
            if is_null:  # Splink ignores m and u of a null level; kept for a complete file
                out[label] = LevelParameters(1.0, 1.0)
                continue
            base_level = base.level(comparison, label)
            m, u = (
                (counts[comparison][label][k] + base_pairs * prior + 0.5)
                / (totals[k] + base_pairs + 0.5 * len(non_null))
                for k, prior in ((0, base_level.m), (1, base_level.u))
            )
            out[label] = LevelParameters(round(m, 8), round(u, 8))
        levels_out[comparison] = out
    n_true = sum(labels.values())
    return ModelParameters(
        share_known=base.share_known if share_known is None else share_known,
        levels=levels_out,
        source=source or f"{base.source}; recalibrated on {len(labels)} labelled pairs",
        pairs=base.pairs + len(labels),
        extra={
            "true_pairs": base.extra.get("true_pairs", 0) + n_true,
            "false_pairs": base.extra.get("false_pairs", 0) + len(labels) - n_true,
        },  # fmt: skip
    )


__all__ = ["SiteIndex", "estimate_parameters", "neutral_parameters", "normalise_record"]
