from django.contrib import admin

from deadlines.models import Deadline, HolidayOverride
from deadlines.services import record_holiday_override, withdraw_holiday_override


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "action", "name", "created_at"]
    list_filter = ["action"]
    search_fields = ["name", "reason"]
    date_hierarchy = "date"
    ordering = ["-date"]

    # An override is recorded or withdrawn, never edited, so the audit trail shows each change
    # to the calendar as one event. To correct one, delete it and add it again.
    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = record_holiday_override(day=obj.date, action=obj.action, name=obj.name, reason=obj.reason)
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def delete_model(self, request, obj):
        withdraw_holiday_override(obj)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            withdraw_holiday_override(override)


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """The ledger, for looking up a deadline and its explanation. Rows change only through the
    services of the record they belong to and the sweep, so nothing here edits them."""

    list_display = [
        "__str__",
        "rule",
        "case_type",
        "case_id",
        "due",
        "met_at",
        "stopped_at",
        "flagged_overdue_on",
    ]
    list_filter = ["rule", "flagged_overdue_on"]
    date_hierarchy = "due"
    ordering = ["due", "pk"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
