from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pagecache"

    def ready(self) -> None:
        """Connect the purges to the models declared public in ``pagecache.purges.PUBLIC`` (and
        nothing else: see that module)."""
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from audit.models import AuditEvent
        from pagecache import purges

        uid = "public-cache-purge"
        for label in purges.PUBLIC:
            model = apps.get_model(label)
            pre_save.connect(purges.before_save, sender=model, dispatch_uid=f"{uid}:pre-save:{label}")
            post_save.connect(purges.after_save, sender=model, dispatch_uid=f"{uid}:save:{label}")
            post_delete.connect(purges.after_delete, sender=model, dispatch_uid=f"{uid}:delete:{label}")
        for label, name in purges.PUBLIC_LINKS:
            through = getattr(apps.get_model(label), name).through
            m2m_changed.connect(
                purges.after_link_change, sender=through, dispatch_uid=f"{uid}:m2m:{label}.{name}"
            )
        # Services record every change in its transaction, bulk writes included.
        post_save.connect(purges.after_audit_event, sender=AuditEvent, dispatch_uid=f"{uid}:audit")
