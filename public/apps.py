from django.apps import AppConfig

# The models whose rows the public pages show, directly or through a published-only selector.
PUBLIC_MODELS = (
    "complaints.SuperComplaint",
    "complaints.Complainant",
    "complaints.Feature",
    "complaints.EligibilityDecision",
    "complaints.ProgressReport",
    "reports.Report",
    "reports.DmaAction",
    "reports.DissentingOpinion",
    "recommendations.AddresseeGroup",
    "recommendations.Recommendation",
    "recommendations.Obligation",
    "recommendations.Response",
    "organisations.Organisation",
    "organisations.Designation",
)
PUBLIC_LINKS = (
    ("complaints.SuperComplaint", "forces"),
    ("recommendations.Recommendation", "addressee_groups"),
    ("recommendations.Recommendation", "addressee_organisations"),
    ("recommendations.AddresseeGroup", "members"),
)


class PublicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "public"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from audit.models import AuditEvent
        from public.cache import purge_after_audit_event, purge_on_commit

        uid = "public-cache-purge"
        for label in PUBLIC_MODELS:
            model = apps.get_model(label)
            post_save.connect(purge_on_commit, sender=model, dispatch_uid=f"{uid}:save:{label}")
            post_delete.connect(purge_on_commit, sender=model, dispatch_uid=f"{uid}:delete:{label}")
        for label, name in PUBLIC_LINKS:
            through = getattr(apps.get_model(label), name).through
            m2m_changed.connect(purge_on_commit, sender=through, dispatch_uid=f"{uid}:m2m:{label}.{name}")
        # Every service records its change in the same transaction, bulk writes included.
        post_save.connect(purge_after_audit_event, sender=AuditEvent, dispatch_uid=f"{uid}:audit")
