"""Lock-out an attacker cannot step around: per account from every address, per address for every
account (spraying), and password-reset requests limited per account and per address. Every
failure, pause and reset request is on the audit trail."""

from __future__ import annotations

import pytest
from django.core import mail

from audit.models import AuditEvent
from tests.accounts.support import code_for, make_device, make_user, sign_in_with_password

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.urls")]

PAUSED = "Sign in is paused"


def loopback(n: int) -> str:
    return f"127.0.0.{n}"


def wrong(client, email="pat@example.org", ip="127.0.0.2"):
    return sign_in_with_password(client, email, "wrong password", REMOTE_ADDR=ip)


@pytest.fixture
def user():
    return make_user("pat@example.org")


@pytest.fixture
def device(user):
    return make_device(user)


def test_one_account_is_paused_from_every_address_after_ten_failures(client, user, device):
    # Four failures from each of 127.0.0.2 and 127.0.0.3, two from 127.0.0.4: never five from one.
    for ip, times in [(loopback(2), 4), (loopback(3), 4), (loopback(4), 1)]:
        for _ in range(times):
            assert wrong(client, ip=ip).status_code == 200
    tenth = wrong(client, ip=loopback(4))
    assert tenth.status_code == 429

    # Now even the right password from a fresh address is refused...
    fresh = sign_in_with_password(client, user.email, REMOTE_ADDR=loopback(5))
    assert fresh.status_code == 429
    assert PAUSED in fresh.content.decode()
    # ...while another account from those addresses still signs in.
    other = make_user("sam@example.org")
    make_device(other)
    assert sign_in_with_password(client, other.email, REMOTE_ADDR=loopback(2)).status_code == 302


def test_per_address_limit_for_one_account_still_holds(client, user, device):
    for _ in range(5):
        wrong(client, ip=loopback(2))
    assert sign_in_with_password(client, user.email, REMOTE_ADDR=loopback(2)).status_code == 429
    # Five failures are below the account-wide limit: another address is not paused yet.
    assert sign_in_with_password(client, user.email, REMOTE_ADDR=loopback(3)).status_code == 302


def test_spraying_many_accounts_from_one_address_is_paused(client, user, device):
    # One password tried against twenty accounts (most of which do not exist), one try each.
    for n in range(20):
        response = wrong(client, email=f"person{n}@example.org", ip=loopback(6))
    assert response.status_code == 429
    # The address is paused for everyone, the real account included...
    assert sign_in_with_password(client, user.email, REMOTE_ADDR=loopback(6)).status_code == 429
    # ...and only that address.
    assert sign_in_with_password(client, user.email, REMOTE_ADDR=loopback(7)).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_count_of_others(client, user, device):
    sprayer = make_user("sprayer@example.org")
    sprayer_device = make_device(sprayer)
    for n in range(19):
        wrong(client, email=f"person{n}@example.org", ip=loopback(8))
    assert sign_in_with_password(client, sprayer.email, REMOTE_ADDR=loopback(8)).status_code == 302
    assert (
        client.post(
            "/account/sign-in/code/", {"code": code_for(sprayer_device)}, REMOTE_ADDR=loopback(8)
        ).status_code
        == 302
    )

    assert wrong(client, email="person19@example.org", ip=loopback(8)).status_code == 429


def test_failed_sign_ins_by_password_and_code_and_the_pause_are_audited(client, user, device):
    wrong(client, ip=loopback(2))
    assert sign_in_with_password(client, user.email, REMOTE_ADDR=loopback(2)).status_code == 302
    client.post(
        "/account/sign-in/code/",
        {"code": "000000" if code_for(device) != "000000" else "111111"},
        REMOTE_ADDR=loopback(2),
    )
    for _ in range(3):
        wrong(client, ip=loopback(2))

    events = list(
        AuditEvent.objects.filter(action__in=["account.sign_in_failed", "account.locked_out"]).values_list(
            "action", "object_id", "after"
        )
    )
    failed = {"email": "pat@example.org", "address": "127.0.0.2", "paused": False}
    assert events == [
        ("account.sign_in_failed", str(user.pk), {**failed, "step": "password"}),
        ("account.sign_in_failed", str(user.pk), {**failed, "step": "code"}),
        ("account.sign_in_failed", str(user.pk), {**failed, "step": "password"}),
        ("account.sign_in_failed", str(user.pk), {**failed, "step": "password"}),
        ("account.locked_out", str(user.pk), {"email": "pat@example.org", "address": "127.0.0.2"}),
        ("account.sign_in_failed", str(user.pk), {**failed, "step": "password", "paused": True}),
    ]


def test_a_failure_for_an_address_without_an_account_is_audited_without_an_object(client):
    wrong(client, email="nobody@example.org")
    event = AuditEvent.objects.get(action="account.sign_in_failed")
    assert (event.object_type, event.object_id, event.after["email"]) == ("", "", "nobody@example.org")


def ask_reset(client, email, ip):
    return client.post("/account/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_is_limited_per_account_without_revealing_whether_it_exists(client, user):
    for email in ("pat@example.org", "nobody@example.org"):
        responses = [ask_reset(client, email, loopback(2 + n)) for n in range(5)]
        # The same page every time, for the real account and for an address with none.
        assert [r.status_code for r in responses] == [302] * 5
        assert {r["Location"] for r in responses} == {"/account/password-reset/sent/"}
    # Only the first three requests for the real account sent a link.
    assert [m.to for m in mail.outbox] == [["pat@example.org"]] * 3

    events = AuditEvent.objects.filter(action="account.password_reset_requested")
    assert [e.after["throttled"] for e in events] == ["", "", "", "account", "account"] * 2
    assert [e.object_id for e in events][:5] == [str(user.pk)] * 5
    assert {e.object_id for e in events[5:]} == {""}


def test_password_reset_is_limited_per_address_with_a_clear_page(client, user):
    for n in range(10):
        assert ask_reset(client, f"person{n}@example.org", loopback(9)).status_code == 302

    paused = ask_reset(client, user.email, loopback(9))

    assert paused.status_code == 429
    html = paused.content.decode()
    assert '<h1 class="govuk-heading-l">Too many requests to reset a password</h1>' in html
    assert "There have been too many requests for password reset links from your network." in html
    assert int(paused["Retry-After"]) > 0
    assert mail.outbox == []
    # The same page whether or not the address has an account.
    assert ask_reset(client, "nobody@example.org", loopback(9)).status_code == 429
    # Another address is not affected.
    assert ask_reset(client, user.email, loopback(10)).status_code == 302
    assert len(mail.outbox) == 1


def test_the_reset_link_comes_from_site_url_whatever_the_host_header(client, user, settings):
    settings.ALLOWED_HOSTS = ["*"]
    client.post("/account/password-reset/", {"email": user.email}, HTTP_HOST="evil.example")
    (message,) = mail.outbox
    assert "https://super-complaints.test/account/password-reset/" in message.body
    assert "evil.example" not in message.body
