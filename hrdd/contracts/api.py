"""API endpoints for contract management (manual section 3.4): thin; they call the same services and selectors as
the pages. Every operation is behind a login and the organisation's wall: another organisation's contract is
404, a write the user's role does not allow is 403. Errors are answered by the one handler in hrdd/api.py.

Every list is a page (?limit=&offset=, {"items", "count"}) counted and sliced in the database, in a fixed order,
with a number of queries that does not grow with its size: a submission gives its sites' count and where to read
them, not the sites themselves (a site list may hold 20,000 rows)."""

# No `from __future__ import annotations`: django-ninja reads a paginated operation's parameter types in the
# globals of its pagination wrapper, where this module's names (uuid, KpiStatus) are not defined.

import uuid

from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from hrdd.contracts import links, selectors, services
from hrdd.contracts.models import Contract, InformationRequest, Obligation, ProductionSite, Submission
from hrdd.contracts.schemas import (
    ContractDetailOut,
    ContractIn,
    ContractOut,
    InformationRequestIn,
    InformationRequestOut,
    KpiStatus,
    ObligationStatusOut,
    SiteOut,
    SubmissionOut,
)
from hrdd.contracts.verdicts import obligation_verdicts_catch_up
from hrdd.core.downloads import attachment, open_stored
from hrdd.core.errors import NotFound
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination
from hrdd.domain.tender import TenderInputError
from hrdd.procurements.selectors import procurement_get
from hrdd.tenders.selectors import tender_get

router = Router(tags=["contracts"], auth=django_auth)

SCHEDULE_FIELDS = {"award": "award_date", "start": "start_date", "end": "end_date"}


def _obligation(contract: Contract, obligation_id: int) -> Obligation:
    try:
        return contract.obligations.get(pk=obligation_id)
    except Obligation.DoesNotExist as exc:
        raise NotFound("obligation") from exc


def _submission(contract: Contract, submission_id: int) -> Submission:
    try:
        return (
            Submission.objects.select_related("obligation")
            .defer("summary")  # may repeat every site of a list; neither the file nor its sites need it
            .get(pk=submission_id, obligation__contract=contract)
        )
    except Submission.DoesNotExist as exc:
        raise NotFound("submission") from exc


@router.get("/", response={200: list[ContractOut], **INPUT_ERRORS})
@paginate(Pagination)
def contract_list(request: HttpRequest) -> QuerySet[Contract]:
    """List your organisation's contracts, newest first."""
    return selectors.contract_list(user=request.user)


@router.post("/", response={201: ContractDetailOut, **WRITE_ERRORS})
def contract_create(request: HttpRequest, payload: ContractIn) -> Status[Contract]:
    """Create a contract, from a tender or directly; its obligations follow from the scenario's clauses."""
    tender = tender_get(user=request.user, public_id=payload.tender) if payload.tender else None
    procurement = (
        procurement_get(user=request.user, public_id=payload.procurement) if payload.procurement else None
    )
    try:
        contract = services.contract_create(
            actor=request.user,
            tender=tender,
            procurement=procurement,
            **payload.model_dump(exclude={"tender", "procurement"}),
        )
    except TenderInputError as exc:  # the schedule rules say "start" and "end"; name the body's properties
        if exc.field not in SCHEDULE_FIELDS:
            raise
        message = str(exc).removeprefix(f"{exc.field}: ")
        raise TenderInputError(message, field=SCHEDULE_FIELDS[exc.field]) from exc
    contract.link_issued_now = True  # type: ignore[attr-defined]  # its link is shown in this answer only
    return Status(201, contract)


@router.post("/{uuid:public_id}/supplier-link", response={200: ContractDetailOut, **WRITE_ERRORS})
def contract_link_reissue(request: HttpRequest, public_id: uuid.UUID) -> Contract:
    """Issue a new supplier link (the old one stops working) and e-mail it to the supplier; the answer carries
    the new link, shown this once."""
    contract = links.contract_link_reissue(
        actor=request.user, contract=selectors.contract_get(user=request.user, public_id=public_id)
    )
    contract.link_issued_now = True  # type: ignore[attr-defined]
    return contract


@router.delete("/{uuid:public_id}/supplier-link", response={200: ContractDetailOut, **WRITE_ERRORS})
def contract_link_revoke(request: HttpRequest, public_id: uuid.UUID) -> Contract:
    """Revoke the supplier link: it stops working at once (issue a new one when the supplier needs it)."""
    return links.contract_link_revoke(
        actor=request.user, contract=selectors.contract_get(user=request.user, public_id=public_id)
    )


@router.get("/{uuid:public_id}", response={200: ContractDetailOut, **READ_ERRORS})
def contract_get(request: HttpRequest, public_id: uuid.UUID) -> Contract:
    """One contract with its obligations and when its supplier link was issued and works until (the link itself is
    shown only when created or re-issued)."""
    return selectors.contract_get(user=request.user, public_id=public_id)


@router.get(
    "/{uuid:public_id}/obligations", response={200: list[ObligationStatusOut], **READ_ERRORS, **INPUT_ERRORS}
)
@paginate(Pagination)
def obligation_list(
    request: HttpRequest, public_id: uuid.UUID, status: KpiStatus | None = None, clause: str = ""
) -> QuerySet[Obligation]:
    """The contract's obligations by due date, each with its stored KPI statuses (timeliness, completeness,
    contents, responsiveness) and reasons; `status` keeps those whose worst KPI is that, `clause` one clause."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    obligations = Obligation.objects.filter(contract=contract)
    obligation_verdicts_catch_up(obligations=obligations, today=timezone.localdate())
    if status:
        obligations = obligations.filter(status=status)
    if clause:
        obligations = obligations.filter(clause=clause)
    versions = Submission.objects.filter(obligation=OuterRef("pk")).order_by().values("obligation")
    return obligations.annotate(
        submission_count=Coalesce(Subquery(versions.annotate(n=Count("pk")).values("n")), 0),
        latest_version=Subquery(versions.annotate(n=Max("version")).values("n")),
    ).order_by("due_date", "clause", "pk")


@router.get(
    "/{uuid:public_id}/obligations/{int:obligation_id}/submissions",
    response={200: list[SubmissionOut], **READ_ERRORS, **INPUT_ERRORS},
)
@paginate(Pagination)
def submission_list(request: HttpRequest, public_id: uuid.UUID, obligation_id: int) -> QuerySet[Submission]:
    """The versions the supplier submitted for an obligation, newest first, each with how many production sites
    it lists; the file and the sites are read apart (`download`, `sites`)."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    obligation = _obligation(contract, obligation_id)
    sites = ProductionSite.objects.filter(submission=OuterRef("pk")).order_by().values("submission")
    return (
        obligation.submissions.defer("summary")  # may repeat every site of a list
        .annotate(
            site_count=Coalesce(Subquery(sites.annotate(n=Count("pk")).values("n")), 0),
            contract_public_id=F("obligation__contract__public_id"),
        )
        .order_by("-version", "-pk")
    )


@router.get(
    "/{uuid:public_id}/submissions/{int:submission_id}/sites",
    response={200: list[SiteOut], **READ_ERRORS, **INPUT_ERRORS},
    url_name="contract_submission_sites",
)
@paginate(Pagination)
def submission_sites(
    request: HttpRequest, public_id: uuid.UUID, submission_id: int
) -> QuerySet[ProductionSite]:
    """The production sites of one submitted site list (CC2), in the order of their rows."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    submission = _submission(contract, submission_id)
    return (
        ProductionSite.objects.filter(submission=submission)
        .only("pk", "row", "name", "address", "country_iso3", "site_type", "products")
        .order_by("row", "pk")
    )


@router.get(
    "/{uuid:public_id}/submissions/{int:submission_id}/file",
    response=READ_ERRORS,
    url_name="contract_submission_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file as the supplier uploaded it, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def submission_file(request: HttpRequest, public_id: uuid.UUID, submission_id: int) -> FileResponse:
    """Download the file of one submission."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    submission = _submission(contract, submission_id)
    if not submission.file:
        raise NotFound("file")
    return attachment(
        open_stored(submission.file, submission.filename),
        submission.filename,
        content_type=submission.content_type,
    )


@router.get(
    "/{uuid:public_id}/obligations/{int:obligation_id}/requests",
    response={200: list[InformationRequestOut], **READ_ERRORS, **INPUT_ERRORS},
)
@paginate(Pagination)
def information_request_list(
    request: HttpRequest, public_id: uuid.UUID, obligation_id: int
) -> QuerySet[InformationRequest]:
    """The buyer's requests for more information on an obligation, with the supplier's answers."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    return _obligation(contract, obligation_id).requests.order_by("asked_on", "id")


@router.post(
    "/{uuid:public_id}/obligations/{int:obligation_id}/requests",
    response={201: InformationRequestOut, **WRITE_ERRORS},
)
def information_request_create(
    request: HttpRequest, public_id: uuid.UUID, obligation_id: int, payload: InformationRequestIn
) -> Status[InformationRequest]:
    """Ask the supplier for more information on an obligation; they are e-mailed their link."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    obligation = _obligation(contract, obligation_id)
    asked = services.information_request_create(
        actor=request.user, obligation=obligation, question=payload.question, due_on=payload.due_on
    )
    return Status(201, asked)
