"""Portable supplier answers beyond the questionnaire (issue 16): a site list or a risk assessment kept in the
supplier's company profile answers another buyer's contract, only with a consent naming that buyer, through the
same service as an upload; withdrawing the consent takes the submission, its sites and their registry mentions
back at once. RMI reports are kept in the profile and travel in version 2 of the open format; version 1 documents
still import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import ProductionSite, Submission
from hrdd.contracts.services import contract_create, submission_create
from hrdd.core.errors import InputError
from hrdd.profiles import selectors, services
from hrdd.profiles.format import parse_profile_document
from hrdd.profiles.models import ProfileShare, ProfileVersion, SupplierProfile
from hrdd.supplier_sites.models import Site, SiteMention
from tests.cli_support import assert_refused, ok
from tests.domain.rmi import workbooks as rmi
from tests.factories import OrganisationFactory, UserFactory
from tests.html import document

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "docs" / "supplier-profile.schema.json"
EMAIL = "sales@acme.example"
SITES_CSV = (
    "name,address,country,site_type,products\n"
    'Assembly One,"1 Factory Road, Kunshan",CN,final assembly,notebooks\n'
    'Cells Two,"2 Battery Street, Penang",Malaysia,component,lithium-ion cells\n'
)
RISK_TEXT = (
    "Our human rights risk assessment. Cobalt from the DRC is our most salient risk: child labour in artisanal "
    "mines. We audit our smelters and engage with our suppliers on remediation."
)


def schema_validator():
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))


def make_contract(user, *, scenario, title, email=EMAIL):
    """A contract with the supplier's address (scenario 1 asks for a risk assessment, 2 for site lists)."""
    return contract_create(
        actor=user,
        title=title,
        supplier_name="Acme Computers",
        supplier_email=email,
        award_date=dt.date(2030, 1, 15),
        start_date=dt.date(2030, 2, 1),
        end_date=dt.date(2033, 1, 31),
        scenario=scenario,
    )


def obligation_of(contract, clause):
    return contract.obligations.filter(clause=clause).order_by("due_date").first()


def submitted_on(contract, clause, name, content):
    return submission_create(
        obligation=obligation_of(contract, clause),
        data={"explanation": ""},
        upload=SimpleUploadedFile(name, content, content_type="text/plain"),
    )


@pytest.fixture
def buyer_b(db):
    organisation = OrganisationFactory(name="Province of Elsewhere")
    return UserFactory(email="buyer@province.example", organisation=organisation)


@pytest.fixture
def kept_sites(client, buyer, django_capture_on_commit_callbacks):
    """Acme sent its site list on buyer A's contract and kept it in its company profile (version 1)."""
    contract_a = make_contract(buyer, scenario=2, title="Notebooks 2030-2033")
    submission = submitted_on(contract_a, "CC2", "sites.csv", SITES_CSV.encode())
    with django_capture_on_commit_callbacks(execute=True):
        return services.profile_keep_submission(contract=contract_a, submission=submission)


@pytest.fixture
def contract_b(buyer_b):
    """Buyer B's contract with the same supplier address asks for a site list (CC2)."""
    return make_contract(buyer_b, scenario=2, title="Monitors 2030-2032")


def share_url(contract, obligation):
    return reverse("profiles:share_part", args=[contract.token, obligation.pk])


def reuse(client, contract, obligation, version, *, consent=True):
    data = {"version": str(version.number)}
    if consent:
        data["consent"] = "1"
    return client.post(share_url(contract, obligation), data)


def revoke(client, share):
    url = reverse("profiles:share_revoke", args=[share.profile.token, share.public_id])
    assert client.get(url).status_code == 200
    return client.post(url, {"confirm": "on"})


# the offer on a contract's supplier page


def test_the_supplier_page_offers_the_profiles_site_list_with_a_consent_naming_the_buyer(
    client, kept_sites, contract_b
):
    # when
    obligation = obligation_of(contract_b, "CC2")
    page = document(client.get(contract_b.get_supplier_url()))

    # then the obligation offers version 1 with the box naming buyer B, the contract and the version
    offer = page.by_id(f"profile-part-{obligation.pk}")
    assert offer is not None
    assert "version 1 of" in offer.text and "2 sites" in offer.text
    consent = page.by_id(f"profile-consent-{obligation.pk}")
    assert consent is not None and consent.attrs.get("type") == "checkbox"
    assert (
        f"I agree that Province of Elsewhere sees the site list of version 1 of my company profile, saved on "
        f"{timezone.localdate(kept_sites.saved_at).isoformat()}, for the contract Monitors 2030-2032."
    ) in offer.text


def test_the_new_link_addresses_keep_their_token_out_of_the_logs(contract_b):
    from hrdd.core.logmask import mask_tokens

    token = contract_b.token
    for path in (
        reverse("profiles:share_part", args=[token, 12]),
        reverse("profiles:keep_rmi", args=[token, "6a1f0d6e-0c55-4d6a-9f0e-5a1b2c3d4e5f"]),
    ):
        masked = mask_tokens(f'"POST {path} HTTP/1.1" 302 0')
        assert token not in masked and "***" in masked


def test_no_offer_to_another_address_nor_for_an_obligation_that_asks_for_a_report(
    client, kept_sites, buyer_b
):
    # given a contract to another address, and buyer B's contract to Acme's
    other = make_contract(buyer_b, scenario=2, title="Printers", email="other@other.example")
    mine = make_contract(buyer_b, scenario=2, title="Monitors")

    # then
    assert not document(client.get(other.get_supplier_url())).find_all(cls="profile-part")
    offers = document(client.get(mine.get_supplier_url())).find_all(cls="profile-part")
    assert [o.attrs["id"] for o in offers] == [
        f"profile-part-{o.pk}" for o in mine.obligations.filter(clause="CC2").order_by("due_date", "clause")
    ]


# consent


def test_no_reuse_without_the_ticked_box(client, kept_sites, contract_b):
    # when the supplier sends the form without ticking the box
    obligation = obligation_of(contract_b, "CC2")
    answer = reuse(client, contract_b, obligation, kept_sites, consent=False)

    # then nothing is shared nor stored, and the page says what to do
    assert answer.status_code == 302
    assert not obligation.submissions.exists()
    assert not ProfileShare.objects.exists()
    assert not SiteMention.objects.filter(contract=contract_b).exists()
    page = document(client.get(answer["Location"]))
    assert "Tick the box to agree that Province of Elsewhere sees it; nothing was shared." in page.text


def test_a_version_that_changed_meanwhile_is_not_shared(client, kept_sites, contract_b):
    obligation = obligation_of(contract_b, "CC2")

    with pytest.raises(InputError) as refused:
        services.profile_part_share(
            contract=contract_b, obligation=obligation, version_number=7, consent=True
        )

    assert refused.value.field == "version"
    assert not obligation.submissions.exists()


def test_another_contracts_obligation_cannot_be_answered_through_this_link(
    client, kept_sites, buyer, contract_b
):
    # given buyer A's own contract, and B's link
    foreign = obligation_of(make_contract(buyer, scenario=2, title="Tablets"), "CC2")

    # when
    answer = client.post(share_url(contract_b, foreign), {"version": "1", "consent": "1"})

    # then
    assert answer.status_code == 404
    assert not foreign.submissions.exists()


# sharing a site list


def test_reusing_the_site_list_stores_it_like_an_upload_and_records_the_consent(
    client, kept_sites, contract_b, buyer_b
):
    # when the supplier ticks the box and sends
    obligation = obligation_of(contract_b, "CC2")
    answer = reuse(client, contract_b, obligation, kept_sites)

    # then the obligation has a submission read from the profile's rows, as an upload is
    assert answer.status_code == 302
    submission = obligation.submissions.get()
    assert submission.filename == "site-list-profile-v1.csv"
    assert [(s.name, s.country_iso3) for s in submission.sites.order_by("row")] == [
        ("Assembly One", "CHN"),
        ("Cells Two", "MYS"),
    ]
    # matched into buyer B's part of the site registry
    mentions = SiteMention.objects.filter(submission=submission)
    assert mentions.count() == 2 and {m.organisation_id for m in mentions} == {buyer_b.organisation_id}
    # the verdict counts it as received
    obligation.refresh_from_db()
    assert obligation.submitted_on == timezone.localdate()
    # and a share records the consent as shown, audited in buyer B's log
    share = ProfileShare.objects.get()
    assert (share.organisation, share.obligation, share.submission, share.part) == (
        buyer_b.organisation,
        obligation,
        submission,
        "site_list",
    )
    assert (share.version, share.version_number) == (kept_sites, 1)
    assert share.consent_text.startswith("I agree that Province of Elsewhere sees the site list of version 1")
    event = AuditEvent.objects.get(action="profile.share")
    assert event.organisation_id == buyer_b.organisation_id
    assert event.after["submission"] == submission.pk and event.after["consent"] == share.consent_text


def test_the_buyer_sees_the_version_and_date_of_what_was_shared(client, kept_sites, contract_b, buyer_b):
    # given
    obligation = obligation_of(contract_b, "CC2")
    reuse(client, contract_b, obligation, kept_sites)
    share = ProfileShare.objects.get()

    # when buyer B opens the contract
    client.force_login(buyer_b)
    page = document(client.get(contract_b.get_absolute_url()))

    # then
    note = page.find(cls="profile-shared")
    saved = timezone.localdate(kept_sites.saved_at).isoformat()
    assert f"shared from the supplier's profile, version 1 of {saved}" in note.text
    assert f"agreed on {timezone.localdate(share.consented_at).isoformat()}" in note.text
    assert "site-list-profile-v1.csv" in page.text
    # and the supplier's page says it is shared, and offers nothing new
    supplier_page = document(client.get(contract_b.get_supplier_url()))
    part = supplier_page.by_id(f"profile-part-{obligation.pk}")
    assert "Shared from your company profile: version 1" in part.text
    assert supplier_page.by_id(f"profile-consent-{obligation.pk}") is None


# withdrawing


def test_revoking_withdraws_the_submission_and_its_sites_at_once(client, kept_sites, contract_b, buyer_b):
    # given a site list shared from the profile, matched into the registry
    obligation = obligation_of(contract_b, "CC2")
    reuse(client, contract_b, obligation, kept_sites)
    share = ProfileShare.objects.get()
    submission = share.submission
    named = set(SiteMention.objects.filter(submission=submission).values_list("site_id", flat=True))
    named.discard(None)

    # when the supplier withdraws the sharing from the profile's page
    answer = revoke(client, share)

    # then the submission, its rows and its registry mentions are gone
    assert answer.status_code == 302
    assert not Submission.objects.filter(pk=submission.pk).exists()
    assert not ProductionSite.objects.filter(submission_id=submission.pk).exists()
    assert not SiteMention.objects.filter(organisation=buyer_b.organisation).exists()
    # the sites buyer A's list also names stay in the registry
    assert named and Site.objects.filter(pk__in=named).count() == len(named)
    assert SiteMention.objects.filter(site_id__in=named).exclude(organisation=buyer_b.organisation).exists()
    # the verdict no longer counts it
    obligation.refresh_from_db()
    assert obligation.submitted_on is None
    # the share says when and why it ended, audited
    share.refresh_from_db()
    assert share.revoked_at is not None and share.ended_because == ProfileShare.Ended.SUPPLIER
    assert share.submission is None
    withdraw = AuditEvent.objects.get(action="submission.withdraw")
    assert withdraw.organisation_id == buyer_b.organisation_id and withdraw.before["sites"] == 2
    assert AuditEvent.objects.filter(action="profile.share_revoke").exists()
    # and buyer B's page shows the withdrawal, not the file
    client.force_login(buyer_b)
    page = document(client.get(contract_b.get_absolute_url()))
    assert "site-list-profile-v1.csv" not in page.text
    banner = page.find(cls="profile-withdrawn")
    assert f"Withdrawn by the supplier on {timezone.localdate(share.revoked_at).isoformat()}." in banner.text


def test_a_site_only_the_withdrawn_list_named_leaves_the_registry(
    client, db, buyer_b, django_capture_on_commit_callbacks
):
    # given a profile imported with a site no one else names, confirmed, and shared on buyer B's contract
    version = profile_with(
        {"site_list": {"rows": [{"name": "Lonely Works", "address": "9 Quay", "country": "VNM"}]}},
        source="site_list",
    )
    contract = make_contract(buyer_b, scenario=2, title="Monitors")
    obligation = obligation_of(contract, "CC2")
    services.profile_part_share(
        contract=contract, obligation=obligation, version_number=version.number, consent=True
    )
    share = ProfileShare.objects.get()
    site_ids = set(SiteMention.objects.filter(submission=share.submission).values_list("site_id", flat=True))
    assert len(site_ids) == 1 and None not in site_ids

    # when
    services.profile_share_revoke(profile=version.profile, share_public_id=share.public_id)

    # then the site it alone brought in is gone too
    assert not Site.objects.filter(pk__in=site_ids).exists()
    assert AuditEvent.objects.get(action="site_mention.withdraw").after == {"mentions": 1, "sites_removed": 1}


def test_deleting_the_profile_withdraws_the_contract_submission_too(client, kept_sites, contract_b):
    # given
    obligation = obligation_of(contract_b, "CC2")
    reuse(client, contract_b, obligation, kept_sites)

    # when
    services.profile_delete(profile=kept_sites.profile)

    # then
    assert not obligation.submissions.exists()
    share = ProfileShare.objects.get()
    assert share.ended_because == ProfileShare.Ended.DELETED and share.submission is None


def profile_with(content, *, source):
    """A confirmed profile of EMAIL holding `content` as version 1."""
    profile = SupplierProfile.objects.create(
        company_as_given="Acme Computers", email=EMAIL, confirmed_at=timezone.now()
    )
    return ProfileVersion.objects.create(
        profile=profile, number=1, saved_at=timezone.now(), content=content, source=source
    )


# sharing a risk assessment


def test_reusing_the_risk_assessment_reads_it_like_an_uploaded_one(client, buyer, buyer_b):
    # given the supplier kept a risk assessment sent to buyer A
    contract_a = make_contract(buyer, scenario=1, title="Notebooks")
    sent = submitted_on(contract_a, "CC1", "assessment.txt", RISK_TEXT.encode())
    version = services.profile_keep_submission(contract=contract_a, submission=sent)
    contract = make_contract(buyer_b, scenario=1, title="Monitors")
    obligation = obligation_of(contract, "CC1")
    page = document(client.get(contract.get_supplier_url()))
    assert "sees the risk assessment of version 1" in page.by_id(f"profile-part-{obligation.pk}").text

    # when
    reuse(client, contract, obligation, version)

    # then the submission is the text, read with the same check as an upload
    submission = obligation.submissions.get()
    assert submission.filename == "assessment-profile-v1.txt"
    assert submission.summary == sent.summary
    assert ProfileShare.objects.get().part == "risk_assessment"


# RMI reports in the profile


@pytest.fixture
def rmi_upload(buyer):
    if rmi.FACTS is None:
        pytest.skip("the RMI reference facts are not beside the checkout")
    from hrdd.core.tasks import run_queued_tasks
    from hrdd.rmi import services as rmi_services
    from hrdd.rmi.tasks import upload_start

    campaign = rmi_services.campaign_create(actor=buyer, title="Smelter lists 2025", templates=["EMRT"])
    asked = rmi_services.request_add(
        actor=buyer, campaign=campaign, supplier_name="Acme Computers", email=EMAIL
    )
    content = rmi.build(
        "EMRT 2.1",
        smelters=[{"metal": "Cobalt", "lookup": "Cobalt Refinery 1", "country": "CHINA", "cid": "CID000001"}],
    )
    upload = upload_start(request=asked, filename="emrt.xlsx", content=content)
    assert run_queued_tasks() >= 1
    upload.refresh_from_db()
    assert upload.status in ("accepted", "needs_correction")
    return upload


def test_an_rmi_report_is_kept_from_the_link_page_without_the_workbook(client, rmi_upload, mailoutbox):
    # given the supplier's smelter-list page offers to keep it
    url = rmi_upload.request.get_supplier_url()
    keep = document(client.get(url)).by_id(f"profile-keep-rmi-{rmi_upload.public_id}")
    assert keep is not None and keep.find("form") is not None

    # when
    answer = client.post(reverse("profiles:keep_rmi", args=[rmi_upload.request.token, rmi_upload.public_id]))

    # then a version holds the template, its declaration and its smelters as read
    assert answer.status_code == 302
    version = ProfileVersion.objects.get()
    assert (version.source, version.rmi_upload, version.profile.email) == ("rmi_report", rmi_upload, EMAIL)
    (report,) = version.content["rmi_reports"]
    assert (report["template"], report["template_version"]) == ("EMRT", rmi_upload.template_version)
    assert report["smelters"][0]["cid"] == "CID000001" and report["smelters"][0]["metal"] == "Cobalt"
    assert "content" not in json.dumps(version.content)
    assert (
        "Kept in your company profile (version 1"
        in document(client.get(url)).by_id(f"profile-keep-rmi-{rmi_upload.public_id}").text
    )
    # and the export is version 2 of the format, valid against the published schema, with the report
    exported = selectors.profile_export(version.profile)
    schema_validator().validate(exported)
    assert exported["version"] == 2 and exported["versions"][0]["rmi_reports"] == [report]


def test_a_refused_file_is_not_kept(rmi_upload):
    rmi_upload.status = "refused"
    with pytest.raises(InputError) as refused:
        services.profile_keep_rmi(request=rmi_upload.request, upload=rmi_upload)
    assert refused.value.field == "upload"
    assert not SupplierProfile.objects.exists()


# the format: version 2, version 1 still read


def v2_document():
    return {
        "format": "hrdd-supplier-profile",
        "version": 2,
        "exported_at": "2026-01-02T03:04:05Z",
        "company": {"name": "Acme Computers"},
        "versions": [
            {
                "number": 1,
                "saved_at": "2026-01-01T00:00:00Z",
                "source": "rmi_report",
                "rmi_reports": [
                    {
                        "template": "CMRT",
                        "template_version": "6.5",
                        "declaration_scope": "A. Company",
                        "minerals": ["Tin"],
                        "smelters": [
                            {"metal": "Tin", "name": "Tin Refinery 2", "country": "CHINA", "cid": "CID000002"}
                        ],
                    }
                ],
            }
        ],
    }


def v1_document():
    return {
        "format": "hrdd-supplier-profile",
        "version": 1,
        "exported_at": "2026-01-02T03:04:05Z",
        "company": {"name": "Acme Computers"},
        "versions": [
            {
                "number": 1,
                "saved_at": "2026-01-01T00:00:00Z",
                "source": "site_list",
                "site_list": {"rows": [{"name": "Assembly One", "address": "1 Road", "country": "CHN"}]},
            }
        ],
    }


def test_a_version_1_document_still_imports_and_exports_as_version_2(db):
    assert schema_validator().is_valid(v1_document())

    profile = services.profile_import_file(
        content=json.dumps(v1_document()).encode(), email="new@acme.example", actor_label="t"
    )

    (row,) = profile.versions.get().content["site_list"]["rows"]
    assert row == {
        "name": "Assembly One",
        "address": "1 Road",
        "country": "CHN",
        "site_type": "",
        "products": "",
    }
    exported = selectors.profile_export(profile)
    assert exported["version"] == 2
    schema_validator().validate(exported)


def test_a_version_1_document_with_rmi_reports_is_refused_by_the_import_and_the_schema(db):
    document_ = v2_document() | {"version": 1}

    with pytest.raises(InputError) as refused:
        parse_profile_document(json.dumps(document_))

    assert refused.value.field == "versions[0].rmi_reports"
    assert not schema_validator().is_valid(document_)
    assert schema_validator().is_valid(v2_document())


def test_an_unknown_template_is_refused_naming_the_path(db):
    document_ = v2_document()
    document_["versions"][0]["rmi_reports"][0]["template"] = "XYZ"

    with pytest.raises(InputError) as refused:
        parse_profile_document(json.dumps(document_))

    assert refused.value.field == "versions[0].rmi_reports[0].template"
    assert not schema_validator().is_valid(document_)


def test_cli_imports_and_exports_a_version_2_profile_with_rmi_reports(cli, db, tmp_path):
    file = tmp_path / "profile.json"
    file.write_text(json.dumps(v2_document()))

    ok(cli("profile", "import", file, "--email", "new@acme.example"))
    exported = json.loads(ok(cli("profile", "export", "new@acme.example")).stdout)

    assert exported["version"] == 2
    assert exported["versions"][0]["rmi_reports"] == [
        v2_document()["versions"][0]["rmi_reports"][0]
        | {
            "company_name": "",
            "smelters": [
                v2_document()["versions"][0]["rmi_reports"][0]["smelters"][0]
                | {"not_listed": False, "mine_country": "", "recycled": ""}
            ],
        }
    ]
    schema_validator().validate(exported)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(v2_document() | {"version": 1}))
    assert_refused(cli("profile", "import", bad, "--email", "b@acme.example"), "versions[0].rmi_reports")


def test_api_imports_a_version_2_profile_and_exports_it(client, db):
    created = client.post(
        "/api/v1/profiles/import?email=new@acme.example",
        json.dumps(v2_document()),
        content_type="application/json",
    )
    assert created.status_code == 201

    profile = SupplierProfile.objects.get()
    answer = client.get(f"/api/v1/profiles/{profile.token}/export")
    assert answer.status_code == 200
    schema_validator().validate(answer.json())
    assert answer.json()["versions"][0]["rmi_reports"][0]["smelters"][0]["cid"] == "CID000002"
    refused = client.post(
        "/api/v1/profiles/import?email=b@acme.example",
        json.dumps(v2_document() | {"version": 1}),
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "versions[0].rmi_reports")
