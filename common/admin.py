"""Admin pieces shared by the domain apps: every save and delete in the admin is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from audit.services import record_access, record_event


def _label(obj: Any) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose saves and deletes record audit events in the same transaction.

    Fields listed in ``readonly_fields`` include any state: states move only through services,
    offered here as admin actions. Set ``records_access`` where the change page shows personal data:
    each view of it is then an access event too.
    """

    records_access = False

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.records_access and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                record_access(action=f"{_label(obj)}.viewed_in_admin", obj=obj)
        return response

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        fields = list(form.changed_data) if change else [f.name for f in obj._meta.concrete_fields]
        with transaction.atomic():
            before = None
            if change:
                previous = type(obj).objects.get(pk=obj.pk)
                before = {k: v for k, v in model_to_dict(previous).items() if k in fields}
            super().save_model(request, obj, form, change)
            after = {k: v for k, v in model_to_dict(obj).items() if k in fields}
            if before is not None:
                # A form can call a field changed that is not (an empty JSON list): keep real changes.
                unchanged = {k for k in after if before.get(k) == after[k]}
                before = {k: v for k, v in before.items() if k not in unchanged}
                after = {k: v for k, v in after.items() if k not in unchanged}
            record_event(
                action=f"{_label(obj)}.{'edited' if change else 'created'}_in_admin",
                obj=obj,
                before=before,
                after=after,
            )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            record_event(action=f"{_label(obj)}.deleted_in_admin", obj=obj, before={"repr": str(obj)})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


def run_service_action(
    modeladmin: admin.ModelAdmin,
    request: Any,
    queryset: Any,
    service: Any,
    error: type[Exception],
    *,
    rule: Callable[[Any, Any], bool],
) -> None:
    """Apply a service to each selected object the user may act on (``rule``, from access.rules,
    the same gate as the pages), reporting each refusal in plain words."""
    done = 0
    for obj in queryset:
        if not rule(request.user, obj):
            modeladmin.message_user(
                request, _("%(obj)s: you may not do this.") % {"obj": obj}, messages.ERROR
            )
            continue
        try:
            service(obj)
            done += 1
        except error as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{done} updated.", messages.SUCCESS)
