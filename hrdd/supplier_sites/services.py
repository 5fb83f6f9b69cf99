"""Writes for the site registry: matching listed sites into mentions, review decisions, sites, groups, merges.

Every write is one transaction with an audit event. Matching (`mentions_record`) reads the registry of the
countries a list names, asks the matching engine (hrdd.domain.sitematch) once per country, and stores each
mention with its verdict; remembered decisions (`MatchDecision`) go to the engine with every batch, so a record a
reviewer decided on is never asked about again, whoever uploads it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import Organisation, User
from hrdd.accounts.services import require_writer, writer_organisation
from hrdd.audit.services import audit_record, save_audited
from hrdd.core.errors import InputError
from hrdd.core.forms import unknown_country_message
from hrdd.core.ids import new_public_id
from hrdd.core.texts import localize
from hrdd.domain.companies import (
    CompanyInputError,
    GroupLink,
    normalise_company_name,
    parent_creates_cycle,
    validate_lei,
    validate_os_id,
    validate_rmi_cid,
)
from hrdd.domain.countries import UnknownCountry, resolve_country
from hrdd.domain.sitematch import (
    Decisions,
    MatchResult,
    ModelParameters,
    SiteIndex,
    SiteRecord,
    Thresholds,
    match_records,
    record_fingerprint,
)
from hrdd.domain.text_data import text_data
from hrdd.domain.texts import Text, gettext_noop
from hrdd.supplier_sites.bulk import insert_rows
from hrdd.supplier_sites.calibration import Calibration, active_parameters
from hrdd.supplier_sites.models import (
    CompanyGroupLink,
    GroupRole,
    MatchDecision,
    MatchParameters,
    MentionStatus,
    Site,
    SiteGroup,
    SiteImport,
    SiteMention,
    SiteMerge,
    SiteType,
)
from hrdd.supplier_sites.sitefiles import ListedRecord, record_from_values, site_type_of

Progress = Callable[[int, int], None]
CHUNK = 500  # ids per IN (...) query
LINKED = (MentionStatus.AUTO, MentionStatus.CONFIRMED, MentionStatus.NEW, MentionStatus.REJECTED)


class StaleRecord(InputError):
    """A save based on a version of the record that someone else has changed since (nothing was saved)."""


def _expect_version(current: dt.datetime, expected: dt.datetime | str | None) -> None:
    """Refuse a save made on another version than `current` (the locked row's `updated_at`); None: no check."""
    if expected in (None, ""):
        return
    if isinstance(expected, str):
        try:
            expected = dt.datetime.fromisoformat(expected.strip())
        except ValueError as exc:
            raise InputError(_("Not a moment: %r.") % expected, field="updated_at") from exc
    if expected.tzinfo is None and current.tzinfo is not None:
        expected = timezone.make_aware(expected, dt.UTC)
    if expected != current:
        raise StaleRecord(
            _(
                "Someone else changed this record after you opened it (it was saved at %s), so nothing was "
                "saved: read it again and repeat your change."
            )
            % current.isoformat(),
            field="updated_at",
        )


def thresholds() -> Thresholds:
    """The thresholds of automatic links and review (the engine's defaults)."""
    return Thresholds()


# matching


@dataclass(frozen=True)
class Verdict:
    """What became of one listed record: the site it links to (None while waiting for review, or a new site to
    create), its status, score, reason and candidates (JSON, as stored on the mention)."""

    record: ListedRecord
    fingerprint: str
    status: str
    site_id: int | None
    score: float
    reason: str
    candidates: list[dict[str, Any]]


@dataclass(frozen=True)
class MatchCounts:
    """How the rows of a list ended: linked to a known site, waiting for review, new sites, refused rows."""

    linked: int = 0
    review: int = 0
    new: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"linked": self.linked, "review": self.review, "new": self.new, "rejected": self.rejected}


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def group_roots() -> dict[int, str]:
    """Each group entity's top group name (the group a registry record names for the engine)."""
    parents = {
        pk: (parent, name) for pk, parent, name in SiteGroup.objects.values_list("pk", "parent_id", "name")
    }
    roots: dict[int, str] = {}
    for pk in parents:
        seen = {pk}
        current = pk
        while parents[current][0] is not None and parents[current][0] not in seen:
            current = parents[current][0]
            seen.add(current)
        roots[pk] = parents[current][1]
    return roots


def _registry(country: str, roots: dict[int, str]) -> Iterator[SiteRecord]:
    """The listed sites of one country as the engine reads them, streamed from the database."""
    rows = (
        Site.objects.filter(country_iso3=country)
        .exclude(status=Site.Status.MERGED)
        .order_by()
        .values_list("public_id", "name", "other_names", "address", "city", "postal_code", "operator_id")
    )
    for public_id, name, other_names, address, city, postal_code, operator_id in rows.iterator(
        chunk_size=5000
    ):
        yield SiteRecord(
            key=str(public_id),
            name=name,
            address=address,
            city=city,
            postal_code=postal_code,
            country=country,
            other_names=tuple(other_names or ()),
            group=roots.get(operator_id, "") if operator_id else "",
        )


def _decisions(fingerprints: Iterable[str]) -> Decisions:
    pairs: dict[tuple[str, str], bool] = {}
    for chunk in _chunks(sorted(set(fingerprints))):
        for fp, site, same in MatchDecision.objects.filter(fingerprint__in=chunk).values_list(
            "fingerprint", "site__public_id", "same"
        ):
            pairs[(fp, str(site))] = same
    return Decisions(pairs=pairs)


def _site_ids(public_ids: Iterable[str]) -> dict[str, int]:
    """Site pk by public id; a merged site's id is its keeper's (a decision or candidate may name it)."""
    found: dict[str, int] = {}
    merged: dict[str, int] = {}
    for chunk in _chunks(sorted(set(public_ids))):
        for public_id, pk, merged_into in Site.objects.filter(public_id__in=chunk).values_list(
            "public_id", "pk", "merged_into_id"
        ):
            found[str(public_id)] = pk
            if merged_into is not None:
                merged[str(public_id)] = merged_into
    for key, into in merged.items():
        seen = {found[key]}
        while into is not None and into not in seen:
            seen.add(into)
            found[key] = into
            into = Site.objects.filter(pk=into).values_list("merged_into_id", flat=True).first()
    return found


# Candidates kept on a mention, by its verdict: review needs the alternatives side by side; an automatic link or a
# new site keeps only its best candidate with its reasons (why it linked, or the nearest it did not link to).
CANDIDATES_KEPT = {"review": 5, "auto": 1, "new": 1}


def _candidates_json(result: MatchResult, status: str = "review") -> list[dict[str, Any]]:
    return [
        {
            "site": c.site_key,
            "score": round(float(c.score), 4),
            "agreements": [
                {
                    "field": a.field,
                    "level": a.level,
                    "weight": round(float(a.weight), 3),
                    "detail": a.detail,
                    "detail_said": text_data(a.detail),
                }
                for a in c.agreements
            ],
        }
        for c in result.candidates[: CANDIDATES_KEPT.get(status, 5)]
    ]


def match_listed(
    records: Sequence[ListedRecord],
    *,
    progress: Progress | None = None,
    registry: Callable[[str], Iterable[SiteRecord]] | None = None,
) -> list[Verdict]:
    """Match records against the registry (only the countries they name), reading only: one verdict each, in the
    order given. A record with the Open Supply Hub id or RMI facility id of a listed site links to it at once."""
    fingerprints = [record_fingerprint(r.as_site_record(str(i))) for i, r in enumerate(records)]
    decisions = _decisions(fingerprints)
    by_identifier = _identifier_matches(records)
    roots = group_roots() if registry is None else {}
    read = registry or (lambda country: _registry(country, roots))
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if i not in by_identifier:
            by_country[record.country_iso3].append(i)
    results: dict[int, MatchResult] = {}
    done = len(by_identifier)
    parameters = active_parameters() if by_country else None
    for countries in _batches(by_country):
        indices = [i for country in countries for i in by_country[country]]
        incoming = [records[i].as_site_record(str(i)) for i in indices]
        registry_part = itertools.chain.from_iterable(read(country) for country in countries)
        for result in _match(incoming, registry_part, decisions, parameters):
            results[int(result.record_key)] = result
        done += len(indices)
        if progress is not None:
            progress(done, len(records))
    keys = [r.site_key for r in results.values() if r.site_key] + [
        c.site_key for r in results.values() for c in r.candidates
    ]
    ids = _site_ids(keys)
    verdicts = []
    for i, record in enumerate(records):
        if i in by_identifier:
            site_id, reason = by_identifier[i]
            verdicts.append(Verdict(record, fingerprints[i], MentionStatus.AUTO, site_id, 1.0, reason, []))
            continue
        result = results[i]
        site_id = ids.get(result.site_key) if result.site_key else None
        status = result.status
        if status == "auto" and site_id is None:  # the engine named a site that is gone: ask a person
            status = "new"
        verdicts.append(
            Verdict(
                record,
                fingerprints[i],
                {"auto": MentionStatus.AUTO, "review": MentionStatus.REVIEW}.get(status, MentionStatus.NEW),
                site_id if status == "auto" else None,
                float(result.score),
                result.reason if len(result.reason) <= 500 else result.reason[:500],
                _candidates_json(result, status),
            )
        )
    return verdicts


def _match(
    incoming: Sequence[SiteRecord],
    registry: Iterable[SiteRecord],
    decisions: Decisions,
    parameters: ModelParameters | None,
) -> list[MatchResult]:
    """One call of the engine, with the calibrated parameters in force (`hrdd sites calibrate --apply`) or, with
    none, the shipped ones."""
    if parameters is None:
        return match_records(incoming, registry, decisions=decisions, thresholds=thresholds())
    index = SiteIndex.build(registry, parameters=parameters)
    try:
        return index.match(incoming, decisions=decisions, thresholds=thresholds())
    finally:
        index.close()


BATCH_RECORDS = (
    5000  # incoming records per call of the engine: each call has a fixed cost, progress comes per call
)


def _batches(by_country: dict[str, list[int]]) -> Iterator[list[str]]:
    """Countries grouped so that each call of the engine matches about BATCH_RECORDS records (the engine blocks by
    country itself; only the registries of the batch's countries are read)."""
    batch: list[str] = []
    size = 0
    for country in sorted(by_country):
        batch.append(country)
        size += len(by_country[country])
        if size >= BATCH_RECORDS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _identifier_matches(records: Sequence[ListedRecord]) -> dict[int, tuple[int, str]]:
    """Records whose Open Supply Hub id or RMI facility id is a listed site's: index -> (site pk, reason)."""
    wanted = {
        "os_id": {r.os_id for r in records if r.os_id},
        "rmi_cid": {r.rmi_cid for r in records if r.rmi_cid},
    }
    known: dict[tuple[str, str], int] = {}
    for name, values in wanted.items():
        for chunk in _chunks(sorted(values)):
            for value, pk in (
                Site.objects.filter(**{f"{name}__in": chunk})
                .exclude(status=Site.Status.MERGED)
                .values_list(name, "pk")
            ):
                known.setdefault((name, value), pk)
    reasons = {
        "os_id": Text(gettext_noop("the same Open Supply Hub id")),
        "rmi_cid": Text(gettext_noop("the same RMI facility id")),
    }
    found = {}
    for i, record in enumerate(records):
        for name in ("os_id", "rmi_cid"):
            value = getattr(record, name)
            if value and (name, value) in known:
                found[i] = (known[(name, value)], reasons[name])
                break
    return found


def _group_for(name: str, country: str, cache: dict[str, SiteGroup], actor: User | None) -> SiteGroup | None:
    normalised = normalise_company_name(name)[:200]
    if not normalised:
        return None
    if normalised not in cache:
        group = SiteGroup.objects.filter(normalised_name=normalised).order_by(
            "parent_id", "id"
        ).first() or SiteGroup.objects.create(
            name=name[:200],
            normalised_name=normalised,
            kind=SiteGroup.Kind.GROUP,
            created_by=actor if _is_user(actor) else None,
        )
        cache[normalised] = group
    return cache[normalised]


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _new_site(record: ListedRecord, actor: User | None, groups: dict[str, SiteGroup]) -> Site:
    return Site(
        name=record.name,
        normalised_name=normalise_company_name(record.name)[:300],
        address=record.address,
        city=record.city,
        postal_code=record.postal_code,
        country_iso3=record.country_iso3,
        latitude=record.latitude,
        longitude=record.longitude,
        site_type=site_type_of(record.site_type),
        operator=_group_for(record.group_name, record.country_iso3, groups, actor)
        if record.group_name
        else None,
        os_id=record.os_id,
        rmi_cid=record.rmi_cid,
        lei=record.lei,
        created_by=actor if _is_user(actor) else None,
    )


def _new_site_rows(records: Sequence[ListedRecord], actor: User | None) -> Iterator[dict[str, Any]]:
    """The rows of new sites, for `insert_rows`: each with its public id drawn here (the mentions are told it)."""
    groups: dict[str, SiteGroup] = {}
    by_name: dict[str, int | None] = {}
    types: dict[str, str] = {}
    created_by = actor.pk if _is_user(actor) and actor is not None else None
    for record in records:
        operator_id = None
        if record.group_name:
            if record.group_name not in by_name:
                group = _group_for(record.group_name, record.country_iso3, groups, actor)
                by_name[record.group_name] = group.pk if group is not None else None
            operator_id = by_name[record.group_name]
        if record.site_type not in types:
            types[record.site_type] = site_type_of(record.site_type)
        yield {
            "name": record.name,
            "normalised_name": normalise_company_name(record.name)[:300],
            "other_names": [],
            "address": record.address,
            "city": record.city,
            "postal_code": record.postal_code,
            "country_iso3": record.country_iso3,
            "latitude": record.latitude,
            "longitude": record.longitude,
            "site_type": types[record.site_type],
            "operator_id": operator_id,
            "os_id": record.os_id,
            "rmi_cid": record.rmi_cid,
            "lei": record.lei,
            "status": Site.Status.ACTIVE,
            "created_by_id": created_by,
        }


def _create_new_sites(verdicts: Sequence[Verdict], actor: User | None) -> dict[str, int]:
    """Create one site per fingerprint among the verdicts that found no site (a list naming a new factory twice
    names one site), one INSERT per batch; returns site pk by fingerprint."""
    firsts: dict[str, ListedRecord] = {}
    for v in verdicts:
        if v.status in (MentionStatus.NEW, MentionStatus.REJECTED) and v.site_id is None:
            firsts.setdefault(v.fingerprint, v.record)
    if not firsts:
        return {}
    public_ids = {fp: new_public_id() for fp in firsts}
    rows = (
        row | {"public_id": public_ids[fp]}
        for fp, row in zip(firsts, _new_site_rows(list(firsts.values()), actor), strict=True)
    )
    insert_rows(Site, rows)
    ids: dict[Any, int] = {}
    for chunk in _chunks(list(public_ids.values())):
        ids.update(Site.objects.filter(public_id__in=chunk).values_list("public_id", "pk"))
    return {fp: ids[public_id] for fp, public_id in public_ids.items()}


def _store(
    *,
    organisation: Organisation,
    verdicts: Sequence[Verdict],
    source: str,
    mentioned_on: dt.date,
    actor: User | None,
    contract: Any = None,
    supplier: Any = None,
    submission: Any = None,
    site_import: SiteImport | None = None,
    production_sites: Sequence[Any] | None = None,
) -> list[Any]:
    """Store the mentions of matched records (and the new sites they name), in the caller's transaction, one
    INSERT per batch (no signals, no per-row save); returns the mentions' public ids in the order given. Rows
    under a contract without a supplier named are the contract's supplier's."""
    if supplier is None and contract is not None:
        supplier = contract.supplier
    new_ids = _create_new_sites(verdicts, actor)
    now = timezone.now()
    common = {
        "organisation_id": organisation.pk,
        "created_by_id": actor.pk if _is_user(actor) and actor is not None else None,
        "source": source,
        "submission_id": getattr(submission, "pk", None),
        "contract_id": getattr(contract, "pk", None),
        "supplier_id": getattr(supplier, "pk", None),
        "site_import_id": getattr(site_import, "pk", None),
        "mentioned_on": mentioned_on,
        "matched_at": now,
        "created_at": now,
        "updated_at": now,
    }
    public_ids = [uuid.uuid4() for _ in verdicts]

    def rows() -> Iterator[dict[str, Any]]:
        for i, v in enumerate(verdicts):
            record = v.record
            yield common | {
                "public_id": public_ids[i],
                "site_id": v.site_id if v.site_id is not None else new_ids.get(v.fingerprint),
                "production_site_id": production_sites[i].pk if production_sites is not None else None,
                "row": record.row,
                "raw": record.raw,
                "name": record.name,
                "address": record.address,
                "city": record.city,
                "postal_code": record.postal_code,
                "country_iso3": record.country_iso3,
                "site_type": record.site_type,
                "products": record.products,
                "group_name": record.group_name,
                "fingerprint": v.fingerprint,
                "status": v.status,
                "score": v.score,
                "reason": v.reason,
                "reason_said": text_data(v.reason),
                "candidates": v.candidates,
            }

    insert_rows(SiteMention, rows())
    return public_ids


def count_verdicts(verdicts: Iterable[Verdict], *, rejected: int = 0) -> MatchCounts:
    counts = Counter(v.status for v in verdicts)
    return MatchCounts(
        linked=counts[MentionStatus.AUTO] + counts[MentionStatus.CONFIRMED],
        review=counts[MentionStatus.REVIEW],
        new=counts[MentionStatus.NEW] + counts[MentionStatus.REJECTED],
        rejected=rejected,
    )


@transaction.atomic
def mentions_record(
    *,
    organisation: Organisation,
    records: Sequence[ListedRecord],
    source: str,
    mentioned_on: dt.date,
    actor: User | None = None,
    actor_label: str | None = None,
    contract: Any = None,
    supplier: Any = None,
    submission: Any = None,
    site_import: SiteImport | None = None,
    production_sites: Sequence[Any] | None = None,
    verdicts: Sequence[Verdict] | None = None,
    progress: Progress | None = None,
) -> MatchCounts:
    """Match records into the registry and store one mention each, owned by `organisation` (all or nothing).

    `verdicts` already computed (by `match_listed`, outside the transaction) are stored as they are."""
    if verdicts is None:
        verdicts = match_listed(records, progress=progress)
    _store(
        organisation=organisation,
        verdicts=verdicts,
        source=source,
        mentioned_on=mentioned_on,
        actor=actor,
        contract=contract,
        supplier=supplier,
        submission=submission,
        site_import=site_import,
        production_sites=production_sites,
    )
    counts = count_verdicts(verdicts)
    target = site_import or submission or contract
    if target is not None:
        audit_record(
            actor=actor,
            actor_label=actor_label,
            organisation=organisation,
            action="site_mention.match",
            target=target,
            after={"source": source, "mentions": len(verdicts), **counts.as_dict()},
        )
    return counts


# A supplier's site list longer than this is matched by a background task after the submission is stored: the
# supplier's upload answers at once (matching 20,000 rows takes seconds, the page's requests stay under 2 s).
SUBMISSION_MATCH_IN_REQUEST_MAX = 500


def submission_records(submission: Any) -> tuple[list[ListedRecord], list[Any]]:
    """The production sites of a supplier's site-list submission as records to match, with their rows."""
    rows = list(submission.sites.order_by("row"))
    records = [
        ListedRecord(
            name=" ".join(p.name.split())[:300] or _("(no name) row %d") % p.row,
            country_iso3=p.country_iso3,
            address=p.address,
            site_type=p.site_type,
            products=p.products,
            row=p.row,
            raw={
                "name": p.name,
                "address": p.address,
                "country": p.country_iso3,
                "site_type": p.site_type,
                "products": p.products,
            },
        )
        for p in rows
    ]
    return records, rows


def submission_mentions_store(
    *, submission: Any, verdicts: Sequence[Verdict] | None = None, progress: Progress | None = None
) -> MatchCounts:
    """Store one mention per production site of a submission, owned by the contract's organisation (matched now
    unless `verdicts` are given)."""
    contract = submission.obligation.contract
    records, rows = submission_records(submission)
    return mentions_record(
        organisation=contract.organisation,
        records=records,
        source=SiteMention.Source.SUBMISSION,
        mentioned_on=timezone.localdate(submission.submitted_at)
        if submission.submitted_at
        else timezone.localdate(),
        actor_label=f"supplier link ({contract.supplier_name})",
        contract=contract,
        supplier=contract.supplier,
        submission=submission,
        production_sites=rows,
        verdicts=verdicts,
        progress=progress,
    )


def site_mentions_from_submission(*, submission: Any) -> MatchCounts | None:
    """Match the production sites of a supplier's site-list submission into the registry: one mention per row,
    owned by the contract's organisation (call it in the transaction that stores the submission). A list of more
    than SUBMISSION_MATCH_IN_REQUEST_MAX rows is queued instead (in the same transaction: it is matched only if
    the submission is stored) and None is returned."""
    if submission.sites.count() > SUBMISSION_MATCH_IN_REQUEST_MAX:
        from hrdd.supplier_sites.tasks import submission_match_start

        submission_match_start(submission=submission)
        return None
    return submission_mentions_store(submission=submission)


def submission_mentions_remove(*, submission: Any, actor_label: str) -> dict[str, int]:
    """Remove the registry mentions of a site list the supplier withdrew (hrdd.contracts.submission_withdraw;
    call it in that transaction). A site that came from this list alone (created once the list was received and
    named by no other mention) leaves the registry with it, unless something still holds it (an incident, a
    merge, a move, a share); a site other lists name stays. Return how many mentions and sites were removed."""
    from django.db.models import ProtectedError

    from hrdd.accounts.models import Share

    mentions = list(SiteMention.objects.select_for_update().filter(submission=submission))
    if not mentions:
        return {"mentions": 0, "sites": 0}
    named = {m.site_id for m in mentions if m.site_id is not None}
    SiteMention.objects.filter(pk__in=[m.pk for m in mentions]).delete()
    shared = set(
        Share.objects.filter(record_type="supplier_sites.site", record_id__in=named).values_list(
            "record_id", flat=True
        )
    )
    removed = 0
    for site in Site.objects.filter(pk__in=named - shared, created_at__gte=submission.submitted_at):
        if site.mentions.exists():
            continue
        try:
            with transaction.atomic():
                site.delete()
        except ProtectedError:
            continue
        removed += 1
    audit_record(
        actor=None,
        actor_label=actor_label,
        organisation=submission.obligation.contract.organisation,
        action="site_mention.withdraw",
        target=submission,
        after={"mentions": len(mentions), "sites_removed": removed},
    )
    return {"mentions": len(mentions), "sites": removed}


# one mention at a time


MENTION_FIELDS = ("name", "address", "city", "postal_code", "country", "site_type", "products", "group_name")


def _mention_state(mention: SiteMention) -> dict[str, Any]:
    return {
        "name": mention.name,
        "address": mention.address,
        "city": mention.city,
        "postal_code": mention.postal_code,
        "country": mention.country_iso3,
        "site_type": mention.site_type,
        "products": mention.products,
        "group_name": mention.group_name,
        "site": str(mention.site.public_id) if mention.site_id else None,
        "status": mention.status,
        "score": mention.score,
    }


def _record_of(
    values: dict[str, Any], *, row: int | None = None, raw: dict[str, str] | None = None
) -> ListedRecord:
    unknown = sorted(set(values) - set(MENTION_FIELDS))
    if unknown:
        raise InputError(_("Unknown field %r.") % unknown[0], field=unknown[0])
    try:
        return record_from_values({k: str(v or "") for k, v in values.items()}, row=row, raw=raw)
    except CompanyInputError as exc:  # the domain's Text, said in the reader's language
        raise InputError(localize(exc.args[0]), field=exc.field) from exc


@transaction.atomic
def mention_add(
    *,
    actor: User,
    contract: Any = None,
    supplier: Any = None,
    mentioned_on: dt.date | None = None,
    **values: Any,
) -> SiteMention:
    """Add one site to what the actor's organisation knows (a row a supplier's list forgot), matched at once."""
    organisation = writer_organisation(actor)
    for name, owned in (("contract", contract), ("supplier", supplier)):
        if owned is not None and owned.organisation_id != organisation.pk:
            raise InputError(_("Unknown %s.") % name, field=name)
    if contract is not None and supplier is None:
        supplier = contract.supplier
    record = _record_of(values, raw={k: str(v or "") for k, v in values.items()})
    verdicts = match_listed([record])
    [public_id] = _store(
        organisation=organisation,
        verdicts=verdicts,
        source=SiteMention.Source.MANUAL,
        mentioned_on=mentioned_on or timezone.localdate(),
        actor=actor,
        contract=contract,
        supplier=supplier,
    )
    mention = SiteMention.objects.select_related("site").get(public_id=public_id)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="site_mention.create",
        target=mention,
        after=_mention_state(mention),
    )
    return mention


@transaction.atomic
def mention_correct(
    *,
    actor: User,
    mention: SiteMention,
    expected_updated_at: dt.datetime | str | None = None,
    **values: Any,
) -> SiteMention:
    """Correct one row without re-uploading its list: the record is matched again and its verdict replaced (the
    row as typed stays in `raw`; a supplier's submission stays as delivered). With `expected_updated_at`, a row
    changed by someone else since (a correction, a review decision) is refused (StaleRecord)."""
    require_writer(actor, mention.organisation)
    mention = SiteMention.objects.select_for_update(of=("self",)).select_related("site").get(pk=mention.pk)
    _expect_version(mention.updated_at, expected_updated_at)
    before = _mention_state(mention)
    current = {k: before[k] or "" for k in MENTION_FIELDS}
    record = _record_of({**current, **values}, row=mention.row, raw=mention.raw)
    [verdict] = match_listed([record])
    new_ids = _create_new_sites([verdict], actor)
    for name in (
        "name",
        "address",
        "city",
        "postal_code",
        "country_iso3",
        "site_type",
        "products",
        "group_name",
    ):
        setattr(mention, name, getattr(record, name))
    mention.fingerprint = verdict.fingerprint
    mention.status = verdict.status
    mention.site_id = verdict.site_id if verdict.site_id is not None else new_ids.get(verdict.fingerprint)
    mention.score = verdict.score
    mention.reason = verdict.reason
    mention.reason_said = text_data(verdict.reason)
    mention.candidates = verdict.candidates
    mention.matched_at = timezone.now()
    mention.decided_by = None
    mention.save()
    audit_record(
        actor=actor,
        organisation=mention.organisation,
        action="site_mention.correct",
        target=mention,
        before=before,
        after=_mention_state(mention),
    )
    return mention


@transaction.atomic
def mention_delete(*, actor: User, mention: SiteMention) -> None:
    """Remove one mention (a row named by mistake); a site it created stays in the registry."""
    require_writer(actor, mention.organisation)
    audit_record(
        actor=actor,
        organisation=mention.organisation,
        action="site_mention.delete",
        target=mention,
        before=_mention_state(mention) | {"row": mention.row, "raw": mention.raw},
    )
    mention.delete()


# review decisions


def _listed_site(site: Site, field: str = "site") -> Site:
    seen = set()
    while site.merged_into_id is not None and site.pk not in seen:
        seen.add(site.pk)
        site = Site.objects.get(pk=site.merged_into_id)
    if not site.is_listed:
        raise InputError(_("That site is merged into another."), field=field)
    return site


def _candidate_site(mention: SiteMention, site: Site | None) -> Site:
    """The site a decision is about: the one given, else the site an automatic or confirmed link chose, else the
    mention's best candidate."""
    if site is not None:
        return _listed_site(site)
    if mention.site_id is not None and mention.status in (MentionStatus.AUTO, MentionStatus.CONFIRMED):
        return _listed_site(mention.site)  # type: ignore[arg-type]
    best = mention.best_candidate
    if best is None:
        raise InputError(_("This mention has no candidate site: name the site."), field="site")
    found = Site.objects.filter(public_id=best["site"]).first()
    if found is None:
        raise InputError(_("The candidate site no longer exists: name the site."), field="site")
    return _listed_site(found)


def _remember(actor: User, mention: SiteMention, site: Site, same: bool) -> MatchDecision:
    decision, _created = MatchDecision.objects.update_or_create(
        fingerprint=mention.fingerprint,
        site=site,
        defaults={
            "same": same,
            "decided_by": actor,
            "organisation": actor.organisation,
            "record": {
                "name": mention.name,
                "address": mention.address,
                "city": mention.city,
                "postal_code": mention.postal_code,
                "country": mention.country_iso3,
            },
        },
    )
    return decision


def _pending_alike(mention: SiteMention) -> list[SiteMention]:
    """The mentions waiting for review of the same record, in every organisation (the decision answers them)."""
    return list(
        SiteMention.objects.select_for_update()
        .filter(fingerprint=mention.fingerprint, status=MentionStatus.REVIEW)
        .select_related("organisation")
    )


def _audit_applied(actor: User, mentions: Sequence[SiteMention], action: str, after: dict[str, Any]) -> None:
    by_organisation: dict[int, list[SiteMention]] = defaultdict(list)
    for m in mentions:
        by_organisation[m.organisation_id].append(m)
    for group in by_organisation.values():
        audit_record(
            actor=actor,
            organisation=group[0].organisation,
            action=action,
            target=group[0],
            after=after | {"mentions": [str(m.public_id) for m in group]},
        )


@transaction.atomic
def mention_confirm(*, actor: User, mention: SiteMention, site: Site | None = None) -> SiteMention:
    """Confirm that a mention names a site (its best candidate unless another is given): the pair is remembered
    installation-wide, and every mention of the same record waiting for review is linked too."""
    require_writer(actor, mention.organisation)
    site = _candidate_site(mention, site)
    decision = _remember(actor, mention, site, True)
    alike = _pending_alike(mention)
    if mention.pk not in {m.pk for m in alike}:
        alike.append(SiteMention.objects.select_for_update().get(pk=mention.pk))
    now = timezone.now()
    for m in alike:
        m.site = site
        m.status = MentionStatus.CONFIRMED
        m.score = 1.0
        m.reason = Text(gettext_noop("a reviewer confirmed this record is this site"))
        m.reason_said = text_data(m.reason)
        m.decided_by = actor
        m.matched_at = now
        m.save(
            update_fields=[
                "site",
                "status",
                "score",
                "reason",
                "reason_said",
                "decided_by",
                "matched_at",
                "updated_at",
            ]
        )
    _audit_applied(
        actor, alike, "site_mention.confirm", {"site": str(site.public_id), "decision": decision.pk}
    )
    mention.refresh_from_db()
    return mention


def _remaining(mention: SiteMention, rejected: Site) -> list[dict[str, Any]]:
    decided = {
        str(s)
        for s in MatchDecision.objects.filter(fingerprint=mention.fingerprint, same=False).values_list(
            "site__public_id", flat=True
        )
    }
    return [
        c for c in mention.candidates if c["site"] != str(rejected.public_id) and c["site"] not in decided
    ]


@transaction.atomic
def mention_reject(*, actor: User, mention: SiteMention, site: Site | None = None) -> SiteMention:
    """Reject a candidate of a mention (its best one unless another is given): the pair is remembered and never
    proposed again. The mention goes on to its next candidate, or, with none left, becomes a new site; every
    mention of the same record waiting for review follows."""
    require_writer(actor, mention.organisation)
    site = _candidate_site(mention, site)
    decision = _remember(actor, mention, site, False)
    alike = _pending_alike(mention)
    if mention.pk not in {m.pk for m in alike}:
        alike.append(SiteMention.objects.select_for_update().get(pk=mention.pk))
    remaining = _remaining(mention, site)
    now = timezone.now()
    new_site: Site | None = None
    if remaining and remaining[0]["score"] >= thresholds().review:
        status, site_id, score, reason = (
            MentionStatus.REVIEW,
            None,
            remaining[0]["score"],
            Text(gettext_noop("a reviewer rejected the best candidate; the next one waits for review")),
        )
    else:
        record = ListedRecord(
            name=mention.name,
            country_iso3=mention.country_iso3,
            address=mention.address,
            city=mention.city,
            postal_code=mention.postal_code,
            site_type=mention.site_type,
            group_name=mention.group_name,
        )
        new_site = _new_site(record, actor, {})
        new_site.save()
        status, site_id, score, reason = (
            MentionStatus.REJECTED,
            new_site.pk,
            0.0,
            Text(gettext_noop("a reviewer rejected every candidate: a new site")),
        )
    for m in alike:
        m.status = status
        m.site_id = site_id
        m.score = score
        m.reason = reason
        m.reason_said = text_data(reason)
        m.candidates = remaining
        m.decided_by = actor
        m.matched_at = now
        m.save(
            update_fields=[
                "site",
                "status",
                "score",
                "reason",
                "reason_said",
                "candidates",
                "decided_by",
                "matched_at",
                "updated_at",
            ]
        )
    _audit_applied(
        actor,
        alike,
        "site_mention.reject",
        {
            "rejected_site": str(site.public_id),
            "decision": decision.pk,
            "status": status,
            "new_site": str(new_site.public_id) if new_site else None,
        },
    )
    mention.refresh_from_db()
    return mention


# sites


SITE_FIELDS = (
    "name",
    "other_names",
    "address",
    "city",
    "postal_code",
    "country_iso3",
    "latitude",
    "longitude",
    "site_type",
    "is_artisanal",
    "operator",
    "os_id",
    "rmi_cid",
    "lei",
    "status",
    "moved_to",
)


def site_state(site: Site) -> dict[str, Any]:
    state = {name: getattr(site, name) for name in SITE_FIELDS if name not in ("operator", "moved_to")}
    state["operator"] = str(site.operator.public_id) if site.operator_id else None
    state["moved_to"] = str(site.moved_to.public_id) if site.moved_to_id else None
    return state


def _names(value: Any, field: str, exclude: str) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(_("Other names must be a list of names."), field=field)
    return sorted({" ".join(v.split())[:300] for v in value if v.strip()} - {exclude})


def _identifier(value: Any, validate: Callable[[str], str]) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        return validate(text)
    except CompanyInputError as exc:  # the domain's Text, said in the reader's language
        raise InputError(localize(exc.args[0]), field=exc.field) from exc


def _coordinate(value: Any, field: str, limit: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(_("Enter a number."), field=field) from exc
    if not -limit <= number <= limit:
        raise InputError(_("Enter a number from -%(limit)d to %(limit)d.") % {"limit": limit}, field=field)
    return number


def _clean_site(values: dict[str, Any], site: Site | None) -> dict[str, Any]:
    unknown = sorted(set(values) - set(SITE_FIELDS))
    if unknown:
        raise InputError(_("Unknown site field %r.") % unknown[0], field=unknown[0])
    name = " ".join(str(values.get("name") or "").split())[:300]
    if not normalise_company_name(name):
        raise InputError(_("A name is required."), field="name")
    cleaned: dict[str, Any] = {"name": name, "normalised_name": normalise_company_name(name)[:300]}
    cleaned["other_names"] = _names(values.get("other_names") or [], "other_names", name)
    for key, limit in (("address", 500), ("city", 200), ("postal_code", 20)):
        cleaned[key] = " ".join(str(values.get(key) or "").split())[:limit]
    try:
        cleaned["country_iso3"] = resolve_country(str(values.get("country_iso3") or ""))
    except UnknownCountry as exc:
        raise InputError(unknown_country_message(exc), field="country_iso3") from exc
    if not cleaned["country_iso3"]:
        raise InputError(_("The country is required."), field="country_iso3")
    cleaned["latitude"] = _coordinate(values.get("latitude"), "latitude", 90)
    cleaned["longitude"] = _coordinate(values.get("longitude"), "longitude", 180)
    if (cleaned["latitude"] is None) != (cleaned["longitude"] is None):
        raise InputError(_("Give both coordinates or neither."), field="latitude")
    site_type = str(values.get("site_type") or "")
    if site_type and site_type not in SiteType.values:
        raise InputError(
            _("Unknown site type %(type)r; known: %(known)s.")
            % {"type": site_type, "known": ", ".join(SiteType.values)},
            field="site_type",
        )
    cleaned["site_type"] = site_type
    is_artisanal = values.get("is_artisanal") or False
    if not isinstance(is_artisanal, bool):
        raise InputError(_("Say yes or no: is it an artisanal or small-scale mine?"), field="is_artisanal")
    if is_artisanal and site_type != SiteType.MINE:
        raise InputError(
            _("Only a mine can be artisanal or small-scale: set its type to mine."), field="is_artisanal"
        )
    cleaned["is_artisanal"] = is_artisanal
    operator = values.get("operator")
    if operator is not None and not isinstance(operator, SiteGroup):
        raise InputError(_("Unknown group."), field="operator")
    cleaned["operator"] = operator
    cleaned["os_id"] = _identifier(values.get("os_id"), validate_os_id)
    cleaned["rmi_cid"] = _identifier(values.get("rmi_cid"), validate_rmi_cid)
    cleaned["lei"] = _identifier(values.get("lei"), validate_lei)
    status = str(values.get("status") or Site.Status.ACTIVE)
    if status not in (Site.Status.ACTIVE, Site.Status.CLOSED, Site.Status.MOVED):
        raise InputError(_("The status is active, closed or moved."), field="status")
    cleaned["status"] = status
    moved_to = values.get("moved_to")
    if status == Site.Status.MOVED:
        if not isinstance(moved_to, Site):
            raise InputError(_("Say which site it moved to."), field="moved_to")
        if (site is not None and moved_to.pk == site.pk) or not moved_to.is_listed:
            raise InputError(_("A site cannot move to itself or to a merged site."), field="moved_to")
    else:
        moved_to = None
    cleaned["moved_to"] = moved_to
    return cleaned


@transaction.atomic
def site_create(*, actor: User, **values: Any) -> Site:
    """Record a site in the registry by hand."""
    organisation = writer_organisation(actor)
    cleaned = _clean_site(values, None)
    site = Site.objects.create(created_by=actor, **cleaned)
    audit_record(
        actor=actor, organisation=organisation, action="site.create", target=site, after=site_state(site)
    )
    return site


@transaction.atomic
def site_update(
    *, actor: User, site: Site, expected_updated_at: dt.datetime | str | None = None, **values: Any
) -> Site:
    """Correct a site of the registry (shared by the installation: every change is audited). With
    `expected_updated_at` (the version the change was made on), a site saved by someone else since is refused
    (StaleRecord), checked under the row's lock."""
    writer_organisation(actor)
    record = Site.objects.select_for_update().get(pk=site.pk)
    _expect_version(record.updated_at, expected_updated_at)
    if not record.is_listed:
        raise InputError(
            _("This site is merged into another: change that one, or undo the merge."), field="site"
        )
    current = {name: getattr(record, name) for name in SITE_FIELDS}
    cleaned = _clean_site(current | values, record)
    before = site_state(record)
    for name, value in cleaned.items():
        setattr(record, name, value)
    record.save()
    audit_record(
        actor=actor,
        organisation=actor.organisation,
        action="site.update",
        target=record,
        before=before,
        after=site_state(record),
    )
    site.refresh_from_db()
    return site


# merges


MERGE_FILLS = (
    "address",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "site_type",
    "operator_id",
    "os_id",
    "rmi_cid",
    "lei",
)


@transaction.atomic
def site_merge(*, actor: User, kept: Site, merged: Site) -> SiteMerge:
    """Fold `merged` into `kept`: its names become other names, its mentions, decisions and "moved to" pointers
    move, its identifiers fill the kept site's blanks; all of it is kept on the merge for `site_merge_undo`."""
    organisation = writer_organisation(actor)
    kept = Site.objects.select_for_update().get(pk=kept.pk)
    merged = Site.objects.select_for_update().get(pk=merged.pk)
    if kept.pk == merged.pk:
        raise InputError(_("A site cannot be merged into itself."), field="merged")
    for site, field in ((kept, "kept"), (merged, "merged")):
        if not site.is_listed:
            raise InputError(_("%s is merged into another site already.") % site.name, field=field)
    added_names = [
        n
        for n in dict.fromkeys([merged.name, *merged.other_names])
        if n != kept.name and n not in kept.other_names
    ]
    filled = {
        name: getattr(merged, name)
        for name in MERGE_FILLS
        if getattr(kept, name) in (None, "") and getattr(merged, name) not in (None, "")
    }
    mentions = list(SiteMention.objects.filter(site=merged).values_list("pk", flat=True))
    clashing = set(MatchDecision.objects.filter(site=kept).values_list("fingerprint", flat=True))
    decisions = list(
        MatchDecision.objects.filter(site=merged)
        .exclude(fingerprint__in=clashing)
        .values_list("pk", flat=True)
    )
    moved_from = list(Site.objects.filter(moved_to=merged).values_list("pk", flat=True))
    merge = SiteMerge.objects.create(
        kept=kept,
        merged=merged,
        merged_by=actor,
        organisation=organisation,
        moved={
            "mentions": mentions,
            "decisions": decisions,
            "moved_from": moved_from,
            "added_names": added_names,
            "filled": sorted(filled),
            "merged_status": merged.status,
            "merged_moved_to": merged.moved_to_id,
        },
    )
    SiteMention.objects.filter(pk__in=mentions).update(site=kept)
    MatchDecision.objects.filter(pk__in=decisions).update(site=kept)
    Site.objects.filter(pk__in=moved_from).update(moved_to=kept)
    before = site_state(kept)
    kept.other_names = [*kept.other_names, *added_names]
    for name, value in filled.items():
        setattr(kept, name, value)
    kept.save()
    merged.status = Site.Status.MERGED
    merged.merged_into = kept
    merged.moved_to = None
    merged.save()
    audit_record(
        actor=actor,
        organisation=organisation,
        action="site.merge",
        target=merge,
        before=before,
        after={
            "kept": str(kept.public_id),
            "merged": str(merged.public_id),
            "mentions": len(mentions),
            "decisions": len(decisions),
            "added_names": added_names,
        },
    )
    return merge


@transaction.atomic
def site_merge_undo(*, actor: User, merge: SiteMerge) -> SiteMerge:
    """Undo a merge: the merged site comes back with its names, mentions, decisions and pointers (mentions that
    moved to the kept site since stay there). A later merge of the kept site is undone first."""
    organisation = writer_organisation(actor)
    merge = SiteMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise InputError(_("This merge is undone already."), field="merge")
    kept = Site.objects.select_for_update().get(pk=merge.kept_id)
    merged = Site.objects.select_for_update().get(pk=merge.merged_id)
    if not kept.is_listed:
        raise InputError(
            _("The kept site was merged into another since: undo that merge first."), field="merge"
        )
    if merged.merged_into_id != kept.pk:
        raise InputError(_("The merged site has changed since the merge."), field="merge")
    moved = merge.moved
    SiteMention.objects.filter(pk__in=moved.get("mentions", []), site=kept).update(site=merged)
    MatchDecision.objects.filter(pk__in=moved.get("decisions", []), site=kept).update(site=merged)
    Site.objects.filter(pk__in=moved.get("moved_from", []), moved_to=kept).update(moved_to=merged)
    before = site_state(kept)
    added = set(moved.get("added_names", []))
    kept.other_names = [n for n in kept.other_names if n not in added]
    for name in moved.get("filled", []):
        if getattr(kept, name) == getattr(merged, name):
            setattr(kept, name, None if name in ("latitude", "longitude", "operator_id") else "")
    kept.save()
    merged.status = moved.get("merged_status", Site.Status.ACTIVE)
    merged.moved_to_id = moved.get("merged_moved_to")
    merged.merged_into = None
    merged.save()
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="site.merge_undo",
        target=merge,
        before=before,
        after={"kept": site_state(kept), "merged": str(merged.public_id)},
    )
    return merge


# groups


GROUP_FIELDS = ("name", "other_names", "kind", "role", "country_iso3", "lei", "parent")


def group_state(group: SiteGroup) -> dict[str, Any]:
    state = {name: getattr(group, name) for name in GROUP_FIELDS if name != "parent"}
    state["parent"] = str(group.parent.public_id) if group.parent_id else None
    return state


def _clean_group(values: dict[str, Any], group: SiteGroup | None) -> dict[str, Any]:
    unknown = sorted(set(values) - set(GROUP_FIELDS))
    if unknown:
        raise InputError(_("Unknown group field %r.") % unknown[0], field=unknown[0])
    name = " ".join(str(values.get("name") or "").split())[:200]
    if not normalise_company_name(name):
        raise InputError(_("A name is required."), field="name")
    cleaned: dict[str, Any] = {"name": name, "normalised_name": normalise_company_name(name)[:200]}
    cleaned["other_names"] = _names(values.get("other_names") or [], "other_names", name)
    kind = str(values.get("kind") or SiteGroup.Kind.GROUP)
    if kind not in SiteGroup.Kind.values:
        raise InputError(_("Unknown kind %r.") % kind, field="kind")
    cleaned["kind"] = kind
    role = str(values.get("role") or "")
    if role and role not in GroupRole.values:
        raise InputError(
            _("Unknown role %(role)r; known: %(known)s.")
            % {"role": role, "known": ", ".join(GroupRole.values)},
            field="role",
        )
    cleaned["role"] = role
    try:
        cleaned["country_iso3"] = resolve_country(str(values.get("country_iso3") or ""))
    except UnknownCountry as exc:
        raise InputError(unknown_country_message(exc), field="country_iso3") from exc
    cleaned["lei"] = _identifier(values.get("lei"), validate_lei)
    parent = values.get("parent")
    if parent is not None and not isinstance(parent, SiteGroup):
        raise InputError(_("Unknown parent group."), field="parent")
    if parent is not None and group is not None:
        links = [GroupLink(pk, p) for pk, p in SiteGroup.objects.values_list("pk", "parent_id")]
        if parent.pk == group.pk or parent_creates_cycle(group.pk, parent.pk, links):
            raise InputError(
                _("%(parent)s is part of %(group)s: it cannot be its parent.")
                % {"parent": parent.name, "group": group.name},
                field="parent",
            )
    cleaned["parent"] = parent
    same = SiteGroup.objects.filter(
        normalised_name=cleaned["normalised_name"], country_iso3=cleaned["country_iso3"]
    )
    if group is not None:
        same = same.exclude(pk=group.pk)
    if same.exists():
        raise InputError(_("%s is recorded already: use that group.") % name, field="name")
    return cleaned


@transaction.atomic
def site_group_create(*, actor: User, **values: Any) -> SiteGroup:
    """Record a group or legal entity in the installation-wide group tree."""
    organisation = writer_organisation(actor)
    group = SiteGroup.objects.create(created_by=actor, **_clean_group(values, None))
    audit_record(
        actor=actor,
        organisation=organisation,
        action="site_group.create",
        target=group,
        after=group_state(group),
    )
    return group


@transaction.atomic
def site_group_update(
    *, actor: User, group: SiteGroup, expected_updated_at: dt.datetime | str | None = None, **values: Any
) -> SiteGroup:
    """Change a group's names, kind, role, country, LEI or parent; a parent inside its own tree is refused. With
    `expected_updated_at`, a group saved by someone else since is refused (StaleRecord)."""
    writer_organisation(actor)
    group = SiteGroup.objects.select_for_update(of=("self",)).select_related("parent").get(pk=group.pk)
    _expect_version(group.updated_at, expected_updated_at)
    current = {name: getattr(group, name) for name in GROUP_FIELDS}
    cleaned = _clean_group(current | values, group)
    save_audited(actor=actor, record=group, values=cleaned, action="site_group.update", state=group_state)
    return group


@transaction.atomic
def company_group_link(*, actor: User, company: Any, group: SiteGroup | None) -> CompanyGroupLink | None:
    """Tie one of the organisation's companies to a registry group entity (None unties it)."""
    require_writer(actor, company.organisation)
    existing = CompanyGroupLink.objects.filter(company=company).first()
    before = {"group": str(existing.group.public_id)} if existing else None
    if group is None:
        if existing is not None:
            audit_record(
                actor=actor,
                organisation=company.organisation,
                action="site_group.unlink",
                target=existing,
                before=before,
            )
            existing.delete()
        return None
    link, _created = CompanyGroupLink.objects.update_or_create(
        company=company, defaults={"group": group, "organisation": company.organisation, "created_by": actor}
    )
    audit_record(
        actor=actor,
        organisation=company.organisation,
        action="site_group.link",
        target=link,
        before=before,
        after={"group": str(group.public_id)},
    )
    return link


# the matching model's calibration (hrdd.supplier_sites.calibration)


def _parameters_state(row: MatchParameters | None) -> dict[str, Any]:
    if row is None:
        return {"parameters": "shipped"}
    return {"parameters": row.pk, "pairs": row.pairs}


@transaction.atomic
def match_parameters_apply(*, actor: User | None, calibration: Calibration) -> MatchParameters:
    """Put calibrated parameters in force for every new match of the installation (the previous ones are kept,
    inactive). Verdicts already stored are not recomputed."""
    previous = MatchParameters.objects.select_for_update().filter(active=True).first()
    if previous is not None:
        previous.active = False
        previous.save(update_fields=["active"])
    row = MatchParameters.objects.create(
        parameters=json.loads(calibration.parameters.to_json()),
        pairs=calibration.pairs,
        active=True,
        created_by=actor if _is_user(actor) else None,
    )
    audit_record(
        actor=actor,
        actor_label=None if _is_user(actor) else "command line",
        action="match_parameters.apply",
        target=row,
        before=_parameters_state(previous),
        after=_parameters_state(row)
        | {
            "weights": {
                f"{c.comparison}: {c.level}": [round(c.shipped, 3), round(c.calibrated, 3)]
                for c in calibration.levels
            }
        },
    )
    return row


@transaction.atomic
def match_parameters_reset(*, actor: User | None) -> MatchParameters | None:
    """Go back to the shipped parameters for every new match; returns the row put out of force (None: the shipped
    ones were in force already, nothing changed)."""
    previous = MatchParameters.objects.select_for_update().filter(active=True).first()
    if previous is None:
        return None
    previous.active = False
    previous.save(update_fields=["active"])
    audit_record(
        actor=actor,
        actor_label=None if _is_user(actor) else "command line",
        action="match_parameters.reset",
        target=previous,
        before=_parameters_state(previous),
        after=_parameters_state(None),
    )
    return previous
