"""Accounts without Django's admin: an organisation's administrator invites colleagues by e-mail with a role,
changes roles and deactivates members; anyone resets a forgotten password by e-mail and changes their own. Every
write is audited, and another organisation's members and invitations are "not found"."""

import datetime as dt
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.accounts.models import MemberInvitation, Membership, User
from hrdd.accounts.tokens import invitation_token
from hrdd.audit.models import AuditEvent
from hrdd.contracts.services import reminders_send
from tests.factories import PASSWORD, MembershipFactory, ObligationFactory, OrganisationFactory, UserFactory
from tests.html import document, error_texts

NEW_PASSWORD = "a long new passphrase 42"


@pytest.fixture
def admin(municipality):
    return UserFactory(email="admin@testville.example", organisation=municipality, role=User.Role.ADMIN)


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def link_in(message) -> str:
    """The path of the one link in an e-mail (the installation's address before it is HRDD_BASE_URL's)."""
    (url,) = re.findall(r"https?://\S+", message.body)
    return urlsplit(url).path


def invite(client, capture, email="newcomer@testville.example", role=User.Role.CONTRACT_MANAGER):
    with capture(execute=True):
        return client.post(reverse("accounts:invitations"), {"email": email, "role": role})


def membership_of(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# inviting a colleague


def test_an_invited_colleague_sets_a_password_lands_on_their_page_and_logs_in_again(
    as_admin, client, municipality, django_capture_on_commit_callbacks
):
    # when the administrator invites a colleague as contract manager
    page = invite(as_admin, django_capture_on_commit_callbacks)

    # then one e-mail goes out with a link, and the invitation waits for an answer
    assert page.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["newcomer@testville.example"]
    assert "Municipality of Testville" in message.subject
    assert "Contract manager" in message.body
    invitation = MemberInvitation.objects.get()
    assert invitation.is_pending and invitation.role == User.Role.CONTRACT_MANAGER

    # when the colleague opens the link (logged out) and chooses a password
    client.logout()
    link = link_in(message)
    assert "Join Municipality of Testville" in document(client.get(link)).text
    page = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # then they have an account in the organisation with that role, are logged in and land on their start page
    newcomer = User.objects.get(email="newcomer@testville.example")
    assert newcomer.organisation == municipality
    assert newcomer.role == User.Role.CONTRACT_MANAGER
    assert page.status_code == 302 and page.url == reverse("home")
    assert client.get(reverse("home")).url == reverse("contracts:dashboard")
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer and not invitation.is_pending
    assert actions()[-3:] == ["member_invitation.create", "user.create", "member_invitation.accept"]

    # and they log in again with the password they chose
    client.logout()
    assert (
        client.post(reverse("login"), {"username": newcomer.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    # while the link does not work a second time
    assert client.get(link).status_code == 410


def test_a_short_or_mismatched_password_is_refused_beside_its_field(
    as_admin, client, django_capture_on_commit_callbacks
):
    invite(as_admin, django_capture_on_commit_callbacks)
    client.logout()
    link = link_in(mail.outbox[0])

    # when
    page = client.post(link, {"password1": "short", "password2": "other"})

    # then
    assert page.status_code == 400
    assert any("differ" in e for e in error_texts(document(page)))
    assert not User.objects.filter(email="newcomer@testville.example").exists()
    assert MemberInvitation.objects.get().is_pending


def test_someone_with_an_account_elsewhere_logs_in_and_joins_with_the_invited_role(
    as_admin, client, outsider, municipality, django_capture_on_commit_callbacks
):
    # given an invitation to the outsider's address
    invite(as_admin, django_capture_on_commit_callbacks, email=outsider.email, role=User.Role.VIEWER)
    client.logout()
    link = link_in(mail.outbox[0])

    # when they open it logged out, they are asked to log in (no password is chosen for an existing account)
    page = document(client.get(link))
    assert "already has an account" in page.text
    assert page.find("a", href=f"{reverse('login')}?next={link}")

    # when they log in and join
    client.force_login(outsider)
    page = client.post(link)

    # then they are a viewer of the municipality, work in it now, and keep their own organisation
    outsider.refresh_from_db()
    assert page.status_code == 302
    assert outsider.organisation == municipality
    assert outsider.role_in(municipality) == User.Role.VIEWER
    assert outsider.memberships.count() == 2
    assert outsider.check_password(PASSWORD)


def test_a_link_whose_signature_was_changed_is_not_found(
    as_admin, client, django_capture_on_commit_callbacks
):
    invite(as_admin, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()

    # when
    page = client.get(link[:-3] + ("AAA/" if not link.endswith("AAA/") else "BBB/"))

    # then
    assert page.status_code == 404


def test_an_expired_invitation_says_so_and_creates_nothing(admin, client, settings):
    # given a link signed eight days ago, for invitations that work seven days
    settings.HRDD_INVITATION_DAYS = 7
    invitation = MemberInvitation.objects.create(
        organisation=admin.organisation,
        email="late@testville.example",
        role="viewer",
        nonce="n1",
        sent_at="2026-01-01T00:00Z",
    )
    now = time.time
    signing.time.time = lambda: now() - 8 * 86400  # the clock of the signature only
    try:
        token = invitation_token(invitation)
    finally:
        signing.time.time = now

    # when
    page = client.post(
        reverse("accounts:join", args=[token]), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    # then
    assert page.status_code == 410
    assert "expired" in document(page).text
    assert not User.objects.filter(email="late@testville.example").exists()


def test_sending_an_invitation_again_makes_the_earlier_link_stop_working(
    as_admin, django_capture_on_commit_callbacks
):
    invite(as_admin, django_capture_on_commit_callbacks)
    invitation = MemberInvitation.objects.get()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(reverse("accounts:resend", args=[invitation.public_id]))

    # then
    first, second = (link_in(m) for m in mail.outbox)
    assert first != second
    assert as_admin.get(first).status_code == 410
    assert as_admin.get(second).status_code == 200
    assert actions()[-1] == "member_invitation.resend"


def test_a_withdrawn_invitation_no_longer_works(as_admin, client, django_capture_on_commit_callbacks):
    invite(as_admin, django_capture_on_commit_callbacks)
    invitation = MemberInvitation.objects.get()

    # when
    as_admin.post(reverse("accounts:withdraw", args=[invitation.public_id]))

    # then
    page = client.post(link_in(mail.outbox[0]), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert page.status_code == 410
    assert "withdrawn" in document(page).text
    assert actions()[-1] == "member_invitation.withdraw"
    assert not User.objects.filter(email="newcomer@testville.example").exists()


def test_inviting_a_member_again_is_refused_beside_the_address(
    as_admin, buyer, django_capture_on_commit_callbacks
):
    # when
    page = invite(as_admin, django_capture_on_commit_callbacks, email=buyer.email.upper())

    # then
    assert page.status_code == 400
    assert any("already a member" in e for e in error_texts(document(page)))
    assert not MemberInvitation.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize("role", [User.Role.PROCUREMENT_OFFICER, User.Role.VIEWER])
def test_only_an_administrator_invites(client, municipality, role, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(organisation=municipality, role=role))

    # when
    page = invite(client, django_capture_on_commit_callbacks)

    # then
    assert page.status_code == 403
    assert not MemberInvitation.objects.exists()
    assert not mail.outbox


# roles and deactivation


def test_an_administrator_changes_a_members_role(as_admin, buyer, municipality):
    membership = membership_of(buyer, municipality)

    # when
    page = as_admin.post(reverse("accounts:member", args=[membership.public_id]), {"role": User.Role.VIEWER})

    # then
    assert page.status_code == 302
    buyer.forget_roles()
    assert buyer.role == User.Role.VIEWER
    assert not buyer.can_write
    event = AuditEvent.objects.latest("id")
    assert event.action == "membership.change"
    assert (event.before["role"], event.after["role"]) == ("procurement_officer", "viewer")


def test_the_last_administrator_cannot_give_up_the_role(as_admin, admin, municipality):
    membership = membership_of(admin, municipality)

    # when
    page = as_admin.post(reverse("accounts:member", args=[membership.public_id]), {"role": User.Role.VIEWER})

    # then
    assert page.status_code == 400
    assert any("last administrator" in e for e in error_texts(document(page)))
    membership.refresh_from_db()
    assert membership.role == User.Role.ADMIN


def test_with_a_second_administrator_the_first_may_step_down(as_admin, admin, municipality):
    UserFactory(organisation=municipality, role=User.Role.ADMIN)
    membership = membership_of(admin, municipality)

    # when
    as_admin.post(
        reverse("accounts:member", args=[membership.public_id]), {"role": User.Role.PROCUREMENT_OFFICER}
    )

    # then
    membership.refresh_from_db()
    assert membership.role == User.Role.PROCUREMENT_OFFICER


def test_a_deactivated_member_can_no_longer_log_in_and_is_reactivated(as_admin, client, buyer, municipality):
    membership = membership_of(buyer, municipality)

    # when
    as_admin.post(reverse("accounts:deactivate", args=[membership.public_id]))

    # then
    buyer.refresh_from_db()
    membership.refresh_from_db()
    assert not membership.is_active and not buyer.is_active and buyer.organisation is None
    other = client.__class__()
    assert other.post(reverse("login"), {"username": buyer.email, "password": PASSWORD}).status_code == 200
    assert actions()[-1] == "membership.deactivate"

    # when reactivated
    as_admin.post(reverse("accounts:reactivate", args=[membership.public_id]))

    # then
    buyer.refresh_from_db()
    assert (
        buyer.is_active and buyer.organisation == municipality and buyer.role == User.Role.PROCUREMENT_OFFICER
    )
    assert other.post(reverse("login"), {"username": buyer.email, "password": PASSWORD}).status_code == 302
    assert actions()[-1] == "membership.reactivate"


def test_a_member_of_two_organisations_deactivated_in_one_works_in_the_other(as_admin, buyer, municipality):
    elsewhere = OrganisationFactory(name="Region")
    MembershipFactory(user=buyer, organisation=elsewhere, role=User.Role.VIEWER)

    # when
    as_admin.post(reverse("accounts:deactivate", args=[membership_of(buyer, municipality).public_id]))

    # then
    buyer.refresh_from_db()
    assert buyer.is_active
    assert buyer.organisation == elsewhere
    assert buyer.role_in(municipality) is None


def test_an_administrator_cannot_deactivate_themself(as_admin, admin, municipality):
    membership = membership_of(admin, municipality)

    # when
    page = as_admin.post(reverse("accounts:deactivate", args=[membership.public_id]), follow=True)

    # then
    assert "cannot deactivate yourself" in document(page).text
    membership.refresh_from_db()
    admin.refresh_from_db()
    assert membership.is_active and admin.is_active


def test_a_procurement_officer_may_see_the_members_but_not_change_them(client, buyer, admin, municipality):
    client.force_login(buyer)
    membership = membership_of(admin, municipality)

    # when / then
    assert client.get(reverse("accounts:members")).status_code == 200
    assert (
        client.post(reverse("accounts:member", args=[membership.public_id]), {"role": "viewer"}).status_code
        == 403
    )
    assert client.post(reverse("accounts:deactivate", args=[membership.public_id])).status_code == 403
    membership.refresh_from_db()
    assert membership.role == User.Role.ADMIN and membership.is_active


# the wall


def test_another_organisations_members_and_invitations_are_not_found(as_admin, outsider):
    # given the outsider's organisation, its membership and an invitation of its own
    theirs = outsider.memberships.get()
    invitation = MemberInvitation.objects.create(
        organisation=outsider.organisation,
        email="x@elsewhere.example",
        role="viewer",
        nonce="n",
        sent_at="2026-01-01T00:00Z",
    )

    # when / then
    assert as_admin.get(reverse("accounts:member", args=[theirs.public_id])).status_code == 404
    assert (
        as_admin.post(reverse("accounts:member", args=[theirs.public_id]), {"role": "viewer"}).status_code
        == 404
    )
    assert as_admin.post(reverse("accounts:deactivate", args=[theirs.public_id])).status_code == 404
    assert as_admin.post(reverse("accounts:resend", args=[invitation.public_id])).status_code == 404
    assert as_admin.post(reverse("accounts:withdraw", args=[invitation.public_id])).status_code == 404
    members = document(as_admin.get(reverse("accounts:members"))).text
    assert outsider.email not in members
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.role == User.Role.PROCUREMENT_OFFICER


def test_the_members_list_costs_the_same_queries_for_3_or_60_members(as_admin, municipality):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_admin.get(reverse("accounts:members")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(57):
        UserFactory(organisation=municipality, role=User.Role.VIEWER)
    assert queries() == few


# passwords


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, buyer, settings):
    settings.HRDD_BASE_URL = "https://hrdd.testville.example"

    # when
    page = client.post(reverse("accounts:password_reset"), {"email": buyer.email})

    # then
    assert page.status_code == 302 and page.url == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == [buyer.email]
    assert "https://hrdd.testville.example/account/password-reset/" in message.body

    # when they open the link and choose a new password
    page = client.get(link_in(message), follow=True)
    form_url = page.redirect_chain[-1][0]
    page = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    # then the new password works, the old one does not, and both steps are in the audit log
    assert page.status_code == 302 and page.url == reverse("accounts:password_reset_complete")
    buyer.refresh_from_db()
    assert buyer.check_password(NEW_PASSWORD) and not buyer.check_password(PASSWORD)
    assert actions()[-2:] == ["user.password_reset_request", "user.password_reset"]
    # and the link works only once
    assert "does not work any more" in document(client.get(link_in(message), follow=True)).text


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    # when
    page = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.example"}, follow=True)

    # then
    assert "If the address belongs to an account" in document(page).text
    assert not mail.outbox


def test_a_user_changes_their_password_and_stays_logged_in(client, viewer):
    client.force_login(viewer)

    # when
    page = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    # then
    assert page.status_code == 302
    viewer.refresh_from_db()
    assert viewer.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:account")).status_code == 200
    assert actions()[-1] == "user.password_change"


def test_a_wrong_old_password_is_refused_beside_its_field(client, viewer):
    client.force_login(viewer)

    # when
    page = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    # then
    assert page.status_code == 200
    assert error_texts(document(page))
    viewer.refresh_from_db()
    assert viewer.check_password(PASSWORD)


@pytest.mark.parametrize(
    "name", ["accounts:account", "accounts:members", "accounts:invitations", "accounts:password_change"]
)
def test_account_pages_ask_for_a_login(client, db, name):
    page = client.get(reverse(name))
    assert page.status_code == 302 and page.url.startswith(reverse("login"))


# the first administrator of a new organisation, on the command line


def test_a_new_organisation_gets_its_first_administrator_by_an_invitation(
    cli, client, db, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = cli("organisation", "create", "Region of Testshire", "--admin", "Chief@Testshire.example")

    # then the link is printed and e-mailed, and accepting it makes the organisation's administrator
    assert run.returncode == 0, run.stderr
    (message,) = mail.outbox
    assert message.to == ["chief@testshire.example"]
    printed = urlsplit(re.search(r"https?://\S+", run.stdout).group(0)).path
    assert printed == link_in(message)
    client.post(printed, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    chief = User.objects.get(email="chief@testshire.example")
    assert chief.organisation.name == "Region of Testshire"
    assert chief.is_organisation_admin


def test_an_organisation_with_an_administrator_gets_no_second_one_from_the_command_line(
    cli, admin, municipality
):
    # when
    run = cli("organisation", "invite-admin", municipality.name, "--admin", "someone@testville.example")

    # then
    assert run.returncode == 2
    assert "--admin" in run.stderr and "already has an administrator" in run.stderr
    assert not MemberInvitation.objects.exists()


def test_an_unknown_organisation_kind_is_refused(cli, db):
    run = cli("organisation", "create", "X", "--admin", "x@x.example", "--kind", "ngo")

    assert run.returncode == 2
    assert "--kind" in run.stderr


def test_a_contract_manager_deactivated_in_one_organisation_gets_none_of_its_reminders(
    as_admin, contract_manager, municipality, mailoutbox
):
    # given a contract manager who also works elsewhere, and a report of the municipality due in a week
    MembershipFactory(user=contract_manager, organisation=OrganisationFactory(name="Region"), role="viewer")
    today = dt.date(2030, 4, 8)
    ObligationFactory(contract__organisation=municipality, due_date=today + dt.timedelta(days=7))
    as_admin.post(
        reverse("accounts:deactivate", args=[membership_of(contract_manager, municipality).public_id])
    )

    # when
    reminders_send(today=today)

    # then the supplier is reminded, the deactivated contract manager is not
    (message,) = mailoutbox
    assert contract_manager.email not in message.to
    assert "admin@testville.example" in message.to


def test_when_the_mail_server_refuses_the_invitation_nothing_is_stored_and_the_address_says_why(
    as_admin, settings
):
    # given a mail server that cannot be reached
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    # when
    page = as_admin.post(
        reverse("accounts:invitations"), {"email": "newcomer@testville.example", "role": "viewer"}
    )

    # then
    assert page.status_code == 400
    assert any("could not be sent" in e for e in error_texts(document(page)))
    assert not MemberInvitation.objects.exists()
    assert "member_invitation.create" not in actions()
