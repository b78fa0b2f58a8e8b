from django.contrib import admin

from access import rules
from common.admin import AuditedAdmin, run_service_action
from reports import publication, services
from reports.models import DissentingOpinion, DmaAction, Exclusion, Report, ReportPassage


class ActionInline(admin.TabularInline):
    model = DmaAction
    extra = 0


class OpinionInline(admin.TabularInline):
    model = DissentingOpinion
    extra = 0


class PassageInline(admin.StackedInline):
    model = ReportPassage
    extra = 0


class ExclusionInline(admin.TabularInline):
    model = Exclusion
    extra = 0
    # Who proposed and who approved an exclusion is recorded by the builder's services only: two
    # different people (reg 8(3)), which the admin must not be able to blur.
    readonly_fields = ["proposed_by", "proposed_at", "approved_by", "approved_at"]


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ["title", "complaint", "state", "published_on", "title_verified"]
    list_filter = ["state", "title_verified"]
    search_fields = ["title", "complaint__reference"]
    readonly_fields = ["state", "published_at", "version"]
    inlines = [PassageInline, ActionInline, OpinionInline, ExclusionInline]
    actions = ["publish"]

    @admin.action(description="Publish (reg 8)")
    def publish(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            publication.publish_report,
            services.ReportError,
            rule=rules.may_publish_report,
        )
