from django.contrib import admin

from common.admin import AuditedAdmin
from inquiries.models import ForceRequest, InformationRequest, RequestQuestion


class QuestionInline(admin.TabularInline):
    model = RequestQuestion
    extra = 0
    can_delete = False
    readonly_fields = ["position", "text"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ForceRequestInline(admin.TabularInline):
    model = ForceRequest
    extra = 0
    can_delete = False
    fields = ["force", "answered_at", "reminded_on", "chased_on"]
    readonly_fields = ["force", "answered_at", "reminded_on", "chased_on"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(InformationRequest)
class InformationRequestAdmin(AuditedAdmin):
    """Requests to forces, to read: they are sent and answered through casework and the portal
    (``inquiries.services``), which keep the deadlines ledger and the outbox in step."""

    list_display = ["title", "complaint", "due", "sent_at"]
    search_fields = ["title", "complaint__reference"]
    readonly_fields = ["complaint", "title", "due", "template", "sent_at", "sent_by"]
    inlines = [QuestionInline, ForceRequestInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
