"""Splink's prediction SQL, generated once per process and run directly on DuckDB.

Setting up Splink for one call (validating the settings, then `predict_between` generating its SQL through
sqlglot) costs about 0.15 s whatever the size of the lists; matching one record against a few sites costs a
hundredth of that. The SQL Splink runs depends only on the model (comparisons, levels, m and u, blocking rules),
the tables' columns and the prior; the tables' names and the prior are the only parts that change from one
registry to the next. So `prediction_plan(parameters)` runs Splink once, on a scratch DuckDB database with tables
of the index's columns, records the two statements it executes (blocking, then scoring), and keeps them with the
prior's literal and the tables' names as slots. `PredictionPlan.run` fills the slots with what Splink itself
would write there (the prior as Splink prints it) and executes the statements: the same SQL on the same data,
hence the same rows, without Splink's set-up.

The plan is checked when it is made: it is recorded under two different priors, and both recordings must be the
same text once the prior's literal is a slot. Anything unexpected (another Splink version executing its SQL
differently) gives no plan, and `SiteIndex` then calls Splink as before.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrdd.domain.sitematch.model import TF_COLUMN, ModelParameters, splink_settings

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

# The working tables of a connection (Splink names its own __splink__...): the incoming records, registered by
# the caller, the blocked pairs and the predictions.
INCOMING_TABLE = "hrdd_incoming"
BLOCKED_TABLE = "hrdd_blocked"
PREDICTED_TABLE = "hrdd_predicted"
PRIOR_SLOT = "hrdd_plan_prior_slot"
# The tables SiteIndex keeps (the plan reads them by these names).
REGISTRY_TABLE = "registry_sites"
TF_TABLE = "registry_name_tf"
# Two priors no registry is expected to give; only their literals in the SQL differ.
_SENTINELS = (0.000123456789, 0.000987654321)
_CREATE = re.compile(r"\ACREATE TABLE (\S+) AS\n", re.ASCII)


@dataclass(frozen=True)
class PredictionPlan:
    """Splink's two statements for `predict_between` (blocking, scoring) with slots; see the module."""

    statements: tuple[str, ...]
    prior_literal: Callable[[float], str]

    def run(self, con: duckdb.DuckDBPyConnection, prior: float) -> str:
        """Score the table INCOMING_TABLE against the registry tables of `con` (one call at a time on a
        connection); returns the predictions table's name (the caller drops it)."""
        blocking, scoring = _parsed(self)
        try:
            con.execute(blocking)
            con.execute(scoring, {"hrdd_prior": self._prior_value(con, prior)})
        except BaseException:
            con.execute(f"DROP TABLE IF EXISTS {PREDICTED_TABLE}")
            raise
        finally:
            con.execute(f"DROP TABLE IF EXISTS {BLOCKED_TABLE}")
        return PREDICTED_TABLE

    def _prior_value(self, con: duckdb.DuckDBPyConnection, prior: float) -> float:
        # the value DuckDB reads from Splink's literal (a DECIMAL cast to DOUBLE), passed as a DOUBLE parameter
        literal = self.prior_literal(prior)
        value = _prior_values.get(literal)
        if value is None:
            row = con.execute(f"SELECT {literal}").fetchone()  # noqa: S608  # a number Splink formats
            assert row is not None
            value = float(row[0])
            if len(_prior_values) > 4096:
                _prior_values.clear()
            _prior_values[literal] = value
        return value


_prior_values: dict[str, float] = {}
_parsed_local = threading.local()


def _parsed(plan: PredictionPlan) -> tuple[Any, Any]:
    """The plan's statements parsed once per thread (parsing is a third of their cost on a short list)."""
    cache: dict[int, tuple[PredictionPlan, tuple[Any, Any]]] = getattr(_parsed_local, "cache", None) or {}
    _parsed_local.cache = cache
    hit = cache.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    import duckdb

    blocking, scoring = plan.statements
    parser = duckdb.connect(":memory:")
    try:
        (blocking_parsed,) = parser.extract_statements(blocking)
        (scoring_parsed,) = parser.extract_statements(
            scoring.replace(PRIOR_SLOT, "cast($hrdd_prior as float8)")
        )
    finally:
        parser.close()
    cache[id(plan)] = (plan, (blocking_parsed, scoring_parsed))
    return blocking_parsed, scoring_parsed


_plans: dict[str, PredictionPlan | None] = {}
_plans_lock = threading.Lock()
_MAX_PLANS = 16  # parameters differ only when recalibrated: a handful per process


def prediction_plan(parameters: ModelParameters, floor_weight: float) -> PredictionPlan | None:
    """The plan for these parameters (made on first use, then shared by every thread), or None when Splink's SQL
    could not be recorded as expected."""
    key = f"{floor_weight!r}\n{parameters.to_json()}"
    with _plans_lock:
        if key in _plans:
            return _plans[key]
        try:
            plan: PredictionPlan | None = _record_plan(parameters, floor_weight)
        except Exception:  # noqa: BLE001  # any surprise means: no plan, Splink is called as before
            log.warning(
                "site matching: Splink's SQL could not be recorded; calling Splink each time", exc_info=True
            )
            plan = None
        if len(_plans) >= _MAX_PLANS:
            _plans.pop(next(iter(_plans)))
        _plans[key] = plan
        return plan


def _record_plan(parameters: ModelParameters, floor_weight: float) -> PredictionPlan | None:
    from splink.internals.misc import prob_to_match_weight

    def prior_literal(prior: float) -> str:
        return f"cast({prob_to_match_weight(prior)} as float8)"  # as Splink prints it (predict.py)

    recordings = []
    for sentinel in _SENTINELS:
        statements = _record(parameters, floor_weight, sentinel)
        literal = prior_literal(sentinel)
        if not statements or not all(literal in s for s in statements[1:]):
            return None
        recordings.append(tuple(s.replace(literal, PRIOR_SLOT) for s in statements))
    if recordings[0] != recordings[1] or any(str(s) in " ".join(recordings[0]) for s in _SENTINELS):
        return None
    return PredictionPlan(recordings[0], prior_literal)


def _record(parameters: ModelParameters, floor_weight: float, prior: float) -> list[str]:
    """Run Splink's predict_between once on a scratch database, as SiteIndex calls it; its CREATE statements."""
    import duckdb
    from splink import DuckDBAPI, Linker

    from hrdd.domain.sitematch.index import (
        _arrow_table,
        _register_rapidfuzz,
        _silence_splink,
        normalise_record,
    )
    from hrdd.domain.sitematch.types import SiteRecord

    executed: list[str] = []

    class RecordingAPI(DuckDBAPI):
        def _execute_sql_against_backend(self, final_sql: str) -> Any:
            executed.append(final_sql)
            return super()._execute_sql_against_backend(final_sql)

    _silence_splink()
    con = duckdb.connect(":memory:")
    try:
        _register_rapidfuzz(con)
        sample = normalise_record(
            SiteRecord("S1", "Sample Electronics Co Ltd", "1 Sample Road", "Penang", "", "MYS")
        )
        con.register("plan_registry", _arrow_table([sample], "registry"))
        con.execute(f"CREATE TABLE {REGISTRY_TABLE} AS SELECT * FROM plan_registry")  # noqa: S608  # our names
        con.execute(
            f"CREATE TABLE {TF_TABLE} AS SELECT {TF_COLUMN}, 1.0::DOUBLE AS tf_{TF_COLUMN} FROM {REGISTRY_TABLE}"  # noqa: S608
        )
        db = RecordingAPI(connection=con)
        registry = db.register(REGISTRY_TABLE, table_name="registry_plan")
        linker = Linker([registry], splink_settings(parameters, prior=prior), log_level=logging.ERROR)
        tf_table = db.register(TF_TABLE, table_name="registry_name_tf_plan")
        linker.table_management.register_term_frequency_lookup(tf_table, TF_COLUMN)
        left = db.register(_arrow_table([sample], "incoming"), table_name=INCOMING_TABLE)
        executed.clear()
        predictions = linker.inference.predict_between(
            left, registry, threshold_match_weight=floor_weight, warning_mode="never"
        )
        predicted_name = predictions.physical_name
    finally:
        con.close()
    creates = [(m.group(1), s) for s in executed if (m := _CREATE.match(s))]
    if len(creates) != 2 or creates[1][0] != predicted_name:
        return []
    (blocked_name, blocking), (_, scoring) = creates
    if blocked_name not in scoring or INCOMING_TABLE not in blocking or INCOMING_TABLE not in scoring:
        return []
    out = []
    for statement, name in ((blocking, blocked_name), (scoring, predicted_name)):
        # `OR REPLACE`: a table left by an interrupted call (in an index kept on disk) does not stop the next one
        query = _CREATE.sub("", statement.replace(blocked_name, BLOCKED_TABLE), count=1)
        target = BLOCKED_TABLE if name == blocked_name else PREDICTED_TABLE
        out.append(f"CREATE OR REPLACE TABLE {target} AS\n{query}")
    return out
