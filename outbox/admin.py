from django.contrib import admin

from access import rules
from common.admin import run_service_action
from outbox import services
from outbox.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, to read: a message changes only by being sent, or by being sent again."""

    list_display = ["subject", "state", "attempts", "next_attempt_at", "sent_at", "created_at"]
    list_filter = ["state"]
    search_fields = ["subject", "dedupe_key"]
    readonly_fields = [f.name for f in Message._meta.concrete_fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a message is the record that someone was told

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again (failed messages only)", permissions=["view"])
    def send_again(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            services.requeue_message,
            services.OutboxError,
            rule=rules.may_resend_message,
        )
