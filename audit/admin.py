from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the trail is written by services and by nothing else."""

    list_display = [
        "sequence",
        "occurred_at",
        "kind",
        "action",
        "actor_label",
        "organisation_label",
        "object_type",
        "object_id",
        "object_repr",
    ]
    list_filter = ["kind", "action"]
    search_fields = ["=object_id", "=request_id"]
    ordering = ["-sequence"]
    show_full_result_count = False
    list_per_page = 50
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
