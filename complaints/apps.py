from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"

    def ready(self) -> None:
        from complaints import receivers  # noqa: F401  (connects the signal receivers)
