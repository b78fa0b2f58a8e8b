from django.contrib import admin

from access import rules
from common.admin import AuditedAdmin, run_service_action
from recommendations import services
from recommendations.models import AddresseeGroup, Obligation, Recommendation, Response


@admin.register(AddresseeGroup)
class AddresseeGroupAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    filter_horizontal = ["members"]


class ObligationInline(admin.TabularInline):
    model = Obligation
    extra = 0
    fields = ["organisation", "via_group", "due", "responded_at", "overdue_flagged_on"]
    # The deadline is a row in the deadlines ledger, set by ``set_obligation_due``; shown here.
    readonly_fields = ["via_group", "due", "responded_at", "overdue_flagged_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deadlines")

    @admin.display(description="Due by the end of")
    def due(self, obj):
        return obj.due

    @admin.display(description="Flagged overdue on")
    def overdue_flagged_on(self, obj):
        return obj.deadline.flagged_overdue_on if obj.deadline else None


@admin.register(Recommendation)
class RecommendationAdmin(AuditedAdmin):
    list_display = ["reference", "label", "report", "text_verified"]
    search_fields = ["reference", "text"]
    readonly_fields = ["reference"]
    filter_horizontal = ["addressee_groups", "addressee_organisations"]
    inlines = [ObligationInline]
    actions = ["expand"]

    @admin.action(description="Expand addressees into obligations")
    def expand(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            services.expand_addressees,
            services.RecommendationError,
            rule=rules.may_expand_addressees,
        )


@admin.register(Response)
class ResponseAdmin(AuditedAdmin):
    """Read only: a response moves only through ``recommendations.responding`` (the organisation's
    drafting, sign-off and submission) and staff's withholding, so the admin can never leave one in a
    state the register cannot show."""

    list_display = ["obligation", "status", "state", "submitted_at"]
    list_filter = ["state", "status"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
