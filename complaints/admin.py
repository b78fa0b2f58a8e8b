from django.contrib import admin
from django.utils.translation import gettext as _

from access import rules
from common.admin import AuditedAdmin, run_service_action
from complaints import letters, services
from complaints.models import (
    AuthorityPosition,
    EligibilityDecision,
    EvidenceItem,
    Feature,
    Harm,
    ProgressReport,
    SuperComplaint,
)


class FeatureInline(admin.StackedInline):
    model = Feature
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = EvidenceItem
    extra = 0


class PositionInline(admin.TabularInline):
    model = AuthorityPosition
    extra = 0
    can_delete = False
    readonly_fields = ["authority", "position", "reasons", "recorded_at", "recorded_by"]

    def has_add_permission(self, request, obj=None):
        return False  # positions are recorded by each authority through casework


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    can_delete = False
    fields = readonly_fields = ("period", "period_start", "due", "sent_at", "overdue_flagged_on")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deadlines")

    # The dates live on the report's row in the deadlines ledger; they are shown, never edited.
    @admin.display(description="Period starts")
    def period_start(self, obj):
        return obj.deadline.start if obj.deadline else None

    @admin.display(description="Due by the end of")
    def due(self, obj):
        return obj.deadline.due if obj.deadline else None

    @admin.display(description="Flagged overdue on")
    def overdue_flagged_on(self, obj):
        return obj.deadline.flagged_overdue_on if obj.deadline else None


@admin.register(SuperComplaint)
class SuperComplaintAdmin(AuditedAdmin):
    records_access = True  # the change page shows the complaint's contact
    list_display = ["reference", "title", "state", "received_on", "acknowledgement_due"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deadlines")

    # Reg 5's row in the deadlines ledger, shown, never edited: only the services move it.
    @admin.display(description="Acknowledgement due")
    def acknowledgement_due(self, obj):
        deadline = obj.acknowledgement_deadline
        return deadline.due if deadline else None

    @admin.display(description="Acknowledgement flagged overdue on")
    def acknowledgement_overdue_flagged_on(self, obj):
        deadline = obj.acknowledgement_deadline
        return deadline.flagged_overdue_on if deadline else None

    list_filter = ["state", "is_historical"]
    search_fields = ["reference", "title", "subject"]
    # State, receipt and stored due dates change only through the services.
    readonly_fields = [
        "reference",
        "state",
        "received_at",
        "received_on",
        "acknowledgement_due",
        "acknowledged_at",
        "acknowledgement_overdue_flagged_on",
        "told_investigation_on",
        "withdrawn_at",
        "withdrawal_reason",
        "version",
        "public_record_key",
        "is_historical",
        "created_at",
        "updated_at",
        "created_by",
    ]
    inlines = [FeatureInline, EvidenceInline, PositionInline, ProgressReportInline]
    actions = ["acknowledge", "send_letters_due", "start_assessment", "begin_monitoring", "close"]

    # The admin sends what the casework pages send: acknowledging sends the acknowledgement letter.
    @admin.action(description="Acknowledge (reg 5) and send the acknowledgement letter")
    def acknowledge(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            _acknowledge_and_send,
            services.ComplaintError,
            rule=rules.may_move_complaint,
        )

    @admin.action(description="Send the letters due")
    def send_letters_due(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            _send_letters_due,
            services.ComplaintError,
            rule=rules.may_move_complaint,
        )

    @admin.action(description="Start the eligibility assessment (reg 6)")
    def start_assessment(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            services.start_assessment,
            services.ComplaintError,
            rule=rules.may_move_complaint,
        )

    @admin.action(description="Begin monitoring responses")
    def begin_monitoring(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            services.begin_monitoring,
            services.ComplaintError,
            rule=rules.may_move_complaint,
        )

    @admin.action(description="Close")
    def close(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            services.close_complaint,
            services.ComplaintError,
            rule=rules.may_move_complaint,
        )


def _acknowledge_and_send(complaint):
    complaint = services.acknowledge_complaint(complaint)
    _send_letters_due(complaint)


def _send_letters_due(complaint):
    # As on the casework page, the step stands if its letter cannot be written; say so plainly.
    try:
        letters.send_letters_due(SuperComplaint.objects.get(pk=complaint.pk))
    except services.ComplaintError:
        raise
    except Exception as error:
        raise letters.LetterError(
            _("The letter could not be written (%(error)s). Send it again with “Send the letters due”.")
            % {"error": error}
        ) from error


@admin.register(Harm)
class HarmAdmin(AuditedAdmin):
    list_display = ["feature", "description"]


@admin.register(EligibilityDecision)
class EligibilityDecisionAdmin(AuditedAdmin):
    list_display = ["complaint", "outcome", "decided_on", "decided_by"]
    readonly_fields = ["complaint", "outcome", "decided_by", "decided_by_user"]

    def has_add_permission(self, request):
        return False  # decisions are made through casework, which applies reg 6 and reg 11(1)
