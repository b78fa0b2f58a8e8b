"""One demo account per role, for trying the service locally (``manage.py create_demo_accounts``).

Running it again changes nothing and prints the same credentials. The password is not stored
anywhere in clear: it is derived from the account's TOTP secret with the site's SECRET_KEY (an HMAC),
so the command can print it again, and ``--reset`` (a new secret) gives a new password too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import services
from accounts.models import Role, User
from organisations.models import Organisation, OrganisationKind

DEVICE_NAME = "Demo authenticator app"
# Unambiguous characters for a password someone may type from a terminal.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class PublicRecordMissing(Exception):
    """An organisation the demo accounts belong to is not in the database."""


@dataclass(frozen=True)
class DemoSpec:
    email: str
    full_name: str
    role: str
    kind: str
    name: str = ""
    short_name: str = ""
    local_policing_body_of: str = ""
    administrator: bool = False


DEMO_ACCOUNTS: tuple[DemoSpec, ...] = (
    DemoSpec(
        "hestia@demo.invalid",
        "Hestia policy lead",
        Role.BODY_MEMBER,
        OrganisationKind.DESIGNATED_BODY,
        "Hestia",
    ),
    DemoSpec(
        "liberty@demo.invalid",
        "Liberty policy lead",
        Role.BODY_MEMBER,
        OrganisationKind.DESIGNATED_BODY,
        "Liberty",
    ),
    DemoSpec(
        "hmicfrs@demo.invalid",
        "HMICFRS super-complaints team",
        Role.CASEWORKER,
        OrganisationKind.AUTHORITY,
        short_name="HMICFRS",
    ),
    DemoSpec(
        "iopc@demo.invalid",
        "IOPC super-complaints lead",
        Role.CASEWORKER,
        OrganisationKind.AUTHORITY,
        short_name="IOPC",
    ),
    DemoSpec(
        "college@demo.invalid",
        "College of Policing super-complaints lead",
        Role.CASEWORKER,
        OrganisationKind.AUTHORITY,
        short_name="College",
    ),
    DemoSpec(
        "chief-inspector@demo.invalid",
        "His Majesty's Chief Inspector of Constabulary",
        Role.CHIEF_INSPECTOR,
        OrganisationKind.AUTHORITY,
        short_name="HMICFRS",
    ),
    DemoSpec(
        "designations@demo.invalid",
        "Home Office designations officer",
        Role.DESIGNATIONS,
        OrganisationKind.NATIONAL_BODY,
        "Home Office",
    ),
    DemoSpec(
        "force@demo.invalid",
        "Avon and Somerset Constabulary responder",
        Role.RESPONDER,
        OrganisationKind.FORCE,
        "Avon and Somerset Constabulary",
    ),
    DemoSpec(
        "force-chief@demo.invalid",
        "Avon and Somerset Constabulary chief officer's delegate",
        Role.SIGNATORY,
        OrganisationKind.FORCE,
        "Avon and Somerset Constabulary",
    ),
    DemoSpec(
        "pcc@demo.invalid",
        "Avon and Somerset PCC responder",
        Role.RESPONDER,
        OrganisationKind.LOCAL_POLICING_BODY,
        local_policing_body_of="Avon and Somerset Constabulary",
    ),
    # Each addressee organisation with a demo responder has an administrator, who invites colleagues.
    DemoSpec(
        "force-admin@demo.invalid",
        "Avon and Somerset Constabulary user administrator",
        Role.ORGANISATION_ADMIN,
        OrganisationKind.FORCE,
        "Avon and Somerset Constabulary",
    ),
    DemoSpec(
        "pcc-admin@demo.invalid",
        "Avon and Somerset PCC user administrator",
        Role.ORGANISATION_ADMIN,
        OrganisationKind.LOCAL_POLICING_BODY,
        local_policing_body_of="Avon and Somerset Constabulary",
    ),
    DemoSpec(
        "admin@demo.invalid",
        "Service administrator",
        Role.CASEWORKER,
        OrganisationKind.AUTHORITY,
        short_name="HMICFRS",
        administrator=True,
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    user: User
    organisation: Organisation
    role: str
    password: str | None  # None if someone changed it since; --reset sets a new one
    totp_secret: str  # base32, as authenticator apps take it
    created: bool

    @property
    def description(self) -> str:
        role = Role(self.role).label
        if self.user.is_superuser:
            return f"Administrator; {role}, {self.organisation.short_name or self.organisation.name}"
        return f"{role}, {self.organisation.short_name or self.organisation.name}"


def demo_password(email: str, hex_key: str) -> str:
    """The demo password for this address and TOTP key: 4 groups of 4 characters (about 80 bits)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"demo-account:{email}:{hex_key}".encode(), hashlib.sha256
    ).digest()
    chars = [_ALPHABET[b % len(_ALPHABET)] for b in digest[:16]]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, 16, 4))


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def _organisation(spec: DemoSpec) -> Organisation:
    query = Organisation.objects.filter(kind=spec.kind)
    if spec.local_policing_body_of:
        query = query.filter(force__name=spec.local_policing_body_of, force__kind=OrganisationKind.FORCE)
        label = f"the local policing body of {spec.local_policing_body_of}"
    elif spec.short_name:
        query = query.filter(short_name=spec.short_name)
        label = spec.short_name
    else:
        query = query.filter(name=spec.name)
        label = spec.name
    organisation = query.first()
    if organisation is None:
        raise PublicRecordMissing(label)
    return organisation


def ensure_demo_account(spec: DemoSpec, organisation: Organisation, *, reset: bool = False) -> DemoAccount:
    """Create the account, membership and confirmed TOTP device if missing; with ``reset``, give it
    a new TOTP secret and password. Each write goes through ``accounts.services`` (audited)."""
    with transaction.atomic():
        user = User.objects.filter(email=spec.email).first()
        created = user is None
        device = None if created else TOTPDevice.objects.filter(user=user, name=DEVICE_NAME).first()
        if user is None:
            key = random_hex(20)
            user = services.create_account(
                email=spec.email,
                full_name=spec.full_name,
                password=demo_password(spec.email, key),
                is_staff=spec.administrator,
                is_superuser=spec.administrator,
            )
            device = services.add_totp_device(user=user, name=DEVICE_NAME, key=key)
        elif device is None or reset:
            key = random_hex(20)
            if device is None:
                device = services.add_totp_device(user=user, name=DEVICE_NAME, key=key)
            else:
                device = services.replace_totp_key(device=device, key=key)
            services.set_password(user=user, password=demo_password(spec.email, key), reason="demo")
        services.add_membership(user=user, organisation=organisation, role=spec.role)
    password = demo_password(spec.email, device.key)
    return DemoAccount(
        user=user,
        organisation=organisation,
        role=spec.role,
        password=password if user.check_password(password) else None,
        totp_secret=base32_secret(device),
        created=created,
    )


def ensure_demo_accounts(*, reset: bool = False) -> list[DemoAccount]:
    """Every demo account, or none: all their organisations are looked up before anything is written.

    Raises ``PublicRecordMissing`` naming every organisation not found.
    """
    found: list[Organisation] = []
    missing: list[str] = []
    for spec in DEMO_ACCOUNTS:
        try:
            found.append(_organisation(spec))
        except PublicRecordMissing as error:
            missing.append(str(error))
    if missing:
        raise PublicRecordMissing(", ".join(dict.fromkeys(missing)))
    return [
        ensure_demo_account(spec, organisation, reset=reset)
        for spec, organisation in zip(DEMO_ACCOUNTS, found, strict=True)
    ]
