"""The authorization matrix (issue 17): every page and every API operation, asked by every role, answers the
status written in authorization_matrix.txt beside this file.

The roles are the seven a hostile look at hrdd has to tell apart: nobody logged in, a supplier holding a link, and
a viewer, a procurement officer, a contract manager and an administrator of the organisation that owns the
record, and an administrator of another organisation. Each is asked for every URL pattern (pages with GET and
POST, API operations with their own method), with the path filled from the demo's records.

The table is read by people: a row per page or operation, a column per role. Three rules are checked beside it,
whatever the table says, so that a row cannot make a hole legal: a user of another organisation never gets a
record (no 2xx) outside the public pages and the links; nobody logged out gets one either; a viewer's POST never
changes anything (it is refused, or the page answers without a write). A page or operation that is not in the
table fails the test: a new view needs its row.

Regenerate the table after a deliberate change with `HRDD_MATRIX_WRITE=1 pytest tests/app/test_authorization_matrix.py
-p no:xdist` and read the difference before committing it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from hrdd.accounts.models import Membership, Organisation, User
from hrdd.api import api
from hrdd.audit.models import AuditEvent
from tests import factories

TABLE = Path(__file__).with_name("authorization_matrix.txt")
ROLES = ("anonymous", "link", "viewer", "officer", "manager", "admin", "other")
POST_ROLES = ("anonymous", "viewer", "other")
WRITE = os.environ.get("HRDD_MATRIX_WRITE") == "1"

# Open to anyone by design: logging in, the language, password reset, the API's own documentation and its
# anonymous calculators, a grievance channel's public form and its receipt, a programme's public page.
PUBLIC = {
    "login",
    "logout",
    "language_switch",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:join",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:consultations.questionnaire_score",
    "api:consultations.market_assess",
    "api:risks.risk_products",
    "api:risks.risk_assess",
    "api:risks.risk_check",
    "api:risks.knowledge_status",
    "api:incidents.intake_form",
    "api:incidents.intake_submit",
    "api:incidents.receipt_status",
    "api:profiles.profile_import",
    "incidents:receipt",
    "incidents:grievance",
    "incidents:grievance_sent",
    "programmes:public",
    "programmes:public_thanks",
    "contracts:site_list_template",
}
# Reached through a secret link: the link holder has the token, everybody else a token that was never issued.
LINKS = {
    "respond",
    "respond_blank",
    "contracts:supplier",
    "contracts:supplier_task",
    "contracts:supplier_task_retry",
    "contracts:feed",
    "rmi:supplier",
    "rmi:supplier_task",
    "incidents:supplier_progress",
    "profiles:keep",
    "profiles:keep_submission",
    "profiles:manage",
    "profiles:download",
    "profiles:delete",
    "profiles:share_revoke",
    "api:consultations.supplier_response_get",
    "api:consultations.supplier_response_save_draft",
    "api:consultations.supplier_response_submit",
    "api:incidents.supplier_steps",
    "api:incidents.supplier_progress",
    "api:profiles.profile_export",
}
# The one registry of production sites and their groups is the installation's, not an organisation's (issue 11):
# every organisation reads a site and may correct it (audited); what it knows of a site (its mentions) stays its own.
REGISTRY = {
    "supplier_sites:site",
    "supplier_sites:group",
    "api:supplier_sites.site_get",
    "api:supplier_sites.site_update",
    "api:supplier_sites.group_update",
}
# The namespaces whose records belong to the company side of the demo (the mineral trader), not the buyer.
COMPANY_SIDE = {"programmes", "rmi"}
UNKNOWN = "0" * 32


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name, or api:<operation id>
    method: str
    path: str  # with {placeholders}


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api":
                continue  # the API's operations are read from its own schema (several methods per path)
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}" if namespace else entry.name


def endpoints() -> list[Endpoint]:
    """Every named page (GET and POST) and every API operation (its method)."""
    found = [
        Endpoint(name, method, path)
        for path, name in _patterns(get_resolver())
        if not name.startswith("admin:")
        for method in ("GET", "POST")
    ]
    found += [
        Endpoint("api:openapi-json", "GET", "/api/v1/openapi.json"),
        Endpoint("api:openapi-view", "GET", "/api/v1/docs"),
        Endpoint("api:api-root", "GET", "/api/v1/"),
    ]
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            module, _, function = operation["operationId"].partition("_api_")
            app = module.removeprefix("hrdd_")
            found.append(Endpoint(f"api:{app}.{function}", method.upper(), path))
    return found


# ---------------------------------------------------------------------------------------------------------------
# The records every path is filled from: the demo (both sides), and what the demo does not hold, made beside it.


@dataclass
class World:
    media_root: Path
    users: dict[tuple[str, str], User]  # (side, role) -> user; side is "buyer" or "company"
    values: dict[tuple[str, ...], str]  # (namespace, context, kwarg) / (context, kwarg) / (kwarg,) -> value
    link_tokens: set[str]


def _user(organisation: Organisation, role: str, email: str) -> User:
    return factories.UserFactory(email=email, organisation=organisation, role=role)


def build_world(media_root: Path) -> World:
    from hrdd.consultations.models import Consultation, Invitation
    from hrdd.contracts.models import Contract, Obligation, Submission
    from hrdd.demo import load_demo
    from hrdd.demo_sourcing import TRADER, load_sourcing_demo
    from hrdd.incidents.models import Incident
    from hrdd.procurements.models import Procurement
    from hrdd.programmes import models as programmes
    from hrdd.risks.models import ProductRiskAssessment
    from hrdd.supplier_sites.models import SiteGroup, SiteMention
    from hrdd.tenders.models import BidEvaluation, Tender

    load_demo()
    load_sourcing_demo(password="hrdd-demo")
    buyer_org = Organisation.objects.get(memberships__user__email="buyer@exampleton.example")
    trader = Organisation.objects.get(name=TRADER)
    other = factories.OrganisationFactory(name="Elsewhere District")
    roles = {
        "viewer": User.Role.VIEWER,
        "officer": User.Role.PROCUREMENT_OFFICER,
        "manager": User.Role.CONTRACT_MANAGER,
        "admin": User.Role.ADMIN,
    }
    users: dict[tuple[str, str], User] = {}
    for side, organisation in (("buyer", buyer_org), ("company", trader)):
        for role, value in roles.items():
            if side == "company" and role == "officer":
                value = User.Role.SOURCING_MANAGER
            users[side, role] = _user(organisation, value, f"matrix-{role}@{side}.example")
    users["buyer", "other"] = users["company", "other"] = _user(
        other, User.Role.ADMIN, "matrix@elsewhere.example"
    )

    consultation = Consultation.objects.get(organisation=buyer_org)
    invitation = Invitation.objects.filter(consultation=consultation).order_by("pk").first()
    contract = Contract.objects.get(organisation=buyer_org)
    submission = Submission.objects.filter(obligation__contract=contract).first()
    assert invitation is not None and submission is not None
    obligation = Obligation.objects.filter(contract=contract).first()
    tender = Tender.objects.get(organisation=buyer_org)
    evaluation = BidEvaluation.objects.filter(tender=tender).first()
    draft = factories.BidDraftFactory(tender=tender)
    factories.BidFileFactory(draft=draft)
    # invited to co-own the consultation: a neighbour, not the other organisation (which must see nothing)
    co_owner = factories.CoOwnerFactory(
        consultation=consultation, organisation=factories.OrganisationFactory()
    )
    mention = SiteMention.objects.filter(organisation=buyer_org).select_related("site").first()
    assert mention is not None
    site = mention.site
    site_group = SiteGroup.objects.first()
    merge = factories.SiteMergeFactory(kept=site, merged=factories.SiteFactory(), organisation=buyer_org)
    site_import = factories.SiteImportFactory(organisation=buyer_org)
    task_run = factories.TaskRunFactory(organisation=buyer_org)
    incident = Incident.objects.filter(organisation=buyer_org).first() or factories.IncidentFactory(
        organisation=buyer_org
    )
    step = factories.RemediationStepFactory(incident=incident, contract=contract)
    progress = factories.StepProgressFactory(step=step)
    channel = factories.GrievanceChannelFactory(organisation=buyer_org)
    notice = factories.NoticeFactory(incident=incident, user=users["buyer", "viewer"])
    feed = factories.CalendarFeedFactory(organisation=buyer_org, user=users["buyer", "admin"])
    member_invitation = factories.MemberInvitationFactory(
        organisation=buyer_org, invited_by=users["buyer", "admin"]
    )
    share = factories.ShareFactory(
        record=factories.CompanyFactory(organisation=buyer_org), grantee_organisation=trader
    )
    group = factories.OrganisationGroupFactory(owner=buyer_org)
    group.members.add(trader)
    membership = Membership.objects.get(user=users["buyer", "viewer"])
    profile_share = factories.ProfileShareFactory(invitation=invitation, organisation=buyer_org)
    profile = profile_share.profile

    campaign = factories.CampaignFactory(organisation=trader)
    rmi_request = factories.SupplierRequestFactory(campaign=campaign)
    upload = factories.UploadFactory(request=rmi_request)
    supplier_run = factories.TaskRunFactory(organisation=buyer_org, kind="contracts.site_list")
    programme = programmes.Programme.objects.get(organisation=trader)
    objective = programme.objectives.first()
    kpi = programmes.Kpi.objects.filter(programme=programme).first()
    kpi_value = programmes.KpiValue.objects.filter(kpi__programme=programme).first()
    join_request = factories.JoinRequestFactory(programme=programme)
    ngo = programmes.NgoResponse.objects.get(organisation=trader)
    ngo_answer = programmes.NgoEvidence.objects.filter(answer__response=ngo).first().answer
    evidence = programmes.NgoEvidence.objects.filter(answer__response=ngo).first()
    tier = programmes.SupplierTier.objects.filter(organisation=trader).first()
    assert objective and kpi and kpi_value and ngo_answer and evidence and tier

    def public(record: Any) -> str:
        return str(record.public_id)

    def of_trader(model: Any) -> str:
        """The public id of the trader's first record of a programme model (found by its owner path)."""
        owner = getattr(model, "owner_path", "organisation")
        return public(model.objects.filter(**{owner: trader}).order_by("pk")[0])

    values: dict[tuple[str, ...], str] = {
        ("procurements", "public_id"): public(Procurement.objects.get(organisation=buyer_org)),
        ("companies", "public_id"): public(contract.supplier),
        ("consultations", "public_id"): public(consultation),
        ("co-owners", "public_id"): public(co_owner),
        ("co-owners", "row_id"): public(co_owner),
        ("responses", "pk"): str(invitation.pk),
        ("invitations", "pk"): str(invitation.pk),
        ("import", "run_id"): public(task_run),
        ("rmi", "upload_id"): public(upload),
        ("share", "obligation_id"): str(obligation.pk if obligation else 0),
        ("respond", "token"): invitation.token,
        ("responses", "token"): invitation.token,
        ("risks", "saved", "public_id"): public(ProductRiskAssessment.objects.get(organisation=buyer_org)),
        ("risk-assessments", "public_id"): public(ProductRiskAssessment.objects.get(organisation=buyer_org)),
        ("assess", "product"): "notebook",
        ("tenders", "public_id"): public(tender),
        ("evaluations", "pk"): str(evaluation.pk if evaluation else 0),
        ("bids", "bid_id"): public(draft),
        ("files", "part"): "AC1",
        ("contracts", "public_id"): public(contract),
        ("obligations", "obligation_id"): str(obligation.pk if obligation else 0),
        ("submissions", "submission_id"): str(submission.pk),
        ("contracts", "supplier", "token"): contract.token,
        ("contracts", "tasks", "run_id"): public(supplier_run),
        ("feeds", "token"): feed.token,
        ("site-list-template.", "extension"): "xlsx",
        ("tasks", "public_id"): public(task_run),
        ("supplier_sites", "sites", "public_id"): public(site),
        ("supplier_sites", "mentions", "public_id"): public(mention),
        ("supplier_sites", "review", "public_id"): public(mention),
        ("supplier_sites", "review", "decision"): "confirm",
        ("supplier_sites", "groups", "public_id"): public(site_group),
        ("supplier_sites", "merges", "merge_id"): public(merge),
        ("supplier_sites", "merges", "public_id"): public(merge),
        ("supplier_sites", "runs", "public_id"): public(task_run),
        ("supplier_sites", "imports", "public_id"): public(site_import),
        ("supplier_sites", "imports", "task_id"): public(task_run),
        ("export.", "format"): "csv",
        ("rmi", "campaigns", "public_id"): public(campaign),
        ("rmi", "campaigns", "campaign_id"): public(campaign),
        ("rmi", "requests", "public_id"): public(rmi_request),
        ("rmi", "requests", "request_id"): public(rmi_request),
        ("rmi", "uploads", "public_id"): public(upload),
        ("rmi", "send", "what"): "problems",
        ("rmi", "supplier", "token"): rmi_request.token,
        ("rmi", "tasks", "run_id"): public(task_run),
        ("programmes", "programmes", "public_id"): public(programme),
        ("programmes", "public", "public_id"): public(programme),
        ("objectives", "key"): objective.key,
        ("kpis", "public_id"): public(kpi),
        ("kpi-values", "public_id"): public(kpi_value),
        ("join-requests", "public_id"): public(join_request),
        ("programmes", "suppliers", "public_id"): public(tier.company),
        ("sourcing-links", "public_id"): of_trader(programmes.SourcingLink),
        ("assessments", "public_id"): of_trader(programmes.DiligenceAssessment),
        ("gaps", "public_id"): of_trader(programmes.Gap),
        ("enrolments", "public_id"): of_trader(programmes.Enrolment),
        ("milestones", "public_id"): of_trader(programmes.Milestone),
        ("certifications", "public_id"): of_trader(programmes.Certification),
        ("cases", "public_id"): of_trader(programmes.ChildLabourCase),
        ("export.", "fmt"): "xlsx",
        ("ngo", "public_id"): public(ngo),
        ("responses", "public_id"): public(ngo),
        ("criteria", "criterion_key"): ngo_answer.criterion_key,
        ("answers", "answer_id"): public(ngo_answer),
        ("evidence", "evidence_id"): public(evidence),
        ("keep", "token"): invitation.token,
        ("profiles", "contract", "token"): contract.token,
        ("profiles", "contract", "submission_id"): str(submission.pk),
        ("manage", "token"): profile.token,
        ("profiles", "token"): profile.token,
        ("profiles", "shares", "share_id"): public(profile_share),
        ("incidents", "incidents", "public_id"): public(incident),
        ("channels", "public_id"): public(channel),
        ("notices", "public_id"): public(notice),
        ("steps", "step_id"): public(step),
        ("steps", "public_id"): public(step),
        ("progress", "progress_id"): str(progress.pk),
        ("incidents", "supplier", "token"): contract.token,
        ("report", "key"): channel.token,
        ("grievances", "key"): channel.token,
        ("members", "public_id"): public(membership),
        ("members", "organisation_id"): public(trader),
        ("invitations", "public_id"): public(member_invitation),
        ("join", "token"): "not-a-token",
        ("accounts", "shares", "public_id"): public(share),
        ("accounts", "groups", "public_id"): public(group),
        ("shares", "public_id"): public(share),
        ("password-reset", "uidb64"): "MQ",
        ("password-reset", "token"): "set-password",
    }
    link_tokens = {invitation.token, contract.token, rmi_request.token, profile.token, feed.token}
    return World(media_root=media_root, users=users, values=values, link_tokens=link_tokens)


# ---------------------------------------------------------------------------------------------------------------
# Filling a path, asking it, and writing down the answer.

PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def namespace_of(name: str) -> str:
    if name.startswith("api:") and "." in name:
        module = name[4:].split(".", 1)[0]  # the app's module: supplier_sites, programmes_diligence ...
        return module if module == "supplier_sites" else module.split("_", 1)[0]
    return name.split(":", 1)[0] if ":" in name else ""


def fill(endpoint: Endpoint, world: World, *, holder: bool) -> str:
    """The endpoint's path with every placeholder filled; a link's token is the real one only for its holder."""
    namespace = namespace_of(endpoint.name)
    path = endpoint.path if endpoint.path.startswith("/") else "/" + endpoint.path
    out, at = "", 0
    for match in PLACEHOLDER.finditer(path):
        kwarg = match.group(1) or match.group(2)
        before = PLACEHOLDER.sub("", path[: match.start()])  # the literal text before it
        segment = before.rsplit("/", 1)[-1]
        context = segment or before.rstrip("/").rsplit("/", 1)[-1]
        for key in ((namespace, context, kwarg), (context, kwarg), (kwarg,)):
            if key in world.values:
                value = world.values[key]
                break
        else:
            raise KeyError(f"{endpoint.name}: nothing fills {kwarg} after {context!r}")
        if value in world.link_tokens and not holder:
            value = UNKNOWN
        out += path[at : match.start()] + value
        at = match.end()
    return out + path[at:]


def outcome(response: Any) -> str:
    """A status as the table writes it: 302 to the login page is "login"."""
    if response.status_code in (301, 302):
        location = response.headers.get("Location", "")
        return "login" if "/login/" in location else str(response.status_code)
    return str(response.status_code)


def ask(client: Client, endpoint: Endpoint, path: str) -> Any:
    if endpoint.name.startswith("api:") and endpoint.method in ("POST", "PATCH", "PUT"):
        return getattr(client, endpoint.method.lower())(path, "{}", content_type="application/json")
    if endpoint.method == "POST":
        return client.post(path, {})
    return getattr(client, endpoint.method.lower())(path)


def user_for(world: World, endpoint: Endpoint, role: str) -> User | None:
    if role in ("anonymous", "link"):
        return None
    side = "company" if namespace_of(endpoint.name) in COMPANY_SIDE else "buyer"
    return world.users[side, role]


def record_id(endpoint: Endpoint) -> bool:
    """Whether the path names one record (so that another organisation must not get it)."""
    names = {m.group(1) or m.group(2) for m in PLACEHOLDER.finditer(endpoint.path)}
    return bool(names - {"format", "fmt", "extension", "product", "what", "decision", "part"})


def observe(world: World, role: str, chosen: list[Endpoint]) -> tuple[dict[tuple[str, str], str], list[str]]:
    """Every endpoint asked by one role: (name, method) -> outcome, and the rule breaks seen on the way."""
    seen: dict[tuple[str, str], str] = {}
    breaks: list[str] = []
    # one login per user, its session cookie given to each new client: every request is rolled back below, and any
    # change it made to the session with it (a login per request was a sixth of the time)
    sessions: dict[int, str] = {}
    # GETs first: a write below (a delete by an administrator) must not change what a later read finds
    for endpoint in sorted(chosen, key=lambda e: (e.method != "GET", e.name, e.method)):
        user = user_for(world, endpoint, role)
        client = Client(raise_request_exception=False)
        if user is not None and user.pk in sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[user.pk]
        elif user is not None:
            client.force_login(user)
            sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        holder = role == "link"
        try:
            path = fill(endpoint, world, holder=holder)
        except KeyError as exc:
            breaks.append(str(exc))
            continue
        events = AuditEvent.objects.count()
        with transaction.atomic():
            answer = outcome(ask(client, endpoint, path))
            wrote = AuditEvent.objects.count() != events
            transaction.set_rollback(
                True
            )  # each request alone: no role's write changes what the next one sees
        seen[endpoint.name, endpoint.method] = answer
        if answer.startswith("5"):
            breaks.append(f"{role} {endpoint.method} {endpoint.name} {path}: server error {answer}")
        open_to_all = endpoint.name in PUBLIC or endpoint.name in LINKS
        # a viewer may keep their own things (a calendar address) and another organisation its own records: a
        # write counts against them on a record of the owner's only
        owners_record = record_id(endpoint) and endpoint.name not in REGISTRY
        if (
            wrote
            and not open_to_all
            and (role == "anonymous" or (role in ("viewer", "other") and owners_record))
        ):
            breaks.append(f"{role} {endpoint.method} {endpoint.name} wrote to the audit log ({answer})")
        if role == "anonymous" and not open_to_all and answer.startswith("2"):
            breaks.append(f"anonymous {endpoint.method} {endpoint.name} answered {answer}")
        if role == "other" and not open_to_all and owners_record and answer.startswith("2"):
            breaks.append(f"other organisation {endpoint.method} {endpoint.name} answered {answer}")
    return seen, breaks


def read_table() -> dict[tuple[str, str], dict[str, str]]:
    table: dict[tuple[str, str], dict[str, str]] = {}
    for line in TABLE.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, method, *answers = line.split()
        table[name, method] = dict(zip(ROLES, answers, strict=True))
    return table


def write_table(rows: dict[tuple[str, str], dict[str, str]]) -> None:
    width = max(len(name) for name, _ in rows) + 2
    lines = [
        "# The authorization matrix (tests/app/test_authorization_matrix.py): page or API operation, method, then",
        "# the answer to each role. login = sent to the login page; 404 = not found (another organisation's record",
        "# is not found, never forbidden); 403 = the role may not; 405 = not that method; 422/400 = the empty",
        "# request itself refused (after the access check passed).",
        "# " + "name".ljust(width - 2) + "method " + " ".join(role[:7].ljust(7) for role in ROLES),
    ]
    for (name, method), answers in sorted(rows.items()):
        lines.append(
            name.ljust(width) + method.ljust(7) + " ".join(answers[r].ljust(7) for r in ROLES).rstrip()
        )
    TABLE.write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The demo and its companions, built once per module and rolled back at its end (their files kept in a
    folder of the module's)."""
    media_root = tmp_path_factory.mktemp("matrix-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests/conftest.py's, which is per test
    with (
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=fast),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world(media_root)
        transaction.set_rollback(True)


def chosen_endpoints(role: str) -> list[Endpoint]:
    everything = endpoints()
    if role == "link":
        return [e for e in everything if e.name in LINKS]
    return everything


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_each_role_as_the_table_says(world, role, settings):
    settings.MEDIA_ROOT = world.media_root  # where the world's files are
    seen, breaks = observe(world, role, chosen_endpoints(role))
    assert not breaks, "\n".join(breaks)
    if WRITE:
        rows = read_table() if TABLE.exists() else {}
        for key, answer in seen.items():
            rows.setdefault(key, dict.fromkeys(ROLES, "-"))[role] = answer
        if role == "anonymous":  # a link holder without the link is anybody
            for key, answer in seen.items():
                if key[0] not in LINKS:
                    rows[key]["link"] = answer
        write_table(rows)
        return
    table = read_table()
    missing = sorted(f"{n} {m}" for n, m in seen if (n, m) not in table)
    assert not missing, "endpoints without a row in the matrix: " + ", ".join(missing)
    wrong = [
        f"{name} {method}: table says {table[name, method][role]}, answered {answer}"
        for (name, method), answer in sorted(seen.items())
        if table[name, method][role] != answer
    ]
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_the_table_has_no_row_without_an_endpoint():
    known = {(e.name, e.method) for e in endpoints()}
    stale = sorted(f"{n} {m}" for n, m in read_table() if (n, m) not in known)
    assert not stale, "rows for endpoints that no longer exist: " + ", ".join(stale)
