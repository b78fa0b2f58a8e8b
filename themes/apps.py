from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "themes"
    verbose_name = _("Themes in responses")

    def ready(self) -> None:
        # evidence never imports themes (themes reads evidence): it sends a signal, themes listens.
        from evidence.signals import document_text_extracted
        from themes.receivers import embed_after_extraction

        document_text_extracted.connect(embed_after_extraction, dispatch_uid="themes.embed_after_extraction")
