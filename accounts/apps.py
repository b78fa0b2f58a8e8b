from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts.admin_site import VerifiedAdminSite
        from accounts.signals import record_lock_out, record_sign_in_failure, start_session_clock_on_sign_in

        # Every ModelAdmin is registered on django.contrib.admin.site; changing the class of that one
        # object puts the whole admin behind the second factor without touching INSTALLED_APPS or
        # each app's admin.py (django-otp's documented alternative is a separate OTPAdminSite).
        admin.site.__class__ = VerifiedAdminSite
        user_logged_in.connect(start_session_clock_on_sign_in, dispatch_uid="accounts.start_session_clock")
        user_login_failed.connect(record_sign_in_failure, dispatch_uid="accounts.record_sign_in_failure")
        user_locked_out.connect(record_lock_out, dispatch_uid="accounts.record_lock_out")
