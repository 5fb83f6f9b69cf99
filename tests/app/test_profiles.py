"""Portable supplier answers (issue 16): a supplier keeps submitted answers as a company profile, fills another
buyer's questionnaire in from it, shares it only with an explicit consent naming the buyer and the version, and
can withdraw it at once; the profile travels between installations as JSON in a published, versioned format."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.consultations.models import Invitation
from hrdd.consultations.selectors import consultation_market, consultation_response_counts
from hrdd.consultations.services import invitation_create, invitation_submit
from hrdd.core.errors import InputError
from hrdd.profiles import selectors, services
from hrdd.profiles.format import MAX_BYTES, parse_profile_document, profile_json_schema
from hrdd.profiles.models import ProfileShare, ProfileVersion, SupplierProfile
from tests.cli_support import assert_refused, ok
from tests.factories import ConsultationFactory, OrganisationFactory, response
from tests.html import document

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "docs" / "supplier-profile.schema.json"
EMAIL = "sales@acme.example"


@pytest.fixture
def answered_a(buyer, consultation):
    """Acme answered buyer A (the municipality) and submitted."""
    invitation = invitation_create(
        actor=buyer, consultation=consultation, email=EMAIL, company="Acme", send=False
    )
    return invitation_submit(invitation=invitation, raw=response(company="Acme Computers"))


@pytest.fixture
def kept(answered_a, django_capture_on_commit_callbacks):
    """Acme kept its answers to buyer A as its company profile (version 1)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.profile_keep_answers(invitation=answered_a)


@pytest.fixture
def buyer_b(db):
    from tests.factories import UserFactory

    organisation = OrganisationFactory(name="Province of Elsewhere")
    return UserFactory(email="buyer@province.example", organisation=organisation)


@pytest.fixture
def request_b(buyer_b):
    """Buyer B invites the same address to its own consultation (same questionnaire)."""
    consultation = ConsultationFactory(organisation=buyer_b.organisation, title="Laptops 2028")
    return invitation_create(actor=buyer_b, consultation=consultation, email=EMAIL, send=False)


def respond_url(invitation):
    return reverse("respond", args=[invitation.token])


def fill_key(version):
    return selectors.fill_key(version)


def form_data(raw, *, action="submit", from_profile="", consent=False):
    """What the respond form sends for a raw response."""
    data = {"company": raw["company"], "role": raw["role"], "action": action}
    for question_id, value in raw["answers"].items():
        data[question_id] = value
    if from_profile:
        data["from_profile"] = from_profile
    if consent:
        data["share_consent"] = "on"
    return data


def shared(client, request_b, version, *, consent=True, action="submit"):
    """Buyer B's request filled in from the profile and sent, with or without the consent."""
    page = client.get(respond_url(request_b), {"from_profile": fill_key(version)})
    assert page.status_code == 200
    return client.post(
        respond_url(request_b),
        form_data(
            response(company="Acme Computers"), action=action, from_profile=fill_key(version), consent=consent
        ),
    )


# keeping answers as a profile


def test_keeping_submitted_answers_creates_a_confirmed_profile_and_emails_its_link(
    answered_a, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        version = services.profile_keep_answers(invitation=answered_a)

    # then
    profile = version.profile
    assert (profile.email, profile.company_as_given, version.number) == (EMAIL, "Acme Computers", 1)
    assert profile.confirmed_at is not None
    questionnaire = version.content["questionnaire"]
    assert questionnaire["framework"]["id"] == "cfit-2025"
    assert questionnaire["answers"] == answered_a.answers
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    assert profile.get_manage_url() in mailoutbox[0].body


def test_the_respond_page_offers_to_keep_answers_only_after_submitting(client, buyer, consultation):
    # given a draft
    invitation = invitation_create(actor=buyer, consultation=consultation, email=EMAIL, send=False)

    # then no offer to keep before submitting
    assert document(client.get(respond_url(invitation))).by_id("profile-offer") is None

    # when submitted
    invitation_submit(invitation=invitation, raw=response())

    # then the page offers it, as a form posting to the keep address
    offer = document(client.get(respond_url(invitation))).by_id("profile-offer")
    assert offer is not None
    assert offer.find("form").get("action") == reverse("profiles:keep", args=[invitation.token])


def test_keeping_again_adds_a_version_to_the_same_profile(kept, buyer, consultation):
    # given the same address answering another consultation of buyer A
    other = ConsultationFactory(organisation=consultation.organisation)
    invitation = invitation_create(actor=buyer, consultation=other, email=EMAIL, send=False)
    invitation_submit(
        invitation=invitation, raw=response(company="Acme Computers", risk_understanding="good")
    )

    # when
    version = services.profile_keep_answers(invitation=invitation)

    # then
    assert version.profile == kept.profile
    assert version.number == 2
    assert SupplierProfile.objects.count() == 1


def test_keeping_is_audited_without_the_answers(kept):
    events = AuditEvent.objects.filter(target_type="profiles.supplierprofile").order_by("id")
    assert [e.action for e in events] == ["profile.create", "profile.version_create"]
    assert "answers" not in json.dumps([e.after for e in events])


# reusing: offered only to the same address, nothing shared before the consent


def test_another_buyers_request_to_the_same_address_offers_the_profile(client, kept, request_b):
    page = document(client.get(respond_url(request_b)))

    link = page.by_id("profile-fill")
    assert link is not None
    assert f"from_profile={fill_key(kept)}" in link.get("href").replace("%3A", ":")
    assert "version 1" in link.text


def test_a_profile_is_not_offered_to_another_email_address(client, kept, buyer_b):
    # given buyer B invites someone else
    consultation = ConsultationFactory(organisation=buyer_b.organisation)
    stranger = invitation_create(
        actor=buyer_b, consultation=consultation, email="other@acme.example", send=False
    )

    # then there is no offer, and the profile's version cannot be asked for by its key
    assert document(client.get(respond_url(stranger))).by_id("profile-fill") is None
    assert selectors.profile_fill(invitation=stranger, version=fill_key(kept)) is None
    filled = client.get(respond_url(stranger), {"from_profile": fill_key(kept)})
    assert document(filled).by_id("profile-consent") is None
    assert "Acme Computers" not in filled.content.decode()


def test_filling_in_from_the_profile_shows_the_answers_but_stores_and_shares_nothing(
    client, kept, request_b, buyer_b
):
    # when the supplier fills the form in from the profile
    page = document(client.get(respond_url(request_b), {"from_profile": fill_key(kept)}))

    # then the form holds the profile's answers and asks for the consent
    assert page.find("input", name="company").get("value") == "Acme Computers"
    assert page.by_id("profile-consent") is not None
    # and nothing is stored or shared: the buyer sees no answers
    request_b.refresh_from_db()
    assert request_b.answers == {}
    assert request_b.status == Invitation.Status.INVITED
    assert not ProfileShare.objects.exists()
    client.force_login(buyer_b)
    buyer_page = client.get(
        reverse("consultations:response", args=[request_b.consultation.public_id, request_b.pk])
    )
    assert document(buyer_page).by_id("profile-share") is None


@pytest.mark.parametrize("action", ["submit", "save"])
def test_no_sharing_without_consent(client, kept, request_b, action):
    # when the supplier submits (or saves) what the profile filled in, without ticking the box
    answer = shared(client, request_b, kept, consent=False, action=action)

    # then it is refused beside the consent box, and nothing is stored
    assert answer.status_code == 400
    consent = document(answer).by_id("id_share_consent")
    assert consent is not None and consent.get("aria-invalid") == "true"
    request_b.refresh_from_db()
    assert (request_b.status, request_b.answers) == (Invitation.Status.INVITED, {})
    assert not ProfileShare.objects.exists()


def test_the_consent_names_the_buyer_and_the_version(client, kept, request_b):
    page = document(client.get(respond_url(request_b), {"from_profile": fill_key(kept)}))

    label = page.find("label", **{"for": "id_share_consent"}).text
    assert "Province of Elsewhere" in label
    assert "version 1" in label
    assert timezone.localdate(kept.saved_at).isoformat() in label


def test_submitting_with_consent_shares_that_version_with_that_buyer(client, kept, request_b, buyer_b):
    # when
    answer = shared(client, request_b, kept)

    # then the answers are submitted and counted
    assert answer.status_code == 302
    request_b.refresh_from_db()
    assert request_b.is_submitted
    assert consultation_market(consultation=request_b.consultation) is not None
    # and the share records the buyer, the version and the consent shown
    share = ProfileShare.objects.get()
    assert (share.organisation, share.invitation, share.version, share.version_number) == (
        buyer_b.organisation,
        request_b,
        kept,
        1,
    )
    assert "Province of Elsewhere" in share.consent_text and "version 1" in share.consent_text
    assert share.answers_changed == 0


def test_the_buyer_sees_the_version_and_dates_of_what_was_shared(client, kept, request_b, buyer_b):
    # given
    shared(client, request_b, kept)
    share = ProfileShare.objects.get()

    # when buyer B opens the response
    client.force_login(buyer_b)
    page = document(
        client.get(reverse("consultations:response", args=[request_b.consultation.public_id, request_b.pk]))
    )

    # then
    note = page.by_id("profile-share").text
    saved = timezone.localdate(kept.saved_at).isoformat()
    consented = timezone.localdate(share.consented_at).isoformat()
    assert f"From the supplier's profile, version 1 of {saved}, shared on {consented}." in note


def test_sharing_is_audited_in_the_buyers_log(client, kept, request_b, buyer_b):
    shared(client, request_b, kept)

    event = AuditEvent.objects.get(action="profile.share")
    assert event.organisation == buyer_b.organisation
    assert event.after["version"] == 1
    assert "Province of Elsewhere" in event.after["consent"]


def test_answers_changed_after_filling_are_counted_on_the_share(client, kept, request_b):
    # given the supplier changes one answer before submitting
    raw = response(company="Acme Computers", risk_understanding="good")
    client.get(respond_url(request_b), {"from_profile": fill_key(kept)})

    # when
    client.post(respond_url(request_b), form_data(raw, from_profile=fill_key(kept), consent=True))

    # then
    assert ProfileShare.objects.get().answers_changed == 1


def test_a_form_filled_from_version_1_shares_version_1_even_if_version_2_came_in_between(
    client, kept, request_b, buyer, consultation
):
    # given the supplier filled buyer B's form in from version 1
    client.get(respond_url(request_b), {"from_profile": fill_key(kept)})
    # and meanwhile kept version 2 from another answer
    other = ConsultationFactory(organisation=consultation.organisation)
    invitation = invitation_create(actor=buyer, consultation=other, email=EMAIL, send=False)
    invitation_submit(
        invitation=invitation, raw=response(company="Acme Computers", risk_understanding="good")
    )
    services.profile_keep_answers(invitation=invitation)

    # when the form filled from version 1 is sent with the consent
    client.post(
        respond_url(request_b),
        form_data(response(company="Acme Computers"), from_profile=fill_key(kept), consent=True),
    )

    # then version 1 is what was shared
    assert ProfileShare.objects.get().version_number == 1


# revoking


def revoke(client, share):
    url = reverse("profiles:share_revoke", args=[share.profile.token, share.public_id])
    assert client.get(url).status_code == 200  # the page that asks
    return client.post(url, {"confirm": "on"})


def test_revoking_stops_the_buyer_seeing_the_answers_at_once_and_removes_them_from_results(
    client, kept, request_b, buyer_b
):
    # given a shared, counted response
    shared(client, request_b, kept)
    share = ProfileShare.objects.get()
    assert consultation_response_counts(consultation=request_b.consultation)["submitted"] == 1

    # when the supplier withdraws it from the profile's page
    answer = revoke(client, share)

    # then
    assert answer.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None and share.ended_because == ProfileShare.Ended.SUPPLIER
    request_b.refresh_from_db()
    assert (request_b.status, request_b.answers, request_b.role) == (Invitation.Status.INVITED, {}, "")
    assert not hasattr(Invitation.objects.select_related("verdict").get(pk=request_b.pk), "verdict")
    assert consultation_response_counts(consultation=request_b.consultation)["submitted"] == 0
    assert consultation_market(consultation=request_b.consultation) is None
    # and the buyer's page says so, without the answers
    client.force_login(buyer_b)
    page = document(
        client.get(reverse("consultations:response", args=[request_b.consultation.public_id, request_b.pk]))
    )
    assert f"Withdrawn by the supplier on {timezone.localdate(share.revoked_at).isoformat()}." in (
        page.by_id("profile-share").text
    )
    assert "☑" not in page.text


def test_revoking_is_audited_for_the_buyer(client, kept, request_b, buyer_b):
    shared(client, request_b, kept)
    revoke(client, ProfileShare.objects.get())

    actions = set(
        AuditEvent.objects.filter(organisation=buyer_b.organisation).values_list("action", flat=True)
    )
    assert {"profile.share", "profile.share_revoke", "response.withdraw_by_supplier"} <= actions
    withdrawn = AuditEvent.objects.get(action="response.withdraw_by_supplier")
    assert "answers" in withdrawn.before and not isinstance(withdrawn.before["answers"], dict)


def test_revoking_needs_the_box_ticked(client, kept, request_b):
    shared(client, request_b, kept)
    share = ProfileShare.objects.get()

    answer = client.post(reverse("profiles:share_revoke", args=[share.profile.token, share.public_id]), {})

    assert answer.status_code == 400
    share.refresh_from_db()
    assert share.revoked_at is None


def test_the_management_page_lists_versions_and_shares(client, kept, request_b):
    shared(client, request_b, kept)

    page = document(client.get(kept.profile.get_manage_url()))

    assert [
        r.get("data-version") for r in page.by_id("versions").find_all("tr") if r.get("data-version")
    ] == ["1"]
    shares = page.by_id("shares").text
    assert "Province of Elsewhere" in shares and "Laptops 2028" in shares


def test_a_wrong_management_link_is_not_found(client, db):
    assert client.get(reverse("profiles:manage", args=["nope"])).status_code == 404


def test_deleting_the_profile_withdraws_every_share(client, kept, request_b, buyer_b):
    # given
    shared(client, request_b, kept)
    profile = kept.profile

    # when
    answer = client.post(reverse("profiles:delete", args=[profile.token]), {"confirm": "on"})

    # then
    assert answer.status_code == 200
    assert not SupplierProfile.objects.exists() and not ProfileVersion.objects.exists()
    share = ProfileShare.objects.get()  # kept for the buyer's page
    assert share.ended_because == ProfileShare.Ended.DELETED
    request_b.refresh_from_db()
    assert request_b.answers == {}
    assert AuditEvent.objects.filter(action="profile.delete").exists()


# the open format: export, schema, import


def test_the_published_schema_is_the_one_imports_check():
    assert json.loads(SCHEMA_FILE.read_text()) == profile_json_schema()
    assert profile_json_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_an_export_validates_against_the_published_schema_and_holds_no_buyer_data(client, kept, request_b):
    # given a profile with a share
    shared(client, request_b, kept)

    # when
    exported = client.get(reverse("profiles:download", args=[kept.profile.token]))

    # then
    document_ = json.loads(exported.content)
    jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text())).validate(document_)
    assert (document_["format"], document_["version"]) == ("hrdd-supplier-profile", 2)
    text = exported.content.decode()
    for buyer_data in (
        "Municipality of Testville",
        "Province of Elsewhere",
        "Notebooks 2027",
        "Laptops 2028",
    ):
        assert buyer_data not in text
    assert EMAIL not in text  # the address is the installation's proof, not part of the answers


def test_an_export_imports_as_a_new_profile(kept, django_capture_on_commit_callbacks, mailoutbox):
    exported = json.dumps(selectors.profile_export(kept.profile))

    with django_capture_on_commit_callbacks(execute=True):
        imported = services.profile_import_file(
            content=exported.encode(), email="new@acme.example", actor_label="t"
        )

    assert imported.versions.get().content == kept.content
    assert imported.confirmed_at is None
    assert mailoutbox[-1].to == ["new@acme.example"]
    assert AuditEvent.objects.filter(action="profile.import").exists()


def exported_document():
    return {
        "format": "hrdd-supplier-profile",
        "version": 1,
        "exported_at": "2026-01-02T03:04:05Z",
        "company": {"name": "Acme Computers"},
        "versions": [
            {
                "number": 1,
                "saved_at": "2026-01-01T00:00:00Z",
                "source": "questionnaire",
                "questionnaire": {
                    "framework": {"id": "cfit-2025", "version": "1"},
                    "role": "manufacturer",
                    "answers": {"risk_understanding": ["fair"], "transparency_text": "We list our sites."},
                },
            }
        ],
    }


def broken(path, value):
    document_ = exported_document()
    here = document_
    *parents, last = path
    for part in parents:
        here = here[part]
    if value is KeyError:
        del here[last]
    else:
        here[last] = value
    return json.dumps(document_)


@pytest.mark.parametrize(
    ("content", "path"),
    [
        (broken(["versions", 0, "number"], "1"), "versions[0].number"),
        (broken(["company", "name"], KeyError), "company.name"),
        (
            broken(["versions", 0, "questionnaire", "answers", "risk_understanding"], 3),
            "versions[0].questionnaire.answers.risk_understanding",
        ),
        (broken(["versions", 0, "buyer"], "Province"), "versions[0].buyer"),
        (broken(["versions", 0, "saved_at"], "2026-01-01"), "versions[0].saved_at"),
        (broken(["format"], "something-else"), "format"),
        (broken(["version"], 3), "version"),
        ("{not json", "file"),
        ("[]", "(document)"),
    ],
)
def test_an_import_refuses_an_invalid_file_naming_the_path(content, path, db):
    with pytest.raises(InputError) as refused:
        services.profile_import_file(content=content.encode(), email="new@acme.example", actor_label="t")

    assert refused.value.field == path
    assert not SupplierProfile.objects.exists()


def test_the_schema_refuses_what_the_import_refuses():
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
    assert validator.is_valid(exported_document())
    for path in (["versions", 0, "number"], ["versions", 0, "buyer"]):
        assert not validator.is_valid(json.loads(broken(path, "1")))


def test_an_import_refuses_a_file_too_large_and_versions_out_of_order(db):
    with pytest.raises(InputError) as too_large:
        parse_profile_document(b" " * (MAX_BYTES + 1))
    assert too_large.value.field == "file"

    document_ = exported_document()
    document_["versions"].append(dict(document_["versions"][0], number=1))
    with pytest.raises(InputError) as out_of_order:
        parse_profile_document(json.dumps(document_))
    assert out_of_order.value.field == "versions[1].number"


def test_an_imported_profile_is_offered_only_once_its_link_was_opened(client, request_b):
    # given an import for the address of buyer B's request
    profile = services.profile_import_file(
        content=json.dumps(exported_document()).encode(), email=EMAIL, actor_label="t"
    )
    assert document(client.get(respond_url(request_b))).by_id("profile-fill") is None

    # when the management link (e-mailed to the address) is opened
    client.get(profile.get_manage_url())

    # then
    assert document(client.get(respond_url(request_b))).by_id("profile-fill") is not None


# the command line


def test_cli_exports_by_token_and_by_email(cli, kept, tmp_path):
    by_token = ok(cli("profile", "export", kept.profile.token))
    assert json.loads(by_token.stdout)["company"]["name"] == "Acme Computers"

    out = tmp_path / "acme.json"
    ok(cli("profile", "export", EMAIL, "-o", out))
    assert json.loads(out.read_text()) == json.loads(by_token.stdout) | {
        "exported_at": json.loads(out.read_text())["exported_at"]
    }


def test_cli_imports_a_file_and_prints_the_link(cli, db, tmp_path):
    file = tmp_path / "profile.json"
    file.write_text(json.dumps(exported_document()))

    result = ok(cli("profile", "import", file, "--email", "new@acme.example"))

    profile = SupplierProfile.objects.get()
    assert profile.email == "new@acme.example"
    assert profile.get_manage_url() in result.stdout


def test_cli_refuses_bad_input_with_exit_status_2(cli, db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(broken(["versions", 0, "number"], "1"))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(exported_document()))

    assert_refused(cli("profile", "import", bad, "--email", "new@acme.example"), "versions[0].number")
    assert_refused(cli("profile", "import", good, "--email", "not an address"), "email")
    assert_refused(
        cli("profile", "import", tmp_path / "missing.json", "--email", "a@b.example"), "missing.json"
    )
    assert_refused(cli("profile", "export", "nobody@acme.example"), "nobody@acme.example")
    assert not SupplierProfile.objects.exists()


def test_cli_schema_prints_the_published_schema(cli):
    assert json.loads(ok(cli("profile", "schema")).stdout) == json.loads(SCHEMA_FILE.read_text())


# the API


def test_api_exports_behind_the_management_token(client, kept):
    answer = client.get(f"/api/v1/profiles/{kept.profile.token}/export")

    assert answer.status_code == 200
    jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text())).validate(answer.json())
    assert client.get("/api/v1/profiles/nope/export").status_code == 404


def test_api_imports_a_file_and_refuses_bad_input_naming_the_path(client, db):
    url = "/api/v1/profiles/import?email=new@acme.example"

    created = client.post(url, json.dumps(exported_document()), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["versions"] == [1]
    assert "token" not in json.dumps(created.json())  # the management link goes to the address only

    refused = client.post(url, broken(["versions", 0, "number"], "1"), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["field"] == "versions[0].number"
    assert client.post(url, "{not json", content_type="application/json").status_code == 422
    no_email = client.post(
        "/api/v1/profiles/import?email=nope", json.dumps(exported_document()), content_type="application/json"
    )
    assert (no_email.status_code, no_email.json()["field"]) == (422, "email")
    assert SupplierProfile.objects.count() == 1


# a contract's supplier page: site lists and risk assessments kept in the profile


SITES_CSV = (
    "name,address,country,site_type,products\n"
    'Assembly One,"1 Factory Road, Kunshan",CN,final assembly,notebooks\n'
    'Cells Two,"2 Battery Street, Penang",Malaysia,component,lithium-ion cells\n'
)


def make_contract(buyer, *, scenario, title="Notebooks 2030-2033", email=EMAIL):
    """A contract with the supplier's address (scenario 1 asks for a risk assessment, 2 for site lists)."""
    import datetime as dt

    from hrdd.contracts.services import contract_create

    return contract_create(
        actor=buyer,
        title=title,
        supplier_name="Acme Computers",
        supplier_email=email,
        award_date=dt.date(2030, 1, 15),
        start_date=dt.date(2030, 2, 1),
        end_date=dt.date(2033, 1, 31),
        scenario=scenario,
    )


@pytest.fixture
def contract(buyer):
    return make_contract(buyer, scenario=2)


@pytest.fixture
def contract_1(buyer):
    return make_contract(buyer, scenario=1)


def submitted_on(contract, clause, name, content, data=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hrdd.contracts.services import submission_create

    obligation = contract.obligations.filter(clause=clause).order_by("due_date").first()
    return submission_create(
        obligation=obligation,
        data=data or {},
        upload=SimpleUploadedFile(name, content, content_type="text/plain"),
    )


def test_a_site_list_sent_on_a_contract_is_kept_as_a_new_version_with_the_earlier_answers(
    client, kept, contract
):
    # given the supplier kept questionnaire answers (version 1) and sent a site list on a contract to that address
    submission = submitted_on(contract, "CC2", "sites.csv", SITES_CSV.encode(), {"explanation": ""})
    page = document(client.get(contract.get_supplier_url()))
    keep = page.by_id(f"profile-keep-{submission.obligation_id}")
    assert keep is not None and keep.find("form") is not None

    # when the supplier keeps it from the contract's page
    answer = client.post(reverse("profiles:keep_submission", args=[contract.token, submission.pk]))

    # then version 2 holds the sites, in the site-list columns, and still the questionnaire
    assert answer.status_code == 302
    version = kept.profile.versions.get(number=2)
    assert (version.source, version.submission) == ("site_list", submission)
    assert version.content["site_list"]["rows"][1] == {
        "name": "Cells Two",
        "address": "2 Battery Street, Penang",
        "country": "MYS",
        "site_type": "component",
        "products": "lithium-ion cells",
    }
    assert version.content["questionnaire"] == kept.content["questionnaire"]
    exported = selectors.profile_export(kept.profile)
    jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text())).validate(exported)
    assert "Notebooks 2030-2033" not in json.dumps(exported)
    # and the page says it is kept
    page = document(client.get(contract.get_supplier_url()))
    assert "version 2" in page.by_id(f"profile-keep-{submission.obligation_id}").text


def test_a_risk_assessment_sent_on_a_contract_is_kept_with_its_text(client, contract_1):
    contract = contract_1
    # given
    text = "Our risk assessment. Cobalt from the DRC is our most salient risk; we audit our smelters."
    submission = submitted_on(contract, "CC1", "assessment.txt", text.encode())

    # when
    client.post(reverse("profiles:keep_submission", args=[contract.token, submission.pk]))

    # then a confirmed profile for the contract's address holds the text
    version = ProfileVersion.objects.get()
    assert version.profile.email == EMAIL and version.profile.confirmed_at is not None
    assert version.content == {"risk_assessment": {"text": text, "filename": "assessment.txt"}}


def test_another_contracts_submission_cannot_be_kept_through_this_link(client, buyer, contract_1):
    # given a risk assessment sent on one contract, and another contract's link
    submission = submitted_on(contract_1, "CC1", "assessment.txt", b"Our risk assessment.")
    second = make_contract(buyer, scenario=1, title="Monitors", email="other@other.example")

    # when
    answer = client.post(reverse("profiles:keep_submission", args=[second.token, submission.pk]))

    # then
    assert answer.status_code == 404
    assert not SupplierProfile.objects.exists()
