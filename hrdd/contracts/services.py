"""Writes for contracts: create (obligations derived from the clauses), submissions, requests, reminders."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hrdd.accounts.models import Organisation, User
from hrdd.accounts.services import require_writer, writer_organisation
from hrdd.audit.services import audit_record
from hrdd.companies.services import company_resolve
from hrdd.contracts.models import (
    CalendarFeed,
    Contract,
    InformationRequest,
    Obligation,
    ProductionSite,
    ReminderSent,
    Submission,
)
from hrdd.contracts.sitelists import SiteListError, SiteRow, read_site_list
from hrdd.contracts.verdicts import (
    contract_risk_result,
    link_site_rows,
    obligation_verdict_refresh,
    obligation_verdicts_refresh,
)
from hrdd.contracts.versions import contracts_changed
from hrdd.core.csvfiles import decode_text
from hrdd.core.errors import InputError
from hrdd.core.languages import active_language, language_choice, mail_language
from hrdd.core.links import absolute_url
from hrdd.core.linktokens import link_holder_label
from hrdd.core.models import TaskRun
from hrdd.core.tasks import task_run_create
from hrdd.core.text import extract_text
from hrdd.core.texts import localize
from hrdd.core.uploads import CSV, AcceptedFile, accept_upload
from hrdd.domain.contracts import (
    RISK_ASSESSMENT_ITEMS,
    plan_schedule,
    read_due_diligence_report,
    read_risk_assessment,
    reminder_due,
)
from hrdd.domain.tender import TenderInputError, get_tender_framework
from hrdd.domain.texts import Text, gettext_noop
from hrdd.procurements.models import Procurement
from hrdd.procurements.services import procurement_of_step
from hrdd.tenders.models import Tender

logger = logging.getLogger(__name__)

DOCUMENT_EXTENSIONS = (".pdf", ".docx", ".txt")
SITE_LIST_EXTENSIONS = (".csv", ".xlsx")


class SubmissionError(InputError):
    """A submission was refused; `field` names the input at fault. Nothing is stored."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(f"{field}: {message}" if field else message, field=field)


@transaction.atomic
def contract_create(
    *,
    actor: User,
    title: str,
    supplier_name: str,
    supplier_email: str,
    award_date: dt.date,
    start_date: dt.date,
    end_date: dt.date,
    scenario: int | None = None,
    tender: Tender | None = None,
    months: int | None = None,
    first_delivery: dt.date | None = None,
    risk_assessment_in_tender: bool = False,
    supplier_country: str = "",
    supplier_language: str | None = None,
    procurement: Procurement | None = None,
) -> Contract:
    """Create a contract (from a tender or directly) and derive its obligations from the scenario's clauses.

    The supplier's name is resolved to its company record (the same name and country is the same company); the
    contract joins its tender's procurement, or the one given, or a new one named after it. The contract returned
    carries `schedule_warnings`: what the buyer should check about its dates (e.g. a CC1 due after the end, or
    months given for a scenario without CC1), for the page's message and the API's answer. The supplier's page and
    e-mails are in `supplier_language` (`supplier_language_choice`: by default the buyer's).
    """
    organisation = writer_organisation(actor)
    months_given = months  # the buyer's own choice; a tender's months are not warned about
    tender_months = None
    if tender is not None:
        if tender.organisation_id != organisation.pk:
            raise TenderInputError(_("not found"), field="tender")
        scenario = tender.scenario if scenario is None else scenario
        tender_months = tender.months
    if scenario is None:
        raise TenderInputError(_("a scenario is required"), field="scenario")
    for value, name in ((title, "title"), (supplier_name, "supplier_name")):
        if not (value or "").strip() or len(value.strip()) > 200:
            raise TenderInputError(_("1 to 200 characters are required"), field=name)
    try:
        validate_email(supplier_email)
    except ValidationError as exc:
        raise TenderInputError(_("enter a valid e-mail address"), field="supplier_email") from exc
    supplier_language = supplier_language_choice(supplier_language)
    try:
        procurement = procurement_of_step(
            actor=actor, procurement=procurement, parts=[tender], title=title.strip(), product_category=""
        )
        supplier = company_resolve(
            organisation=organisation,
            name=supplier_name,
            country=supplier_country,
            country_field="supplier_country",
            actor=actor,
            field="supplier_name",
        )
    except InputError as exc:
        raise TenderInputError(str(exc), field=exc.field) from exc
    framework = get_tender_framework()
    schedule = plan_schedule(
        scenario=scenario,
        award=award_date,
        start=start_date,
        end=end_date,
        framework=framework,
        months=months_given,
        default_months=tender_months,
        first_delivery=first_delivery,
        risk_assessment_in_tender=risk_assessment_in_tender,
    )
    obligations = schedule.obligations
    contract = Contract.objects.create(
        organisation=organisation,
        procurement=procurement,
        tender=tender,
        title=title.strip(),
        supplier=supplier,
        supplier_email=supplier_email.strip().lower(),
        supplier_language=supplier_language,
        scenario=scenario,
        award_date=award_date,
        start_date=start_date,
        end_date=end_date,
        first_delivery=first_delivery,
        months=months_given or tender_months or framework.parameters.default_months,
        risk_assessment_in_tender=risk_assessment_in_tender,
        created_by=actor,
    )
    Obligation.objects.bulk_create(
        Obligation(contract=contract, clause=o.clause, title=o.title, due_date=o.due, reason=o.reason[:200])
        for o in obligations
    )
    obligation_verdicts_refresh(obligations=contract.obligations.all())
    contracts_changed(organisation.pk)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="contract.create",
        target=contract,
        after={
            "title": contract.title,
            "supplier": contract.supplier_name,
            "supplier_language": supplier_language,
            "scenario": scenario,
            "obligations": [o.as_dict() for o in obligations],
            "warnings": list(schedule.warnings),
        },
    )
    contract.schedule_warnings = schedule.warnings  # type: ignore[attr-defined]
    return contract


def supplier_language_choice(value: str | None) -> str:
    """The language set for a contract's supplier: a shipped code, '' for none (the supplier's browser decides
    the page), or, when not given (None), the buyer's active language; an unknown code is refused naming the
    field."""
    if value is None:
        return active_language()
    try:
        return language_choice(value, field="supplier_language")
    except InputError as exc:
        raise TenderInputError(str(exc), field="supplier_language") from exc


def _accept(upload: Any, allowed: tuple[str, ...]) -> AcceptedFile:
    """Read the upload, refused (by the kernel's rules) as a SubmissionError naming the file field."""
    try:
        return accept_upload(upload, allowed=allowed, field="file")
    except InputError as exc:
        raise SubmissionError(str(exc), field="file") from exc


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").replace(";", "\n").splitlines() if line.strip()]


def _report_field(name: str, data: dict[str, Any]) -> int | str:
    """Read one short answer of a report: the number of actions as a whole number, any other as text."""
    if name != "actions_count":
        return str(data.get(name) or "").strip()
    try:
        count = int(str(data.get(name) or "0").strip() or 0)
    except ValueError as exc:
        raise SubmissionError(_("enter the number of actions as a whole number"), field=name) from exc
    if count < 0:
        raise SubmissionError(_("cannot be negative"), field=name)
    return count


def submission_create(
    *,
    obligation: Obligation,
    data: dict[str, Any],
    upload: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Submission:
    """Store a new version of the supplier's submission for an obligation (validated first; nothing overwritten).

    The upload is read before anything is written, telling `progress` (done, total) about the rows of a site
    list; the writes then run in one transaction."""
    clause = obligation.clause
    framework = get_tender_framework()
    spec = framework.clause_submission(clause)
    summary: dict[str, Any] = {}
    sites = []
    if spec.kind == "site_list":
        if upload is None:
            raise SubmissionError(_("a site list (CSV or XLSX) is required"), field="file")
        file = _accept(upload, SITE_LIST_EXTENSIONS)
        try:
            sites = read_site_list(file, progress=progress)
        except SiteListError as exc:
            raise SubmissionError(f"{file.name}: {exc}", field="file") from exc
        except InputError as exc:  # the kernel's refusal already names the file
            raise SubmissionError(str(exc), field="file") from exc
        # the sites themselves are kept as ProductionSite rows, not repeated here
        summary = {"site_count": len(sites), "explanation": str(data.get("explanation") or "").strip()}
    else:
        if upload is None:
            raise SubmissionError(_("a document (PDF, DOCX or text) is required"), field="file")
        file = _accept(upload, DOCUMENT_EXTENSIONS)
        try:
            text = extract_text(file, field="file")
        except InputError as exc:
            raise SubmissionError(str(exc), field="file") from exc
        if spec.kind == "risk_assessment":
            # The document is read now, once, with step 1's check (award criterion 1); the verdicts count what it
            # found, and name what the supplier's typed summary claims that the document does not bear out.
            summary = read_risk_assessment(text, {k: _lines(data.get(k)) for k in RISK_ASSESSMENT_ITEMS})
        else:  # a report: the short answers its clause asks beside the document
            summary = {name: _report_field(name, data) for name in spec.fields}
            if "due_diligence_processes" in framework.criterion(clause).contents:
                # A report on due diligence (CC4) is read now, once, with award criterion 7's check: the
                # verdicts count the processes its document describes; the typed description is a hint.
                summary |= read_due_diligence_report(text, str(summary.get("processes") or ""))
    return _submission_store(obligation=obligation, file=file, summary=summary, sites=sites)


@transaction.atomic
def _submission_store(
    *,
    obligation: Obligation,
    file: AcceptedFile,
    summary: dict[str, Any],
    sites: list[SiteRow],
) -> Submission:
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    clause = obligation.clause
    version = (obligation.submissions.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    submission = Submission(
        obligation=obligation,
        version=version,
        filename=file.name[:255],
        content_type=file.content_type,
        size=file.size,
        summary=summary,
    )
    submission.file.save(
        f"{obligation.contract.public_id}-{clause}-v{version}{file.extension}",
        ContentFile(file.content),
        save=False,
    )
    contract = obligation.contract
    # each site's risks are linked once, now, so that no page reads the risk assessment again
    links = (
        link_site_rows(
            [(i, s.country_iso3, s.site_type) for i, s in enumerate(sites)], contract_risk_result(contract)
        )
        if sites
        else {}
    )
    try:
        submission.save()
        ProductionSite.objects.bulk_create(
            (
                ProductionSite(
                    submission=submission,
                    row=s.row,
                    name=s.name,
                    address=s.address,
                    country_iso3=s.country_iso3,
                    site_type=s.site_type,
                    products=s.products,
                    risk_link=links[i],
                )
                for i, s in enumerate(sites)
            ),
            batch_size=1000,
        )
        if sites:  # each row becomes a mention in the site registry, matched now (issue 11)
            from hrdd.supplier_sites.services import site_mentions_from_submission

            site_mentions_from_submission(submission=submission)
        obligation_verdict_refresh(obligation=obligation)
        contracts_changed(contract.organisation_id)  # the feeds say when it was received
    except Exception:
        submission.file.delete(save=False)  # nothing half-stored
        raise
    audit_record(
        actor=None,
        actor_label=link_holder_label("contract", contract.public_id, contract.supplier_name),
        organisation=contract.organisation,
        action="submission.create",
        target=submission,
        after={
            "clause": clause,
            "version": version,
            "file": submission.filename,
            "size": submission.size,
            "sites": len(sites),
        },
    )
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, actor_label: str, reason: str) -> Obligation:
    """Take back a submission the supplier no longer consents to share (hrdd.profiles: a withdrawn sharing of
    their company profile): from now on the buyer no longer sees it, its file or its sites. The submission, its
    file and its production sites are removed, with its mentions in the site registry (hrdd.supplier_sites: a
    site only this list named leaves the registry too), and the obligation's verdict is rated again as if it had
    not been received. Audited without the contents; return the obligation."""
    obligation = Obligation.objects.select_for_update().get(pk=submission.obligation_id)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    contract = obligation.contract
    from hrdd.supplier_sites.services import submission_mentions_remove

    registry = submission_mentions_remove(submission=submission, actor_label=actor_label)
    before = {
        "clause": obligation.clause,
        "version": submission.version,
        "file": submission.filename,
        "submitted_at": submission.submitted_at.isoformat(),
        "sites": submission.sites.count(),
    }
    audit_record(
        actor=None,
        actor_label=actor_label,
        organisation=contract.organisation,
        action="submission.withdraw",
        target=submission,
        before=before,
        after={"reason": reason, **registry},
    )
    file = submission.file
    submission.delete()
    if file:
        transaction.on_commit(lambda: file.delete(save=False))  # the file goes once the removal is committed
    obligation_verdict_refresh(obligation=obligation)
    contracts_changed(contract.organisation_id)
    return obligation


def takes_site_list(obligation: Obligation) -> bool:
    """Whether the supplier answers this obligation with a production-site list (CSV or XLSX)."""
    return get_tender_framework().clause_submission(obligation.clause).kind == "site_list"


def site_list_subject(obligation: Obligation) -> str:
    """The subject of the background runs that read site lists for this obligation."""
    return f"contracts.obligation:{obligation.pk}"


def site_list_accept(
    *, obligation: Obligation, data: dict[str, Any], upload: Any, enqueue: bool = True
) -> TaskRun:
    """Accept a site list at once (type, size, real format, text encoding) and queue the reading of its rows,
    which become a new submission when all are read (hrdd.contracts.tasks.site_list_import)."""
    from hrdd.contracts.tasks import site_list_import  # the task calls back into this module

    if upload is None:
        raise SubmissionError(_("a site list (CSV or XLSX) is required"), field="file")
    file = _accept(upload, SITE_LIST_EXTENSIONS)
    if file.kind == CSV:
        try:
            decode_text(file.content, name=file.name, field="file")
        except InputError as exc:
            raise SubmissionError(str(exc), field="file") from exc
    contract = obligation.contract
    return task_run_create(
        organisation=contract.organisation,
        task=site_list_import,
        label=Text(
            gettext_noop("Site list %(file)s for %(clause)s"), file=file.name, clause=obligation.clause
        ),
        subject=site_list_subject(obligation),
        params={"obligation": obligation.pk, "explanation": str(data.get("explanation") or "").strip()},
        inputs=[(file.name, file.content)],
        enqueue=enqueue,
    )


@transaction.atomic
def information_request_create(
    *, actor: User, obligation: Obligation, question: str, due_on: dt.date
) -> InformationRequest:
    """Ask the supplier for more information on an obligation (counts for the KPI responsiveness)."""
    require_writer(actor, obligation.contract.organisation)
    question = (question or "").strip()
    if not question:
        raise SubmissionError(_("a question is required"), field="question")
    today = timezone.localdate()
    if due_on < today:
        raise SubmissionError(_("the answer cannot be due before today"), field="due_on")
    request = InformationRequest.objects.create(
        obligation=obligation, question=question, asked_on=today, due_on=due_on, asked_by=actor
    )
    obligation_verdict_refresh(obligation=obligation, today=today)
    contracts_changed(obligation.contract.organisation_id)
    audit_record(
        actor=actor,
        organisation=obligation.contract.organisation,
        action="information_request.create",
        target=request,
        after={"clause": obligation.clause, "question": question, "due_on": due_on.isoformat()},
    )
    contract = obligation.contract
    link = absolute_url(contract.get_supplier_url())
    with translation.override(mail_language(contract.supplier_language)):  # written now, sent on commit
        subject = _("%(buyer)s asks for more information (%(clause)s)") % {
            "buyer": contract.organisation.name,
            "clause": obligation.clause,
        }
        body = f"{question}\n\n" + _("Please answer by %(due)s through your link:\n%(link)s") % {
            "due": due_on.isoformat(),
            "link": link,
        }
    transaction.on_commit(
        lambda: send_mail(
            subject=subject,
            message=body,
            from_email=None,
            recipient_list=[contract.supplier_email],
            fail_silently=True,
        )
    )
    return request


@transaction.atomic
def information_request_answer(*, request: InformationRequest, answer: str) -> InformationRequest:
    """The supplier answers a request, once."""
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if request.answered_on is not None:
        raise SubmissionError(_("this request was already answered"), field="answer")
    answer = (answer or "").strip()
    if not answer:
        raise SubmissionError(_("an answer is required"), field="answer")
    request.answer = answer
    request.answered_on = timezone.localdate()
    request.save()
    obligation_verdict_refresh(obligation=request.obligation, today=request.answered_on)
    contract = request.obligation.contract
    contracts_changed(contract.organisation_id)
    audit_record(
        actor=None,
        actor_label=link_holder_label("contract", contract.public_id, contract.supplier_name),
        organisation=contract.organisation,
        action="information_request.answer",
        target=request,
        after={"answered_on": request.answered_on.isoformat()},
    )
    return request


def reminders_send(*, today: dt.date | None = None) -> list[tuple[Obligation, str]]:
    """Send the reminder e-mails due today (before and after each deadline); each is sent once, ever.

    A bounded number of queries whatever the number of contracts: the open obligations, the reminders already
    sent to them and the contract managers of their organisations are read in one query each; then one insert
    per e-mail sent."""
    today = today or timezone.localdate()
    framework = get_tender_framework()
    settings_ = framework.reminders
    sent: list[tuple[Obligation, str]] = []
    open_obligations = (
        Obligation.objects.filter(submissions__isnull=True)
        .select_related("contract", "contract__organisation", "contract__supplier")
        .filter(
            due_date__gte=today - dt.timedelta(days=max(settings_.days_after, default=0) + 366),
            due_date__lte=today + dt.timedelta(days=max(settings_.days_before, default=0)),
        )
        .order_by("due_date", "pk")
    )
    if settings_.days_after:  # long past its last threshold, an obligation's reminder is always that one's
        last = max(settings_.days_after)
        open_obligations = open_obligations.exclude(
            Q(due_date__lte=today - dt.timedelta(days=last))
            & Q(Exists(ReminderSent.objects.filter(obligation=OuterRef("pk"), key=f"after-{last}")))
        )
    due: list[tuple[Obligation, str]] = []
    for obligation in open_obligations:
        key = reminder_due(
            due=obligation.due_date,
            today=today,
            submitted=False,
            days_before=settings_.days_before,
            days_after=settings_.days_after,
        )
        if key is not None:
            due.append((obligation, key))
    if not due:
        return sent
    already = set(
        ReminderSent.objects.filter(obligation__in=open_obligations).values_list("obligation_id", "key")
    )
    due = [(o, key) for o, key in due if (o.pk, key) not in already]
    managers: dict[int, list[tuple[str, str]]] = {}
    for organisation_id, email, language in User.objects.filter(
        memberships__organisation_id__in={o.contract.organisation_id for o, _key in due},
        memberships__role__in=[User.Role.CONTRACT_MANAGER, User.Role.ADMIN],
        memberships__is_active=True,  # a member deactivated in that organisation is told nothing of it
        is_active=True,
    ).values_list("memberships__organisation_id", "email", "language"):
        managers.setdefault(organisation_id, []).append((email, language))
    for obligation, key in due:
        readers = [
            (obligation.contract.supplier_email, obligation.contract.supplier_language),
            *managers.get(obligation.contract.organisation_id, []),
        ]
        if _reminder_record_and_mail(obligation, key, readers):
            sent.append((obligation, key))
    return sent


def _reminder_record_and_mail(obligation: Obligation, key: str, readers: list[tuple[str, str]]) -> bool:
    """Record one reminder and send its e-mails in one transaction: an e-mail the mail server refuses undoes the
    record, so the next run sends it again (the failure is logged). False when it was not sent now."""
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(obligation=obligation, key=key)
            except IntegrityError:
                return False  # sent meanwhile by another run: never twice
            # one e-mail per language: if a later one fails, the readers of an earlier one get it again next run
            for language, recipients in _by_language(readers).items():
                reminder_mail(
                    obligation, overdue=not key.startswith("before"), recipients=recipients, language=language
                )
    except OSError:  # smtplib's errors and a refused connection are OSErrors
        logger.warning(
            "reminder %s of obligation %s (%s) not sent; the next run tries again",
            key,
            obligation.pk,
            obligation.clause,
            exc_info=True,
        )
        return False
    return True


def _by_language(readers: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The addresses of a reminder's readers (address, language set for them) grouped by the language their
    e-mail is written in, in the order first named: one e-mail per language."""
    groups: dict[str, list[str]] = {}
    for email, language in readers:
        groups.setdefault(mail_language(language), []).append(email)
    return groups


def reminder_mail(
    obligation: Obligation, *, overdue: bool, recipients: list[str], language: str | None = None
) -> None:
    """E-mail the reminder of one obligation: what is due when, and the supplier's link to submit through;
    written in `language` (by default the supplier's, hrdd.core.languages.mail_language)."""
    contract = obligation.contract
    link = absolute_url(contract.get_supplier_url())
    with translation.override(language or mail_language(contract.supplier_language)):
        title = localize(obligation.title)  # the clause's title from the framework, in the reader's language
        when = (
            _("was due on %s and has not been received") % obligation.due_date.isoformat()
            if overdue
            else _("is due on %s") % obligation.due_date.isoformat()
        )
        subject = _("Reminder: %(clause)s %(title)s — %(contract)s") % {
            "clause": obligation.clause,
            "title": title,
            "contract": contract.title,
        }
        body = _("%(clause)s %(title)s %(when)s.\nSubmit through your link:\n%(link)s\n") % {
            "clause": obligation.clause,
            "title": title,
            "when": when,
            "link": link,
        }
    # not silent: a refused e-mail must undo the record of the reminder (the callers' transaction)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients, fail_silently=False)


class ReminderRefused(InputError):
    """A reminder cannot be sent now; the message says why."""


def reminder_send_now(*, actor: User, obligation: Obligation, today: dt.date | None = None) -> ReminderSent:
    """Send the supplier the reminder of one unsubmitted obligation at once, with the same e-mail as the daily
    reminders; at most once a day per obligation (a second click, or a page sent again, sends nothing)."""
    contract = obligation.contract
    require_writer(actor, contract.organisation)
    today = today or timezone.localdate()
    if obligation.submissions.exists():
        raise ReminderRefused(
            _("%(clause)s was already received: there is nothing to remind of.")
            % {"clause": obligation.clause}
        )
    try:
        with transaction.atomic():
            sent = ReminderSent.objects.create(obligation=obligation, key=f"now-{today.isoformat()}")
            audit_record(
                actor=actor,
                organisation=contract.organisation,
                action="obligation.remind",
                target=obligation,
                after={
                    "clause": obligation.clause,
                    "due": obligation.due_date.isoformat(),
                    "to": contract.supplier_email,
                },
            )
            # inside the transaction: a refused e-mail records nothing, and the buyer may try again
            reminder_mail(
                obligation, overdue=obligation.due_date < today, recipients=[contract.supplier_email]
            )
    except IntegrityError as exc:
        raise ReminderRefused(
            _("A reminder of %(clause)s was already sent today; the supplier has it.")
            % {"clause": obligation.clause}
        ) from exc
    except OSError as exc:
        logger.warning("reminder of obligation %s not sent", obligation.pk, exc_info=True)
        raise ReminderRefused(
            _(
                "The mail server did not accept the reminder of %(clause)s; nothing was recorded. Try again later."
            )
            % {"clause": obligation.clause}
        ) from exc
    return sent


# --- calendar addresses ------------------------------------------------------------------------------------------


def _feed_owner(actor: User) -> Organisation:
    organisation = actor.organisation
    if organisation is None or actor.role is None or not actor.is_active:
        raise PermissionDenied(_("You work in no organisation."))
    return organisation


@transaction.atomic
def calendar_feed_renew(*, actor: User) -> CalendarFeed:
    """Give the user a new secret calendar address of their organisation's deadlines; the old one stops working."""
    organisation = _feed_owner(actor)
    revoked = _calendar_feed_revoke(actor, organisation)
    feed = CalendarFeed.objects.create(user=actor, organisation=organisation)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="calendar_feed.create",
        target=feed,
        after={"replaces": revoked.pk if revoked else None},  # never the secret itself
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> CalendarFeed | None:
    """Stop the user's calendar address of their organisation's deadlines (None when they had none)."""
    return _calendar_feed_revoke(actor, _feed_owner(actor))


def _calendar_feed_revoke(actor: User, organisation: Organisation) -> CalendarFeed | None:
    feed = (
        CalendarFeed.objects.select_for_update()
        .filter(user=actor, organisation=organisation, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="calendar_feed.revoke",
        target=feed,
        after={"revoked_at": feed.revoked_at.isoformat()},
    )
    return feed
