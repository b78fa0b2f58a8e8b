from django.contrib import admin

from alerts.models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """To read: subscriptions change only through the public's own links."""

    list_display = ["pk", "complaint", "organisation", "language", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language"]
    readonly_fields = [f.name for f in Subscription._meta.concrete_fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
