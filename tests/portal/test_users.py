"""/portal/users/: an organisation administrator's users, invitations and roles; a 404 to anyone else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts import services
from accounts.invitations import invite_colleague
from accounts.models import Invitation, InvitationState, Membership, Role, User
from audit.models import AuditEvent
from outbox.models import Message
from tests.accounts.support import PASSWORD, force_verified_login
from tests.builders import org

pytestmark = pytest.mark.django_db


def member(email: str, organisation, role: str, full_name: str = "") -> User:  # type: ignore[no-untyped-def]
    user = User.objects.filter(email=email).first() or services.create_account(
        email=email, full_name=full_name, password=PASSWORD
    )
    services.add_membership(user=user, organisation=organisation, role=role)
    return User.objects.get(pk=user.pk)


def signed_in(user: User) -> Client:
    client = Client()
    device = services.add_totp_device(user=user, name="Phone")
    force_verified_login(client, user, device)
    return client


@pytest.fixture
def kent(public_record):
    return org("Kent Police")


@pytest.fixture
def kent_admin(kent):
    return member("admin@kent.example", kent, Role.ORGANISATION_ADMIN, "Alex Admin")


@pytest.fixture
def admin_client(kent_admin):
    return signed_in(kent_admin)


def test_an_administrators_home_links_to_their_users(kent, admin_client):
    response = admin_client.get("/portal/")
    assertContains(response, '<h1 class="govuk-heading-l">Your organisation’s users</h1>', html=True)
    assertContains(
        response,
        f'<a class="govuk-link" href="/portal/users/{kent.slug}/">Your organisation’s users</a>',
        html=True,
    )
    assert admin_client.get("/portal/users/")["Location"] == f"/portal/users/{kent.slug}/"


def test_a_responder_who_also_administers_sees_the_link_as_a_section(kent, kent_admin, admin_client):
    member("admin@kent.example", kent, Role.RESPONDER)
    response = admin_client.get("/portal/")
    assertContains(response, '<h1 class="govuk-heading-l">Your force\'s work</h1>', html=True)
    assertContains(
        response,
        '<h2 class="govuk-heading-m" id="organisation-users">Your organisation’s users</h2>',
        html=True,
    )


def test_the_users_page_lists_members_roles_and_open_invitations(kent, kent_admin, admin_client):
    member("sam@kent.example", kent, Role.RESPONDER, "Sam Taylor")
    member("sam@kent.example", kent, Role.SIGNATORY)
    member("case@kent.example", kent, Role.CASEWORKER, "Casey Worker")
    invite_colleague(organisation=kent, email="jo@kent.example", role=Role.SIGNATORY, invited_by=kent_admin)
    invitation = Invitation.objects.get()
    local = timezone.localtime(invitation.expires_at)

    response = admin_client.get(f"/portal/users/{kent.slug}/")
    assertContains(response, "Sam Taylor")
    sam = User.objects.get(email="sam@kent.example")
    row = response.content.decode().split(f'id="member-{sam.pk}"')[1].split("</tr>")[0]
    assert "Responder for a recommendation addressee" in row
    assert "Signs off responses for a recommendation addressee" in row
    assert row.count(">Remove<") == 2
    # A role the service's administrators gave is listed, but not removable here.
    case_row = response.content.decode().split("Casey Worker")[1].split("</tr>")[0]
    assert "Super-complaints caseworker" in case_row
    assert ">Remove<" not in case_row
    assertContains(response, "jo@kent.example")
    assertContains(response, local.strftime("%-d %B %Y"))
    assertContains(response, f'href="/portal/users/{kent.slug}/invitations/{invitation.pk}/withdraw/"')


def test_the_users_page_costs_the_same_queries_however_many_members(kent, kent_admin, admin_client):
    url = f"/portal/users/{kent.slug}/"
    member("one@kent.example", kent, Role.RESPONDER)
    invite_colleague(organisation=kent, email="jo@kent.example", role=Role.RESPONDER, invited_by=kent_admin)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assertContains(admin_client.get(url), "one@kent.example")
    for n in range(5):
        member(f"more{n}@kent.example", kent, Role.SIGNATORY)
        invite_colleague(
            organisation=kent, email=f"new{n}@kent.example", role=Role.SIGNATORY, invited_by=kent_admin
        )
    with CaptureQueriesContext(connection) as many:
        assertContains(admin_client.get(url), "new4@kent.example")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_inviting_through_the_page_keeps_what_was_typed_when_a_role_is_missing(kent, admin_client):
    url = f"/portal/users/{kent.slug}/invite/"
    refused = admin_client.post(url, {"email": "sam@kent.example"})
    assertContains(refused, "There is a problem")
    assertContains(refused, "Select a role for your colleague")
    assertContains(refused, 'value="sam@kent.example"')
    bad_email = admin_client.post(url, {"email": "not an address", "role": Role.RESPONDER})
    assertContains(bad_email, "Enter an email address in the correct format, like name@example.com")
    assert not Invitation.objects.exists()

    sent = admin_client.post(url, {"email": "Sam@Kent.example", "role": Role.SIGNATORY}, follow=True)
    assertContains(sent, "An invitation has been sent to sam@kent.example.")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.state) == (
        "sam@kent.example",
        Role.SIGNATORY,
        "open",
    )
    assert (
        Message.objects.filter(dedupe_key=f"invitation:{invitation.pk}", to=["sam@kent.example"]).count() == 1
    )


def test_someone_who_is_not_an_administrator_gets_404(kent, kent_admin):
    responder = signed_in(member("sam@kent.example", kent, Role.RESPONDER))
    invite_colleague(organisation=kent, email="jo@kent.example", role=Role.RESPONDER, invited_by=kent_admin)
    invitation = Invitation.objects.get()
    own = Membership.objects.get(user__email="sam@kent.example")

    for url in (
        "/portal/users/",
        f"/portal/users/{kent.slug}/",
        f"/portal/users/{kent.slug}/invite/",
        f"/portal/users/{kent.slug}/invitations/{invitation.pk}/withdraw/",
        f"/portal/users/{kent.slug}/members/{own.pk}/remove/",
    ):
        assert responder.get(url).status_code == 404, url
        assert responder.post(url, {"email": "x@kent.example", "role": Role.SIGNATORY}).status_code == 404, (
            url
        )
    assert Invitation.objects.get().state == InvitationState.OPEN
    assert Membership.objects.filter(pk=own.pk).exists()
    assertNotContains(responder.get("/portal/"), "/portal/users/")


def test_another_organisations_administrator_gets_404_on_revoke_and_remove(kent, kent_admin):
    essex = org("Essex Police")
    essex_admin = signed_in(member("admin@essex.example", essex, Role.ORGANISATION_ADMIN))
    invite_colleague(organisation=kent, email="jo@kent.example", role=Role.RESPONDER, invited_by=kent_admin)
    invitation = Invitation.objects.get()
    sam = Membership.objects.get(pk=member("sam@kent.example", kent, Role.RESPONDER).memberships.get().pk)

    for url in (
        f"/portal/users/{kent.slug}/",
        f"/portal/users/{kent.slug}/invitations/{invitation.pk}/withdraw/",
        f"/portal/users/{essex.slug}/invitations/{invitation.pk}/withdraw/",
        f"/portal/users/{kent.slug}/members/{sam.pk}/remove/",
        f"/portal/users/{essex.slug}/members/{sam.pk}/remove/",
    ):
        assert essex_admin.post(url).status_code == 404, url
    assert Invitation.objects.get().state == InvitationState.OPEN
    assert Membership.objects.filter(pk=sam.pk).exists()


def test_withdrawing_an_invitation_through_the_page(kent, kent_admin, admin_client):
    new = invite_colleague(
        organisation=kent, email="jo@kent.example", role=Role.RESPONDER, invited_by=kent_admin
    )
    url = f"/portal/users/{kent.slug}/invitations/{new.invitation.pk}/withdraw/"

    assertContains(
        admin_client.get(url),
        "The invitation to jo@kent.example (Responder for a recommendation addressee) will stop working.",
    )
    done = admin_client.post(url, follow=True)
    assertContains(done, "The invitation to jo@kent.example has been withdrawn.")
    assertContains(done, "There are no invitations waiting to be accepted.")
    assert Invitation.objects.get().state == InvitationState.REVOKED
    assert (
        AuditEvent.objects.filter(action="invitation.revoked", object_id=str(new.invitation.pk)).count() == 1
    )
    assert admin_client.post(url).status_code == 302  # already withdrawn: back to the list


def test_removing_a_role_and_the_last_administrator_refused(kent, kent_admin, admin_client):
    sam = member("sam@kent.example", kent, Role.RESPONDER, "Sam Taylor")
    responder = Membership.objects.get(user=sam)
    done = admin_client.post(f"/portal/users/{kent.slug}/members/{responder.pk}/remove/", follow=True)
    assertContains(done, "Sam Taylor no longer has the role “Responder for a recommendation addressee”.")
    assert not Membership.objects.filter(pk=responder.pk).exists()

    own = Membership.objects.get(user=kent_admin, role=Role.ORGANISATION_ADMIN)
    url = f"/portal/users/{kent.slug}/members/{own.pk}/remove/"
    assertContains(admin_client.get(url), "This is your own role.")
    refused = admin_client.post(url)
    assert refused.status_code == 200
    assertContains(refused, "There is a problem")
    assertContains(refused, "You are the only administrator of Kent Police, so you cannot remove this role.")
    assert Membership.objects.filter(pk=own.pk).exists()

    member("second@kent.example", kent, Role.ORGANISATION_ADMIN)
    gone = admin_client.post(url)
    assert gone["Location"] == "/portal/"
    assert not Membership.objects.filter(pk=own.pk).exists()
    assert admin_client.get(f"/portal/users/{kent.slug}/").status_code == 404


def test_an_invitation_sent_from_the_welsh_pages_is_in_english_with_an_english_link(kent, admin_client):
    response = admin_client.post(
        f"/cy/portal/users/{kent.slug}/invite/", {"email": "sam@kent.example", "role": Role.RESPONDER}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cy/portal/users/{kent.slug}/"
    message = Message.objects.get(dedupe_key=f"invitation:{Invitation.objects.get().pk}")
    assert message.language == "en-gb"
    assert message.context["url"].startswith("https://super-complaints.test/account/invitation/")
    assert message.context["role"] == "Responder for a recommendation addressee"


def test_the_administrator_and_invitation_pages_are_valid_html(kent, kent_admin, admin_client):
    from tests.helpers import html_problems

    sam = member("sam@kent.example", kent, Role.RESPONDER, "Sam Taylor")
    new = invite_colleague(
        organisation=kent, email="jo@kent.example", role=Role.SIGNATORY, invited_by=kent_admin
    )
    own = Membership.objects.get(user=kent_admin)
    users = f"/portal/users/{kent.slug}"
    invitee = Client()
    link = f"/account/invitation/{new.token}/"
    pages = {
        "home": admin_client.get("/portal/"),
        "users": admin_client.get(f"{users}/"),
        "invite, errors": admin_client.post(f"{users}/invite/", {"email": "x"}),
        "withdraw": admin_client.get(f"{users}/invitations/{new.invitation.pk}/withdraw/"),
        "remove": admin_client.get(f"{users}/members/{sam.memberships.get().pk}/remove/"),
        "remove last admin, refused": admin_client.post(f"{users}/members/{own.pk}/remove/"),
        "accept": invitee.get(link),
        "accept, errors": invitee.post(link, {"full_name": "", "password1": "x", "password2": "y"}),
        "accept, signed in as another": admin_client.get(link),
    }
    step_one = invitee.post(
        link,
        {
            "full_name": "Jo",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert step_one.status_code == 302
    pages["authenticator"] = invitee.get(f"{link}authenticator/")
    pages["authenticator, errors"] = invitee.post(f"{link}authenticator/", {"code": "12"})
    errors = []
    for name, response in pages.items():
        assert response.status_code == 200, name
        errors += [
            f"{name}:{p.get('line')} [{p['ruleId']}] {p['message']}"
            for p in html_problems(response.content.decode(), name=f"{name}.html")
            if p["severity"] == 2
        ]
    refused = Client().get("/account/invitation/nothing/")
    errors += [
        p["message"]
        for p in html_problems(refused.content.decode(), name="refused.html")
        if p["severity"] == 2
    ]
    assert errors == [], "\n".join(errors)
