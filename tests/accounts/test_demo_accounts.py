"""manage.py create_demo_accounts: one account per role, safe to run again."""

from __future__ import annotations

import base64
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, User
from audit.models import AuditEvent
from organisations.models import OrganisationKind
from tests.accounts.support import make_org

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.urls")]

LINE = re.compile(r"^(\S+@demo\.invalid) +password: (\S+)  totp: ([A-Z2-7]{32})  \((.+)\)$")

EXPECTED = {
    "hestia@demo.invalid": ("body_member", "Hestia", "Member of a designated body, Hestia"),
    "liberty@demo.invalid": ("body_member", "Liberty", "Member of a designated body, Liberty"),
    "hmicfrs@demo.invalid": (
        "caseworker",
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "Super-complaints caseworker, HMICFRS",
    ),
    "iopc@demo.invalid": (
        "caseworker",
        "Independent Office for Police Conduct",
        "Super-complaints caseworker, IOPC",
    ),
    "college@demo.invalid": ("caseworker", "College of Policing", "Super-complaints caseworker, College"),
    "chief-inspector@demo.invalid": (
        "chief_inspector",
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "Chief Inspector (or delegate), HMICFRS",
    ),
    "designations@demo.invalid": ("designations", "Home Office", "Designations officer, Home Office"),
    "force@demo.invalid": (
        "responder",
        "Avon and Somerset Constabulary",
        "Responder for a recommendation addressee, Avon and Somerset Constabulary",
    ),
    "force-chief@demo.invalid": (
        "signatory",
        "Avon and Somerset Constabulary",
        "Signs off responses for a recommendation addressee, Avon and Somerset Constabulary",
    ),
    "pcc@demo.invalid": (
        "responder",
        "Avon and Somerset Police and Crime Commissioner",
        "Responder for a recommendation addressee, Avon and Somerset Police and Crime Commissioner",
    ),
    "force-admin@demo.invalid": (
        "organisation_admin",
        "Avon and Somerset Constabulary",
        "Administers users for an organisation, Avon and Somerset Constabulary",
    ),
    "pcc-admin@demo.invalid": (
        "organisation_admin",
        "Avon and Somerset Police and Crime Commissioner",
        "Administers users for an organisation, Avon and Somerset Police and Crime Commissioner",
    ),
    "admin@demo.invalid": (
        "caseworker",
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "Administrator; Super-complaints caseworker, HMICFRS",
    ),
}


@pytest.fixture
def public_record(db):
    make_org(OrganisationKind.DESIGNATED_BODY, "Hestia")
    make_org(OrganisationKind.DESIGNATED_BODY, "Liberty")
    make_org(
        OrganisationKind.AUTHORITY,
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "HMICFRS",
    )
    make_org(OrganisationKind.AUTHORITY, "Independent Office for Police Conduct", "IOPC")
    make_org(OrganisationKind.AUTHORITY, "College of Policing", "College")
    make_org(OrganisationKind.NATIONAL_BODY, "Home Office", "Home Office")
    pcc = make_org(OrganisationKind.LOCAL_POLICING_BODY, "Avon and Somerset Police and Crime Commissioner")
    make_org(OrganisationKind.FORCE, "Avon and Somerset Constabulary", local_policing_body=pcc)


def run(*args: str) -> dict[str, tuple[str, str, str]]:
    out = StringIO()
    call_command("create_demo_accounts", "--allow-without-debug", *args, stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "@demo.invalid" in line]
    assert len(lines) == 13, out.getvalue()
    parsed = {}
    for line in lines:
        match = LINE.match(line)
        assert match, line
        email, password, secret, description = match.groups()
        parsed[email] = (password, secret, description)
    return parsed


def test_one_line_per_role_with_password_and_secret(public_record):
    accounts = run()

    assert {email: d for email, (_, _, d) in accounts.items()} == {e: x[2] for e, x in EXPECTED.items()}
    for email, (password, secret, _) in accounts.items():
        user = User.objects.get(email=email)
        assert user.check_password(password)
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed is True
        assert base64.b32decode(secret) == device.bin_key
    memberships = {
        (m.user.email, m.role, m.organisation.name)
        for m in Membership.objects.select_related("user", "organisation")
    }
    assert memberships == {(email, role, org) for email, (role, org, _) in EXPECTED.items()}


def test_only_the_administrator_is_staff(public_record):
    run()
    assert list(User.objects.filter(is_staff=True).values_list("email", "is_superuser")) == [
        ("admin@demo.invalid", True)
    ]


def test_running_again_changes_nothing(public_record):
    first = run()
    second = run()

    assert second == first
    assert User.objects.count() == 13
    assert TOTPDevice.objects.count() == 13
    assert Membership.objects.count() == 13
    assert AuditEvent.objects.filter(action="account.created").count() == 13
    assert AuditEvent.objects.filter(action="account.created", actor_label="system").count() == 13


def test_reset_gives_new_passwords_and_secrets(public_record):
    first = run()
    second = run("--reset")

    for email in EXPECTED:
        assert second[email][0] != first[email][0]
        assert second[email][1] != first[email][1]
        user = User.objects.get(email=email)
        assert user.check_password(second[email][0])
        assert not user.check_password(first[email][0])
    assert TOTPDevice.objects.count() == 13


def test_a_password_changed_since_is_not_printed(public_record):
    run()
    user = User.objects.get(email="hestia@demo.invalid")
    user.set_password("changed by its owner 1")
    user.save()

    out = StringIO()
    call_command("create_demo_accounts", "--allow-without-debug", stdout=out)

    line = next(line for line in out.getvalue().splitlines() if line.startswith("hestia@demo.invalid"))
    assert "password: (changed since it was set; use --reset for a new one)  totp: " in line
    user.refresh_from_db()
    assert user.check_password("changed by its owner 1")


def test_printed_details_sign_in(client, public_record):
    password, secret, _ = run()["iopc@demo.invalid"]
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"

    client.post("/account/sign-in/", {"email": "iopc@demo.invalid", "password": password})
    response = client.post("/account/sign-in/code/", {"code": code})

    assert response.status_code == 302
    assert DEVICE_ID_SESSION_KEY in client.session


def test_explains_how_to_add_the_secret_to_an_app(public_record):
    out = StringIO()
    call_command("create_demo_accounts", "--allow-without-debug", stdout=out)
    text = out.getvalue()
    assert "authenticator app" in text
    assert "Enter a setup key" in text
    assert "Time based" in text
    assert "/account/sign-in/" in text


def test_missing_public_record_is_a_clear_error_and_creates_nothing(db):
    make_org(OrganisationKind.DESIGNATED_BODY, "Hestia")

    with pytest.raises(CommandError, match=re.escape("Run `manage.py load_public_record` first")):
        call_command("create_demo_accounts", "--allow-without-debug", stdout=StringIO())

    assert User.objects.count() == 0


def test_refused_without_debug_unless_asked(public_record):
    with pytest.raises(CommandError, match="only created with DJANGO_DEBUG=1"):
        call_command("create_demo_accounts", stdout=StringIO())
    assert User.objects.count() == 0


@override_settings(DEBUG=True)
def test_runs_with_debug(public_record):
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    assert out.getvalue().count("@demo.invalid") == 13
