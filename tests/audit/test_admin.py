"""The audit admin, called directly: the admin site's own sign-in (two factors) is tested by accounts."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts.models import User
from audit.context import Actor, acting_as
from audit.models import AuditEvent
from audit.services import record_access, record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def model_admin():
    return site._registry[AuditEvent]


@pytest.fixture
def superuser():
    return User.objects.create_superuser("admin@hmicfrs.example", password="a-long-test-password")


def request_as(user, method="get", path="/admin/audit/auditevent/", data=None):
    request = getattr(RequestFactory(), method)(path, data or {})
    # What django-otp's middleware sets once the second factor has been given.
    user.is_verified = lambda: True
    request.user = user
    request._dont_enforce_csrf_checks = True
    return request


@pytest.fixture
def events():
    user = User.objects.create_user("policy@hestia.example")
    with acting_as(Actor(label="policy@hestia.example"), "req-abc"):
        submitted = record_event(action="complaint.submitted", obj=user)
    with acting_as(Actor(label="caseworker@hmicfrs.example"), "req-def"):
        viewed = record_access(action="document.viewed", obj=user)
    record_event(action="public_record.loaded")
    return submitted, viewed


def listed(model_admin, user, **params):
    response = model_admin.changelist_view(request_as(user, data=params))
    assert response.status_code == 200
    return [event.sequence for event in response.context_data["cl"].result_list]


def test_admin_grants_view_only_even_to_a_superuser(model_admin, superuser):
    request = request_as(superuser)

    assert model_admin.has_view_permission(request) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.get_actions(request) == {}


def test_list_is_newest_first_and_filters_by_kind_and_action(model_admin, superuser, events):
    submitted, viewed = events

    assert listed(model_admin, superuser) == [3, viewed.sequence, submitted.sequence]
    assert listed(model_admin, superuser, kind__exact="access") == [viewed.sequence]
    assert listed(model_admin, superuser, action__exact="complaint.submitted") == [submitted.sequence]


def test_search_by_request_id_and_by_object_id(model_admin, superuser, events):
    submitted, viewed = events

    assert listed(model_admin, superuser, q="req-def") == [viewed.sequence]
    assert listed(model_admin, superuser, q=submitted.object_id) == [viewed.sequence, submitted.sequence]


def test_event_page_is_read_only_and_add_change_and_delete_are_refused(model_admin, superuser, events):
    submitted, _ = events
    path = f"/admin/audit/auditevent/{submitted.sequence}/change/"

    page = model_admin.change_view(request_as(superuser, path=path), str(submitted.sequence))
    assert page.status_code == 200
    assert page.context_data["has_change_permission"] is False
    assert page.context_data["adminform"].form.instance.hash == submitted.hash

    with pytest.raises(PermissionDenied):
        model_admin.add_view(request_as(superuser, path="/admin/audit/auditevent/add/"))
    with pytest.raises(PermissionDenied):
        model_admin.change_view(
            request_as(superuser, "post", path, {"action": "x.y"}), str(submitted.sequence)
        )
    with pytest.raises(PermissionDenied):
        model_admin.delete_view(
            request_as(superuser, path=path.replace("change", "delete")), str(submitted.sequence)
        )
    assert AuditEvent.objects.get(sequence=submitted.sequence).action == "complaint.submitted"


def test_staff_without_the_view_permission_see_nothing(model_admin, events):
    staff = User.objects.create_user("clerk@hmicfrs.example", is_staff=True)

    with pytest.raises(PermissionDenied):
        model_admin.changelist_view(request_as(staff))
