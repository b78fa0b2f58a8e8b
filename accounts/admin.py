"""Admin for accounts: second-factor devices, through the audited admin.

django-otp registers its own TOTPDevice admin, which shows each device's secret key and QR code
and writes nothing to the audit trail. It is replaced here: with OTP_ADMIN_HIDE_SENSITIVE_DATA the
key is shown only on the form that creates a device (the one moment it must be copied into the
app), never afterwards, and every add, change and removal is an audit event without the key.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from common.admin import AuditedAdmin

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(TOTPDeviceAdmin, AuditedAdmin):
    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            admin.ModelAdmin.save_model(self, request, obj, form, change)
            services.record_totp_device_saved(device=obj, created=not change, changed=list(form.changed_data))

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        services.remove_totp_device(device=obj)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            for device in queryset.select_related("user"):
                services.remove_totp_device(device=device)
