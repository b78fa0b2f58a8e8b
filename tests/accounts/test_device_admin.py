"""Second-factor devices in the admin: every add, change and removal is audited, and a device's
secret key is never shown once the device exists."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from audit.models import AuditEvent
from tests.accounts.support import force_verified_login, make_device, make_user

pytestmark = pytest.mark.django_db

KEY = "3132333435363738393031323334353637383930"


@pytest.fixture
def admin_client(client):
    staff = make_user("admin@example.org", is_staff=True, is_superuser=True)
    force_verified_login(client, staff, make_device(staff))
    return client


@pytest.fixture
def pat():
    return make_user("pat@example.org")


def device_events():
    return list(
        AuditEvent.objects.filter(action__startswith="account.totp_device").values_list(
            "action", "object_id", "before", "after"
        )
    )


def form_data(user, **overrides):
    data = {
        "user": user.pk,
        "name": "Work phone",
        "confirmed": "on",
        "key": KEY,
        "step": 30,
        "t0": 0,
        "digits": 6,
        "tolerance": 1,
        "drift": 0,
        "throttling_failure_count": 0,
    }
    data.update(overrides)
    return data


def test_adding_a_device_in_the_admin_is_audited_without_its_key(admin_client, pat):
    response = admin_client.post("/admin/otp_totp/totpdevice/add/", form_data(pat))
    assert response.status_code == 302, response.content.decode()[:2000]
    device = TOTPDevice.objects.get(user=pat)

    assert device_events() == [
        (
            "account.totp_device_added",
            str(pat.pk),
            None,
            {"device": device.persistent_id, "name": "Work phone", "confirmed": True},
        )
    ]
    assert not AuditEvent.objects.filter(after__icontains=KEY).exists()


def test_the_key_is_never_shown_after_the_device_is_created(admin_client, pat):
    device = services.add_totp_device(user=pat, name="Phone", key=KEY)

    page = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    listing = admin_client.get("/admin/otp_totp/totpdevice/").content.decode()

    assert KEY not in page
    assert 'name="key"' not in page
    assert "qrcode" not in page.lower() and "qrcode" not in listing.lower()
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403


def test_changing_a_device_in_the_admin_is_audited(admin_client, pat):
    device = services.add_totp_device(user=pat, name="Phone", key=KEY)
    data = form_data(pat, name="Old phone")
    del data["key"]  # not on the change form

    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/change/", data)

    assert response.status_code == 302
    assert device_events()[-1] == (
        "account.totp_device_changed",
        str(pat.pk),
        None,
        {"device": device.persistent_id, "fields": ["name"], "name": "Old phone"},
    )


def test_removing_a_device_in_the_admin_is_audited(admin_client, pat):
    device = services.add_totp_device(user=pat, name="Phone", key=KEY)
    persistent_id = device.persistent_id

    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert device_events()[-1] == (
        "account.totp_device_removed",
        str(pat.pk),
        {"device": persistent_id, "name": "Phone", "confirmed": True},
        None,
    )


def test_removing_devices_from_the_list_is_audited_for_each(admin_client, pat):
    first = services.add_totp_device(user=pat, name="Phone", key=KEY)
    second = services.add_totp_device(user=pat, name="Tablet")

    admin_client.post(
        "/admin/otp_totp/totpdevice/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert not TOTPDevice.objects.filter(user=pat).exists()
    removed = [e for e in device_events() if e[0] == "account.totp_device_removed"]
    assert sorted(e[2]["name"] for e in removed) == ["Phone", "Tablet"]
