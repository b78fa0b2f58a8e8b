"""Recording and withdrawing staff overrides of the bank-holiday calendar, and their admin."""

import datetime

import pytest
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from audit.models import AuditEvent
from deadlines.admin import HolidayOverrideAdmin
from deadlines.models import HolidayOverride
from deadlines.rules import acknowledgement_due
from deadlines.services import record_holiday_override, withdraw_holiday_override
from deadlines.signals import holiday_calendar_changed
from tests.accounts.support import force_verified_login, make_device

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_changes():
    seen = []

    def listener(sender, day, **kwargs):
        seen.append(day)

    holiday_calendar_changed.connect(listener)
    yield seen
    holiday_calendar_changed.disconnect(listener)


def test_record_holiday_override_saves_audits_and_announces(
    django_capture_on_commit_callbacks, calendar_changes
):
    with django_capture_on_commit_callbacks(execute=True):
        override = record_holiday_override(
            day=D(2019, 6, 5), action="add", name="Proclaimed day", reason="Proclamation (test)"
        )
    assert HolidayOverride.objects.get().pk == override.pk
    event = AuditEvent.objects.get(action="holiday_override.recorded")
    assert event.object_type == "deadlines.holidayoverride"
    assert event.object_id == str(override.pk)
    assert event.before is None
    assert event.after == {
        "date": "2019-06-05",
        "action": "add",
        "name": "Proclaimed day",
        "reason": "Proclamation (test)",
    }
    assert calendar_changes == [D(2019, 6, 5)]
    assert acknowledgement_due(D(2019, 6, 4)).due == D(2019, 6, 11)


def test_recording_the_same_override_twice_does_nothing_the_second_time():
    first = record_holiday_override(day=D(2019, 6, 5), action="add", name="Proclaimed day", reason="r")
    again = record_holiday_override(day=D(2019, 6, 5), action="add", name="Proclaimed day", reason="r")
    assert again.pk == first.pk
    assert HolidayOverride.objects.count() == 1
    assert AuditEvent.objects.filter(action="holiday_override.recorded").count() == 1


def test_an_invalid_or_conflicting_override_is_refused_without_an_event():
    with pytest.raises(ValidationError) as caught:
        record_holiday_override(day=D(2019, 6, 1), action="add", name="n", reason="r")
    assert caught.value.message_dict["date"] == ["This day is already not a working day: Saturday."]
    record_holiday_override(day=D(2019, 6, 5), action="add", name="Proclaimed day", reason="r")
    with pytest.raises(ValidationError) as caught:
        record_holiday_override(day=D(2019, 6, 5), action="add", name="Another name", reason="r")
    assert "date" in caught.value.message_dict
    assert HolidayOverride.objects.count() == 1
    assert AuditEvent.objects.filter(action="holiday_override.recorded").count() == 1


def test_withdraw_holiday_override_deletes_audits_and_announces(
    django_capture_on_commit_callbacks, calendar_changes
):
    override = record_holiday_override(
        day=D(2022, 9, 19), action="remove", name="Cancelled", reason="Proclamation revoked (test)"
    )
    assert acknowledgement_due(D(2022, 9, 15)).due == D(2022, 9, 21)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_holiday_override(override)
    assert not HolidayOverride.objects.exists()
    event = AuditEvent.objects.get(action="holiday_override.withdrawn")
    assert event.object_id == str(override.pk)
    assert event.before == {
        "date": "2022-09-19",
        "action": "remove",
        "name": "Cancelled",
        "reason": "Proclamation revoked (test)",
    }
    assert event.after is None
    assert calendar_changes == [D(2022, 9, 19)]
    assert acknowledgement_due(D(2022, 9, 15)).due == D(2022, 9, 22)
    # Withdrawing it again does nothing.
    withdraw_holiday_override(override)
    assert AuditEvent.objects.filter(action="holiday_override.withdrawn").count() == 1


def test_admin_records_and_withdraws_through_the_services():
    model_admin = HolidayOverrideAdmin(HolidayOverride, AdminSite())
    request = RequestFactory().post("/admin/")
    obj = HolidayOverride(date=D(2019, 6, 5), action="add", name="Proclaimed day", reason="r")
    model_admin.save_model(request, obj, form=None, change=False)
    assert obj.pk == HolidayOverride.objects.get().pk
    assert obj.created_at is not None
    model_admin.delete_queryset(request, HolidayOverride.objects.all())
    assert not HolidayOverride.objects.exists()
    assert [e.action for e in AuditEvent.objects.order_by("sequence")] == [
        "holiday_override.recorded",
        "holiday_override.withdrawn",
    ]
    assert model_admin.has_change_permission(request) is False


def test_admin_pages_add_and_list_overrides(client, django_user_model):
    # The admin sits behind two-factor sign-in (accounts.admin_site).
    admin_user = django_user_model(email="admin@example.org", is_staff=True, is_superuser=True)
    admin_user.set_unusable_password()
    admin_user.save()
    force_verified_login(client, admin_user, make_device(admin_user))
    assert client.get("/admin/deadlines/holidayoverride/add/").status_code == 200
    response = client.post(
        "/admin/deadlines/holidayoverride/add/",
        {"date": "2019-06-05", "action": "add", "name": "Proclaimed day", "reason": "Proclamation (test)"},
    )
    assert response.status_code == 302
    override = HolidayOverride.objects.get()
    assert (override.date, override.action, override.name) == (D(2019, 6, 5), "add", "Proclaimed day")
    assert (
        AuditEvent.objects.filter(action="holiday_override.recorded", object_id=str(override.pk)).count() == 1
    )
    listing = client.get("/admin/deadlines/holidayoverride/")
    assert listing.status_code == 200
    assert "Proclaimed day" in listing.content.decode()
    refused = client.post(
        "/admin/deadlines/holidayoverride/add/",
        {"date": "2019-06-01", "action": "remove", "name": "n", "reason": "r"},
    )
    assert refused.status_code == 200
    assert "This day is never a working day (Saturday: SI 2018/748 reg 2)" in refused.content.decode()
    assert HolidayOverride.objects.count() == 1
