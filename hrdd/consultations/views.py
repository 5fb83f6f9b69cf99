"""Pages for consultations: thin; they parse, call a service or selector, and render."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.accounts.selectors import group_choices
from hrdd.consultations import charts, joint, selectors, services
from hrdd.consultations.forms import (
    ConsultationForm,
    ConsultationListForm,
    CoOwnerInviteForm,
    ImportForm,
    InvitationForm,
    QuestionnaireForm,
    ResponseListForm,
    ScenarioChoiceForm,
)
from hrdd.consultations.models import Invitation
from hrdd.consultations.spreadsheets import blank_questionnaire
from hrdd.consultations.tasks import (
    consultation_export_start,
    export_file,
    export_filename,
    export_in_request,
    export_responses,
    export_runs,
    results_export,
)
from hrdd.core.downloads import attachment
from hrdd.core.errors import NotFound
from hrdd.core.forms import form_create
from hrdd.core.languages import supplier_page_language
from hrdd.core.links import base_url
from hrdd.core.models import active_organisation_id, is_own
from hrdd.core.tasks import task_runs_of
from hrdd.core.versions import StaleEdit
from hrdd.core.views import task_run_context
from hrdd.domain.maturity import InvalidResponse
from hrdd.domain.questionnaire_framework import get_framework
from hrdd.domain.tender import get_tender_framework
from hrdd.procurements.selectors import procurement_get
from hrdd.profiles.selectors import profile_fill
from hrdd.profiles.services import profile_answers_share


@login_required
def consultation_list_page(request: HttpRequest) -> HttpResponse:
    procurement = (
        procurement_get(user=request.user, public_id=request.GET["procurement"])
        if request.GET.get("procurement")
        else None
    )
    form = ConsultationForm(
        user=request.user,
        procurement=procurement,
        initial={
            "procurement": str(procurement.public_id),
            "title": procurement.title,
            "product_category": procurement.product_category,
        }
        if procurement
        else None,
    )
    if request.method == "POST":
        form = ConsultationForm(request.POST, user=request.user)
        created = form_create(
            request,
            form,
            partial(services.consultation_create, actor=request.user),
            success=_("Consultation created. Now invite suppliers."),
            refusals=(services.ConsultationError,),
        )
        if created is not None:
            return created
    list_form = ConsultationListForm(request.GET)
    page = list_form.paginate(
        selectors.consultation_list(
            user=request.user,
            query=list_form.value("q") or "",
            product_category=list_form.value("product_category") or "",
            state=list_form.value("state") or "",
            archived=list_form.value("archived") or "",
        )
    )
    return render(
        request,
        "consultations/list.html",
        {
            "page": page,
            "list_form": list_form,
            "form": form,
            # run together with other buyers (issue 16): what waits for an answer, and what the organisation co-owns
            "co_owner_invitations": list(selectors.co_owner_invitations(user=request.user)[:50]),
            "co_owned": list(selectors.co_owned_consultations(user=request.user)[:50]),
            "can_answer_joint": request.user.role in joint.JOINT_ROLES,
        },
        status=400 if form.errors else 200,
    )


@login_required
def consultation_detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, include_shared=True)
    own = is_own(request.user, consultation)
    co_owner = not own and joint.is_co_owner(consultation, active_organisation_id(request.user))
    if not own and not co_owner:
        if request.method == "POST":  # shared by another organisation (issue 16): read-only
            raise NotFound("consultation")
        return _shared_page(request, consultation)
    invite_form = InvitationForm(
        request.POST if request.method == "POST" else None, user=request.user, auto_id="invite_%s"
    )
    created = form_create(
        request,
        invite_form,
        partial(services.invitation_create, actor=request.user, consultation=consultation),
        success=lambda invitation: (
            _("Invitation sent to %(email)s. Their link: %(link)s")
            % {"email": invitation.email, "link": services.supplier_link(invitation)}
        ),
        redirect_to=lambda invitation: consultation.get_absolute_url(),
        refusals=(services.ConsultationError,),
    )
    if created is not None:
        return created
    return _detail_page(request, consultation, invite_form=invite_form)


def _shared_page(request: HttpRequest, consultation) -> HttpResponse:  # type: ignore[no-untyped-def]
    """A consultation another organisation shares: its results and counts, never who answered what."""
    framework = get_framework(consultation.framework_id)
    market = selectors.consultation_market(consultation=consultation, framework=framework)
    return render(
        request,
        "consultations/shared.html",
        {
            "consultation": consultation,
            "framework": framework,
            "market": market,
            "chart": charts.maturity_distribution_svg(market, framework) if market else "",
            "counts": selectors.consultation_response_counts(consultation=consultation),
        },
    )


def _detail_page(
    request: HttpRequest,
    consultation,  # type: ignore[no-untyped-def]
    *,
    invite_form: InvitationForm | None = None,
    import_form: ImportForm | None = None,
) -> HttpResponse:
    """The consultation's page, with the invitation and import forms as given (400 when one holds errors)."""
    invite_form = invite_form or InvitationForm(user=request.user, auto_id="invite_%s")
    import_form = import_form or ImportForm(auto_id="import_%s")
    framework = get_framework(consultation.framework_id)
    reader = active_organisation_id(request.user)
    is_owner = reader == consultation.organisation_id
    list_form = ResponseListForm(request.GET, framework=framework)
    page = list_form.paginate(
        selectors.consultation_responses(
            consultation=consultation,
            query=list_form.value("q") or "",
            status=list_form.value("status") or "",
            overall=list_form.value("overall") or "",
            reader=reader,
        )
    )
    market = selectors.consultation_market(consultation=consultation, framework=framework)
    chart = charts.maturity_distribution_svg(market, framework) if market else ""
    imports = [
        task_run_context(
            run,
            progress_url=reverse("tasks:progress", args=[run.public_id]),
            retry_url=reverse("tasks:retry", args=[run.public_id])
            if request.user.can_write_in(run.organisation_id)
            else "",
        )
        | {  # an import refused because suppliers already answered offers to replace their earlier answers
            "replace_url": reverse(
                "consultations:import_replace", args=[consultation.public_id, run.public_id]
            )
            if run.status == run.Status.FAILED
            and run.params.get("duplicates")
            and request.user.can_write_in(run.organisation_id)
            else "",
            "duplicates": run.params.get("duplicates") or [],
        }
        for run in (
            task_runs_of(
                organisation=consultation.organisation,
                subject=services.responses_import_subject(consultation),
            )
            if is_owner
            else ()
        )
    ]
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "steps": selectors.consultation_steps(consultation, reader=reader),
            "imports": imports,
            "framework": framework,
            "market": market,
            "counts": selectors.consultation_response_counts(consultation=consultation),
            "page": page,
            "rows": [selectors.scored_row(invitation, framework) for invitation in page],
            "list_form": list_form,
            "invite_form": invite_form,
            "import_form": import_form,
            "chart": chart,
            "base_url": base_url(),
            "is_owner": is_owner,
        }
        | _joint_context(request, consultation, reader, market),
        status=400 if invite_form.errors or import_form.errors else 200,
    )


def _joint_context(request: HttpRequest, consultation, reader: int | None, market) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The joint panel (issue 16): who runs the consultation and what each chose, and the reader's forms."""
    state = selectors.joint_state(consultation=consultation, reader=reader)
    speaks = request.user.role in joint.JOINT_ROLES
    choice = state.reader_choice
    recommended, _source = selectors.scenario_to_preselect(consultation, market)
    return {
        "joint": state,
        "joint_speaks": speaks,
        "co_owner_form": CoOwnerInviteForm(
            organisations=selectors.co_owner_candidates(consultation=consultation),
            groups=group_choices(user=request.user),
        )
        if speaks and state.reader_is_owner
        else None,
        "scenario_form": ScenarioChoiceForm(
            scenarios=get_tender_framework().scenarios,
            initial={
                "scenario": choice.scenario if choice else consultation.agreed_scenario or recommended,
                "note": choice.note if choice else "",
            },
        )
        if speaks and state.reader_takes_part and len(state.participants) > 1
        else None,
        "preselect": recommended,
    }


@login_required
def response_detail_page(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    invitation = selectors.invitation_get(user=request.user, consultation=consultation, pk=pk)
    return _response_page(request, consultation, invitation)


def _response_page(request: HttpRequest, consultation, invitation: Invitation) -> HttpResponse:  # type: ignore[no-untyped-def]
    """One supplier's answers and stored scores, with the buyer's actions on the invitation."""
    framework = get_framework(consultation.framework_id)
    return render(
        request,
        "consultations/response.html",
        {
            "consultation": consultation,
            "invitation": invitation,
            "row": selectors.scored_row(invitation, framework),
            "framework": framework,
            # a co-owner reads only the answers submitted to it (issue 16)
            "answers": _answer_view(framework, invitation) if invitation.answers_shared else [],
            "is_owner": is_own(request.user, consultation),
        },
    )


def _picked(answers: dict, question_id: str) -> list[str]:  # type: ignore[type-arg]
    """The options ticked for a question, whether stored as one id or a list."""
    picked = answers.get(question_id) or []
    return [picked] if isinstance(picked, str) else list(picked)


def _answer_view(framework, invitation: Invitation) -> list[dict]:  # type: ignore[no-untyped-def]
    answers = invitation.answers or {}
    view = []
    for question in framework.questions:
        picked = _picked(answers, question.id)
        view.append(
            {
                "question": question,
                "options": [{"option": o, "ticked": o.id in picked} for o in question.options],
                "texts": [(f, answers.get(f.id, "")) for f in question.text_fields],
            }
        )
    return view


@login_required
@require_POST
def response_import(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    form = ImportForm(request.POST, request.FILES, auto_id="import_%s")
    if form.is_valid():
        uploads = form.cleaned_data["file"]
        try:
            services.responses_import_accept(actor=request.user, consultation=consultation, uploads=uploads)
        except services.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request,
                _("Received %(files)s: the answers are being imported; the progress is shown below.")
                % {"files": ", ".join(u.name for u in uploads)},
            )
            return redirect(consultation)
    return _detail_page(request, consultation, import_form=form)


@login_required
def consultation_export(request: HttpRequest, public_id: str) -> HttpResponse:
    """The results workbook: at once for a small consultation; for a big one a background run writes it (POST
    starts it, its page shows the progress) and `?run=` downloads what a finished run kept. A co-owner's holds the
    answers submitted to it only (issue 16)."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    reader = active_organisation_id(request.user)
    if request.GET.get("run"):
        stored = export_file(user=request.user, consultation=consultation, run_public_id=request.GET["run"])
        return attachment(bytes(stored.content), stored.name, content_type=stored.content_type)
    if request.method == "POST":
        run = consultation_export_start(actor=request.user, consultation=consultation)
        return redirect("tasks:detail", public_id=run.public_id)
    if export_in_request(consultation):
        return attachment(results_export(consultation, reader=reader), export_filename(consultation))
    runs = export_runs(consultation, reader=reader)
    return render(
        request,
        "consultations/export.html",
        {
            "consultation": consultation,
            "responses": export_responses(consultation),
            "runs": [
                task_run_context(run, progress_url=reverse("tasks:progress", args=[run.public_id]))
                for run in runs
            ],
        },
    )


@login_required
def blank_questionnaire_for_buyer(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    framework = get_framework(consultation.framework_id)
    return attachment(
        blank_questionnaire(framework, consultation_title=consultation.title), "questionnaire.xlsx"
    )


def respond_page(request: HttpRequest, token: str) -> HttpResponse:
    """The supplier's questionnaire behind the secret link; no account needed. Said in the supplier's language
    (hrdd.core.languages.page_language: their choice on the page, else the invitation's, else the browser's)."""
    try:
        invitation = selectors.invitation_get_by_token(token=token)
    except selectors.LinkWithdrawn as withdrawn:
        return _withdrawn_link(request, withdrawn.invitation)
    with supplier_page_language(request, invitation.language) as page:
        return page.answer(_respond(request, invitation))


def _respond(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    token = invitation.token
    consultation = invitation.consultation
    framework = get_framework(consultation.framework_id)
    # Filled in from the supplier's company profile (hrdd.profiles): the form starts from it, and nothing of it is
    # stored, nor seen by the buyer, before the supplier ticks the consent box that names the buyer and version.
    fill = profile_fill(
        invitation=invitation,
        version=request.POST.get("from_profile") or request.GET.get("from_profile") or "",
    )
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None,
        framework=framework,
        raw=fill.raw if fill is not None else invitation.as_raw_response(),
        disabled=invitation.is_submitted,
        consent=fill.consent_text if fill is not None else "",
        version=invitation.version,
    )
    # Who will read the answers (issue 16): the owner and its co-owners now, named on the page; the page's list
    # comes back with the answers, and a co-owner who joined in between is never sent them unseen.
    seen_by = selectors.consultation_seen_by(consultation)
    shown = request.POST.get("seen_by") if request.method == "POST" else None
    shown_ids = [part for part in shown.split(",") if part] if shown is not None else None
    joined = [o.name for o in seen_by if shown_ids is not None and str(o.public_id) not in shown_ids]
    status = 200
    if form.is_bound:
        valid = form.is_valid()
        status = 400
        if invitation.is_submitted:
            form.add_error(None, _("This questionnaire was already submitted; ask the buyer to reopen it."))
            status = 409
        elif valid and joined and form.submitting():
            form.add_error(
                None,
                _(
                    "Since you opened this page, %(organisations)s joined this consultation and would see your "
                    "answers too. Check the list of who will see them, then submit again."
                )
                % {"organisations": ", ".join(joined)},
            )
            status = 409
        elif valid:
            try:
                raw = form.raw_response()
                version = form.cleaned_data.get("version")
                if fill is not None:  # shared from the profile: the form required the supplier's consent
                    profile_answers_share(
                        invitation=invitation,
                        fill=fill,
                        raw=raw,
                        submit=form.submitting(),
                        edit_version=version,
                    )
                elif form.submitting():
                    services.invitation_submit(
                        invitation=invitation, raw=raw, seen_by=shown_ids, version=version
                    )
                else:
                    services.invitation_save_draft(invitation=invitation, raw=raw, version=version)
                if form.submitting():
                    messages.success(
                        request,
                        _("Thank you. Your answers were submitted to %s.")
                        % (
                            ", ".join(o.name for o in invitation.submitted_to.order_by("name"))
                            or consultation.organisation.name
                        ),
                    )
                else:
                    messages.success(
                        request, _("Draft saved. You can come back to this link and submit later.")
                    )
                return redirect("respond", token=token)
            except InvalidResponse as exc:
                form.add_response_errors(exc)
            except services.AlreadySubmitted as exc:
                form.add_error(None, str(exc))
                status = 409
            except StaleEdit as exc:  # someone else saved through this link since the page was opened
                form.refuse_stale_edit(exc)
                status = 409
    return render(
        request,
        "consultations/respond.html",
        {
            "invitation": invitation,
            "consultation": consultation,
            "framework": framework,
            "form": form,
            "profile_fill": fill,
            "seen_by": seen_by,
            "seen_by_ids": ",".join(str(o.public_id) for o in seen_by),
        },
        status=status,
    )


def _withdrawn_link(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """A withdrawn invitation's link: not found, said kindly (in the supplier's language), with whom to ask."""
    with supplier_page_language(request, invitation.language) as page:
        return page.answer(
            render(
                request,
                "consultations/withdrawn.html",
                {"buyer": invitation.consultation.organisation.name, "title": invitation.consultation.title},
                status=404,
            )
        )


def respond_blank_xlsx(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = selectors.invitation_get_by_token(token=token)
    except selectors.LinkWithdrawn as withdrawn:
        return _withdrawn_link(request, withdrawn.invitation)
    framework = get_framework(invitation.consultation.framework_id)
    with supplier_page_language(
        request, invitation.language
    ) as page:  # its statements in the page's language
        return page.answer(
            attachment(
                blank_questionnaire(framework, consultation_title=invitation.consultation.title),
                "questionnaire.xlsx",
            )
        )
