"""Production-site matching: one registry of real sites, whatever spelling a supplier's list uses (issue 11).

The public interface every caller uses (the `supplier_sites` app, `hrdd sites match`, the benchmarks):

- `SiteRecord`: a site as a registry holds it or as an incoming list names it.
- `match_records(incoming, registry, decisions=..., thresholds=...)`: one `MatchResult` per incoming record, in
  the order given: `auto` (linked to `site_key`), `review` (a person confirms or rejects `site_key`, the best
  candidate) or `new` (no site of the registry is close enough; `site_key` is None). Every result carries its
  candidates with the fields that agreed or disagreed and their weights, and a sentence saying why.
- `record_fingerprint(record)`: what makes two uploads "the same record", so that a reviewer's decision about a
  (fingerprint, site) pair is applied to every later upload of it (`Decisions`).

For a large registry, or many lists against one registry: `SiteIndex.build(sites, path=...)` once (on disk when
the registry is larger than memory; `SiteIndex.open(path)` later), then `index.match(incoming, decisions=...)`.
`estimate_parameters(pairs)` recalibrates the model's weights from labelled pairs (reviewers' confirmations).

This module holds the types and the rules around the engine (thresholds, remembered decisions); normalisation
(normalise.py), the model (model.py, parameters.json) and the Splink index (index.py) live beside it.
"""

from hrdd.domain.sitematch.engine import match_exact_names, match_records
from hrdd.domain.sitematch.index import SiteIndex, estimate_parameters
from hrdd.domain.sitematch.model import ModelParameters, shipped_parameters
from hrdd.domain.sitematch.normalise import NormalisedSite, normalise_site
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
    "ModelParameters",
    "NormalisedSite",
    "SiteIndex",
    "SiteRecord",
    "Thresholds",
    "estimate_parameters",
    "match_exact_names",
    "match_records",
    "normalise_site",
    "record_fingerprint",
    "shipped_parameters",
]
