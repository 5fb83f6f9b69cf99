"""Production-site matching: one registry of real sites, whatever spelling a supplier's list uses (issue 11).

The public interface every caller uses (the `supplier_sites` app, `hrdd sites match`, the benchmarks):

- `SiteRecord`: a site as a registry holds it or as an incoming list names it.
- `match_records(incoming, registry, decisions=..., thresholds=...)`: one `MatchResult` per incoming record, in
  the order given: `auto` (linked to `site_key`), `review` (a person confirms or rejects `site_key`, the best
  candidate) or `new` (no site of the registry is close enough; `site_key` is None). Every result carries its
  candidates with the fields that agreed or disagreed and their weights, and a sentence saying why.
- `record_fingerprint(record)`: what makes two uploads "the same record", so that a reviewer's decision about a
  (fingerprint, site) pair is applied to every later upload of it (`Decisions`).

This module holds the types and the rules around the engine (thresholds, remembered decisions); the scoring
engine lives beside it in this package.
"""

from hrdd.domain.sitematch.engine import match_records
from hrdd.domain.sitematch.types import (
    Candidate,
    Decisions,
    FieldAgreement,
    MatchResult,
    SiteRecord,
    Thresholds,
    record_fingerprint,
)

__all__ = [
    "Candidate",
    "Decisions",
    "FieldAgreement",
    "MatchResult",
    "SiteRecord",
    "Thresholds",
    "match_records",
    "record_fingerprint",
]
