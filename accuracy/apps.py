from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccuracyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accuracy"
    verbose_name = _("Factual-accuracy checks of draft reports")
