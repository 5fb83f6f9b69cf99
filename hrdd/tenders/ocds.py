"""The tender as Open Contracting Data Standard data: an OCDS 1.1 release package that declares its extensions.

One release (tag "tender") per tender state, in a package that names the publisher, the OCDS version and the
extensions whose fields the release uses:

- sustainability: goal social.humanRightsInSupplyChains; the label requirement as a technical specification (the
  extension's strategy for "requiring a product to have a certificate") and the criteria and clauses as the
  scenario's other strategies;
- selectionCriteria: SC1, SC2 with their minimum and verification method;
- lots and awardCriteria: the extension places award criteria (price and the AC weights) on a lot, so the tender
  has one lot;
- the contract clauses are core reporting milestones, due on the dates the contract's schedule gives when the
  tender has a contract.

The otherRequirements extension is not declared: none of its fields (staff qualifications, reserved participation,
qualification systems, reduction criteria, security clearance) says what this annex asks; declaring an extension
the data does not use would tell readers to look for fields that are not there.

The ocid is the installation's registered prefix (setting HRDD_OCID_PREFIX) and the tender's public id, so every
output of one tender shares it; the release id and date change only when the tender's state does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from hrdd.core.errors import InputError
from hrdd.core.texts import localize
from hrdd.domain.contracts import Obligation, schedule_obligations
from hrdd.domain.tender import TenderAnnex, get_tender_framework, number_text
from hrdd.tenders.documents import document_language, filled
from hrdd.tenders.services import tender_annex

if TYPE_CHECKING:
    from hrdd.tenders.models import Tender

OCDS_VERSION = "1.1"
GOAL = "social.humanRightsInSupplyChains"

# Each extension's metadata at the address the Open Contracting Partnership publishes it under (the extension
# registry's base URL + extension.json). Lots has a release for OCDS 1.1.5; the other three are referenced at
# master, as the registry and the OCDS profiles reference them. tests/fixtures/ocds/ holds the tests' copies.
_EXTENSIONS_BASE = "https://raw.githubusercontent.com/open-contracting-extensions"
EXTENSIONS = {
    "sustainability": f"{_EXTENSIONS_BASE}/ocds_sustainability_extension/master/extension.json",
    "selectionCriteria": f"{_EXTENSIONS_BASE}/ocds_selectionCriteria_extension/master/extension.json",
    "lots": f"{_EXTENSIONS_BASE}/ocds_lots_extension/v1.1.5/extension.json",
    "awardCriteria": f"{_EXTENSIONS_BASE}/ocds_awardCriteria_extension/master/extension.json",
}

# OCDS: a prefix is "ocds-" and six letters or digits, registered with the Open Contracting Partnership.
OCID_PREFIX = re.compile(r"ocds-[a-z0-9]{6}")
# A buyer's own tender reference, as it goes into the ocid.
TENDER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}")
# The namespace of the ocids made up for tenders that are not stored (uuid5: the same buyer and title, the same id).
_ADHOC_NAMESPACE = uuid.UUID("5b0b4a5e-6f2e-5d0c-9a49-2d1a2f6b7c10")


@dataclass(frozen=True)
class Buyer:
    """The buying organisation as OCDS names it: a party id unique in the release and a name."""

    name: str
    id: str = "buyer"


def check_ocid_prefix(prefix: str, *, field: str = "ocid_prefix") -> str:
    """Return the prefix when it has the shape OCDS registers (ocds-xxxxxx); InputError names the field."""
    if not OCID_PREFIX.fullmatch(prefix):
        raise InputError(
            _(
                "%(prefix)r is not an ocid prefix: write ocds- and six lowercase letters or digits, e.g. ocds-213czf"
            )
            % {"prefix": prefix},
            field=field,
        )
    return prefix


def ocid_prefix_setting() -> str:
    """The installation's registered ocid prefix (HRDD_OCID_PREFIX)."""
    return check_ocid_prefix(settings.HRDD_OCID_PREFIX, field="HRDD_OCID_PREFIX")


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _default_title(annex: TenderAnnex, title: str) -> str:
    return title or _("Human-rights requirements: %s") % localize(annex.scenario.title)


def _requirement(item: Any, months: int) -> str:
    """A criterion's requirement with the buyer's months, in the release's language."""
    return filled(item.requirement_template, item.requirement, months)


def _criterion_text(item: Any, months: int) -> str:
    return f"{item.criterion.id} {localize(item.criterion.title)}: {_requirement(item, months)}"


def _sustainability(annex: TenderAnnex) -> list[dict[str, Any]]:
    entries = []
    for item in annex.of_kind("label"):
        entry: dict[str, Any] = {"goal": GOAL}
        if annex.require_label:
            # the label certifies the product, not the supplier: a technical specification of the items bought
            entry["strategies"] = ["technicalSpecifications"]
        # else a recommendation the buyer states, which binds nobody: no strategy of the codelist names it
        entry["description"] = (
            f"{_criterion_text(item, annex.months)} {_('Verification')}: {localize(item.criterion.verification)}"
        )
        entries.append(entry)
    strategies = []
    if annex.of_kind("selection"):
        strategies.append("selectionCriteria")
    if annex.of_kind("award"):
        strategies.append("awardCriteria")
    if annex.of_kind("clause"):
        strategies.append("contractPerformanceConditions")
    if strategies:
        entries.append(
            {
                "goal": GOAL,
                "strategies": strategies,
                "description": f"{localize(annex.scenario.title)} ({annex.framework}, {annex.scenario.source})",
            }
        )
    return entries


def _award_criteria(annex: TenderAnnex) -> list[dict[str, Any]]:
    price = {
        "type": "price",
        "name": _("Price"),
        "description": _("Price points = price weight x lowest admitted price / bid price."),
        "numbers": [{"number": annex.price_weight, "weight": "pointsExact"}],
    }
    return [price] + [
        {
            "type": "quality",
            "name": f"{i.criterion.id} {localize(i.criterion.title)}",
            "description": f"{_requirement(i, annex.months)} {_('Scoring')}: {localize(i.criterion.scoring)}",
            "numbers": [{"number": i.weight or 0.0, "weight": "pointsExact"}],
        }
        for i in annex.of_kind("award")
    ]


def _milestones(annex: TenderAnnex, obligations: Sequence[Obligation]) -> list[dict[str, Any]]:
    milestones: list[dict[str, Any]] = []
    for item in annex.of_kind("clause"):
        dated = [o for o in obligations if o.clause == item.criterion.id]
        if not dated:
            milestones.append(
                {
                    "id": item.criterion.id,
                    "title": localize(item.criterion.title),
                    "type": "reporting",
                    "description": _requirement(item, annex.months),
                }
            )
            continue
        for number, obligation in enumerate(dated, start=1):
            title = localize(item.criterion.title)
            if len(dated) > 1:
                title = _("%(title)s (%(number)d of %(count)d)") % {
                    "title": title,
                    "number": number,
                    "count": len(dated),
                }
            milestones.append(
                {
                    "id": f"{item.criterion.id}-{number}",
                    "title": title,
                    "type": "reporting",
                    "description": f"{_requirement(item, annex.months)} "
                    + _("Due on %(day)s: %(reason)s.")
                    % {"day": obligation.due.isoformat(), "reason": localize(obligation.reason)},
                    "dueDate": _day(obligation.due),
                }
            )
    return milestones


def release_package(
    annex: TenderAnnex,
    *,
    title: str,
    buyer: Buyer,
    tender_id: str,
    date: dt.datetime,
    uri: str | None = None,
    ocid_prefix: str | None = None,
    obligations: Sequence[Obligation] = (),
    contract_period: tuple[dt.date, dt.date] | None = None,
) -> dict[str, Any]:
    """Return the tender as an OCDS 1.1 release package: one tender release, its buyer, its extensions declared.

    `obligations` (from the contract's schedule) date the clause milestones; `contract_period` is the contract's
    start and end. The release id is a digest of the release, so the same state always gives the same id.
    """
    prefix = check_ocid_prefix(ocid_prefix) if ocid_prefix else ocid_prefix_setting()
    ocid = f"{prefix}-{tender_id}"
    title = _default_title(annex, title)
    organisation = {"id": buyer.id, "name": buyer.name}
    tender: dict[str, Any] = {
        "id": tender_id,
        "title": title,
        "description": f"{localize(annex.scenario.title)}: {localize(annex.scenario.aim)}",
        "procuringEntity": organisation,
        "mainProcurementCategory": "goods",
    }
    used = []
    sustainability = _sustainability(annex)
    if sustainability:
        tender["hasSustainability"] = True
        tender["sustainability"] = sustainability
        used.append("sustainability")
    selection = annex.of_kind("selection")
    if selection:
        tender["selectionCriteria"] = {
            "criteria": [
                {
                    "type": "technical",
                    "description": _criterion_text(i, annex.months),
                    "minimum": localize(i.criterion.scoring),
                    "appliesTo": ["supplier"],
                    "verificationMethod": localize(i.criterion.verification),
                }
                for i in selection
            ]
        }
        used.append("selectionCriteria")
    if annex.of_kind("award"):
        criteria = _award_criteria(annex)
        tender["awardCriteria"] = "ratedCriteria"
        tender["awardCriteriaDetails"] = "; ".join(
            _("%(name)s: %(points)s points")
            % {"name": c["name"], "points": number_text(c["numbers"][0]["number"])}
            for c in criteria
        )
        tender["lots"] = [{"id": "1", "title": title, "awardCriteria": {"criteria": criteria}}]
        used += ["lots", "awardCriteria"]
    if contract_period is not None:
        tender["contractPeriod"] = {
            "startDate": _day(contract_period[0]),
            "endDate": _day(contract_period[1]),
        }
    milestones = _milestones(annex, obligations)
    if milestones:
        tender["milestones"] = milestones
    release: dict[str, Any] = {
        "ocid": ocid,
        "date": _timestamp(date),
        "tag": ["tender"],
        "initiationType": "tender",
        "language": document_language(),  # the texts' language: the tender's, or the one asked for
        "parties": [organisation | {"roles": ["buyer", "procuringEntity"]}],
        "buyer": organisation,
        "tender": tender,
    }
    digest = hashlib.sha256(json.dumps(release, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    release = {"ocid": ocid, "id": f"{ocid}-tender-{digest[:12]}"} | {
        k: v for k, v in release.items() if k != "ocid"
    }
    return {
        "uri": uri or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, release['id'])}",
        "version": OCDS_VERSION,
        "extensions": [EXTENSIONS[name] for name in used],
        "publishedDate": release["date"],
        "publisher": {"name": buyer.name},
        "releases": [release],
    }


def adhoc_tender_id(*, buyer: str, title: str) -> str:
    """A tender id for an annex that is not stored: the same buyer and title always give the same id."""
    return str(uuid.uuid5(_ADHOC_NAMESPACE, f"{buyer}\n{title}"))


def adhoc_release_package(
    annex: TenderAnnex,
    *,
    title: str = "",
    buyer: str,
    tender_id: str = "",
    ocid_prefix: str = "",
    date: dt.datetime | None = None,
    field_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The release package of an annex built without a stored tender (API, command line).

    The buyer is required; the tender id is the caller's reference, or one made from the buyer and the title;
    `date` fixes the release's date (default: now). `field_names` maps buyer/tender_id/ocid_prefix to the names
    the caller's input uses in error messages (e.g. --buyer).
    """
    names = {"buyer": "buyer", "tender_id": "tender_id", "ocid_prefix": "ocid_prefix"} | (field_names or {})
    buyer = buyer.strip()
    if not buyer:
        raise InputError(
            _("name the buying organisation, which OCDS lists as the buyer"), field=names["buyer"]
        )
    if tender_id and not TENDER_ID.fullmatch(tender_id):
        raise InputError(
            _("%(id)r cannot go into an ocid: use up to 100 letters, digits and . _ : / -")
            % {"id": tender_id},
            field=names["tender_id"],
        )
    if ocid_prefix:
        check_ocid_prefix(ocid_prefix, field=names["ocid_prefix"])
    full_title = _default_title(annex, title)
    return release_package(
        annex,
        title=full_title,
        buyer=Buyer(name=buyer),
        tender_id=tender_id or adhoc_tender_id(buyer=buyer, title=full_title),
        date=(date or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        ocid_prefix=ocid_prefix or None,
    )


def tender_schedule(tender: Tender) -> tuple[tuple[Obligation, ...], tuple[dt.date, dt.date] | None]:
    """The dated obligations and the contract period of a stored tender's contract, when it has exactly one.

    The schedule is derived by the same rule the contract's obligations were made with
    (hrdd.domain.contracts.schedule_obligations); with several contracts the dates may differ, so none is given.
    """
    contracts = list(tender.contracts.all()[:2])
    if len(contracts) != 1:
        return (), None
    contract = contracts[0]
    obligations = schedule_obligations(
        scenario=contract.scenario,
        award=contract.award_date,
        start=contract.start_date,
        end=contract.end_date,
        framework=get_tender_framework(tender.framework_id),
        months=contract.months,
        first_delivery=contract.first_delivery,
        risk_assessment_in_tender=contract.risk_assessment_in_tender,
    )
    return obligations, (contract.start_date, contract.end_date)


def tender_release_package(tender: Tender, *, annex: TenderAnnex | None = None) -> dict[str, Any]:
    """The release package of a stored tender: its organisation as the buyer, dated as its last change (`annex`:
    the tender's annex when the caller has built it already)."""
    obligations, period = tender_schedule(tender)
    organisation = tender.organisation
    return release_package(
        annex or tender_annex(tender),
        title=tender.title,
        buyer=Buyer(name=organisation.name, id=f"hrdd-{organisation.public_id}"),
        tender_id=str(tender.public_id),
        date=tender.updated_at,
        uri=f"{settings.HRDD_BASE_URL.rstrip('/')}{tender.get_absolute_url()}?format=ocds",
        obligations=obligations,
        contract_period=period,
    )
