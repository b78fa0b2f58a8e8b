"""Writes to accounts: users, memberships, second-factor devices, passwords, and the sign-in record.

Each function changes one thing inside one transaction and records the audit event in it. Secrets
(passwords, TOTP keys) never go into the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.rules import forget_memberships
from accounts.models import Membership, User
from organisations.models import Organisation


def _record_event(**kwargs: Any) -> Any:
    # Imported when used: accounts loads before audit in INSTALLED_APPS and must not import its
    # models at start-up.
    from audit.services import record_event

    return record_event(**kwargs)


def _account_facts(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "is_active": user.is_active,
    }


def create_account(
    *,
    email: str,
    full_name: str = "",
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user who signs in with ``email``. Without a password, the account cannot be used
    until its owner sets one through the password-reset journey (which accepts such accounts).

    Side effects: audit event ``account.created``.
    """
    with transaction.atomic():
        user = User(email=email, full_name=full_name, is_staff=is_staff, is_superuser=is_superuser)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        _record_event(action="account.created", obj=user, after=_account_facts(user))
    return user


def add_membership(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` a role at ``organisation``; nothing happens if they already hold it.

    Side effects: audit event ``membership.created`` (only when created).
    """
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if created:
            _record_event(
                action="membership.created",
                obj=membership,
                after={"user": user.email, "organisation": organisation.name, "role": role},
            )
    forget_memberships(user)
    return membership


def add_totp_device(*, user: User, name: str, key: str | None = None, confirmed: bool = True) -> TOTPDevice:
    """Register an authenticator app for ``user``. ``key`` (hex) is generated when not given.

    Side effects: audit event ``account.totp_device_added`` (without the key).
    """
    with transaction.atomic():
        device = TOTPDevice(user=user, name=name, confirmed=confirmed)
        if key is not None:
            device.key = key
        device.full_clean(exclude=["user"])
        device.save()
        _record_event(
            action="account.totp_device_added",
            obj=user,
            after={"device": device.persistent_id, "name": name, "confirmed": confirmed},
        )
    return device


def replace_totp_key(*, device: TOTPDevice, key: str) -> TOTPDevice:
    """Give a device a new secret, so codes from the old one stop working.

    Side effects: audit event ``account.totp_key_replaced`` (without either key).
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        device.key = key
        device.last_t = -1
        device.drift = 0
        device.throttle_reset(commit=False)
        device.full_clean(exclude=["user"])
        device.save()
        _record_event(
            action="account.totp_key_replaced", obj=device.user, after={"device": device.persistent_id}
        )
    return device


def set_password(*, user: User, password: str, reason: str) -> User:
    """Set a new password. ``reason`` says how: ``"reset"`` (the e-mailed link) or ``"demo"``.

    Signing in elsewhere with the old password stops working at once: Django ties each session to a
    hash of the password.

    Side effects: audit event ``account.password_set`` (without the password).
    """
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _record_event(action="account.password_set", obj=user, after={"reason": reason})
    return user


def record_sign_in(*, user: User, device: TOTPDevice) -> None:
    """Side effects: audit event ``account.signed_in``, naming the device that gave the code."""
    with transaction.atomic():
        _record_event(action="account.signed_in", obj=user, after={"device": device.persistent_id})


def record_sign_out(*, user: User, reason: str) -> None:
    """Side effects: audit event ``account.signed_out`` with why (``"user"`` or ``"timeout"``)."""
    with transaction.atomic():
        _record_event(action="account.signed_out", obj=user, after={"reason": reason})


def record_sign_in_failed(*, email: str, user: User | None, step: str, address: str, paused: bool) -> None:
    """A failed sign-in: ``step`` is ``"password"`` or ``"code"``; ``paused`` when it was refused
    because sign-in is paused. ``user`` is the account the address belongs to, if any.

    Side effects: audit event ``account.sign_in_failed`` (the e-mail address as typed, the client
    address; never the password or code).
    """
    with transaction.atomic():
        _record_event(
            action="account.sign_in_failed",
            obj=user,
            after={"email": email[:254], "step": step, "address": address, "paused": paused},
        )


def record_locked_out(*, email: str, user: User | None, address: str) -> None:
    """Sign-in paused after too many failures (accounts.lockout).

    Side effects: audit event ``account.locked_out``.
    """
    with transaction.atomic():
        _record_event(action="account.locked_out", obj=user, after={"email": email[:254], "address": address})


def record_password_reset_request(*, email: str, user: User | None, address: str, throttled: str) -> None:
    """Someone asked for a password-reset link. ``throttled`` is ``""`` when a link was sent (if
    the account exists), else which limit held it back (``"account"`` or ``"address"``).

    Side effects: audit event ``account.password_reset_requested``.
    """
    with transaction.atomic():
        _record_event(
            action="account.password_reset_requested",
            obj=user,
            after={"email": email[:254], "address": address, "throttled": throttled},
        )


# TOTP fields that are secret: named in the audit trail when they change, never with their value.
SECRET_DEVICE_FIELDS = frozenset({"key"})


def record_totp_device_saved(*, device: TOTPDevice, created: bool, changed: list[str]) -> None:
    """A device added or changed outside ``add_totp_device`` (the admin). Call it inside the
    transaction that saved the device.

    Side effects: audit event ``account.totp_device_added`` or ``account.totp_device_changed``,
    naming the changed fields and the values of those that are not secret.
    """
    with transaction.atomic():
        if created:
            _record_event(
                action="account.totp_device_added",
                obj=device.user,
                after={"device": device.persistent_id, "name": device.name, "confirmed": device.confirmed},
            )
            return
        _record_event(
            action="account.totp_device_changed",
            obj=device.user,
            after={
                "device": device.persistent_id,
                "fields": sorted(changed),
                **{
                    name: getattr(device, name)
                    for name in changed
                    if name not in SECRET_DEVICE_FIELDS and name != "user"
                },
            },
        )


def remove_totp_device(*, device: TOTPDevice) -> None:
    """Remove an authenticator app: codes from it stop working at once.

    Side effects: audit event ``account.totp_device_removed``; the device row is deleted.
    """
    with transaction.atomic():
        _record_event(
            action="account.totp_device_removed",
            obj=device.user,
            before={"device": device.persistent_id, "name": device.name, "confirmed": device.confirmed},
        )
        device.delete()
