from django.contrib import admin

from common.admin import AuditedAdmin
from organisations.models import Criterion, CriterionFinding, Designation, DesignationAssessment, Organisation


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0
    can_delete = False
    fields = readonly_fields = ("instrument", "in_force_from", "revocation_instrument", "revoked_from")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "short_name", "verified"]
    list_filter = ["kind", "verified", "country"]
    search_fields = ["name", "short_name", "also_known_as"]
    # The inspectorate flag decides who acts for the Chief Inspector (access.rules): it is set by
    # the public record and its migration, not by a tick in a form.
    readonly_fields = ["slug", "is_inspectorate"]
    inlines = [DesignationInline]


@admin.register(Designation)
class DesignationAdmin(AuditedAdmin):
    """Designations are recorded by the Home Office; edits here are audited like every change."""

    list_display = ["body", "instrument", "in_force_from", "revoked_from"]
    list_filter = ["in_force_from"]
    search_fields = ["body__name", "instrument"]


class CriterionFindingInline(admin.TabularInline):
    model = CriterionFinding
    extra = 0


@admin.register(DesignationAssessment)
class DesignationAssessmentAdmin(AuditedAdmin):
    list_display = ["body", "kind", "assessed_on"]
    inlines = [CriterionFindingInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["kind", "number", "text"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False  # statutory text

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
