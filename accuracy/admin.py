"""The factual-accuracy checks in the admin: to read only. Every change is a service call from the
casework and portal pages, so that it is checked, audited and messaged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accuracy.models import AccuracyCheck, AccuracyComment, CommentDecision


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DecisionInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = CommentDecision
    extra = 0
    fields = ["decision", "reason", "decided_by", "decided_at"]


@admin.register(AccuracyCheck)
class AccuracyCheckAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["report", "state", "closes_on", "opened_at", "closed_at"]
    list_filter = ["state"]
    search_fields = ["report__title", "report__complaint__reference"]


@admin.register(AccuracyComment)
class AccuracyCommentAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["recommendation", "addressee", "decision", "created_at"]
    list_filter = ["decision"]
    search_fields = ["recommendation__reference", "addressee__organisation__name"]
    inlines = [DecisionInline]
