"""Create one demo account per role and print how to sign in with each."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from accounts.demo import PublicRecordMissing, ensure_demo_accounts
from audit.context import SYSTEM, acting_as

HOW_TO = """\
To sign in as one of these accounts, add its totp secret to an authenticator app first:
  1. In the app (for example Google Authenticator, Microsoft Authenticator or FreeOTP), choose to add
     an account with a setup key ("Enter a setup key" or "Enter key manually").
  2. Give it a name (the email address), paste the totp value, and choose "Time based"
     (6 digits, a new code every 30 seconds).
  3. Sign in at {sign_in} with the email address and password, then enter the 6-digit code the app
     shows. Without an app: `oathtool --totp -b <totp value>` prints the current code.
Running this command again prints the same details; --reset gives every demo account a new password
and secret."""


class Command(BaseCommand):
    help = "Create (or show) one demo account per role, each with a password and a TOTP secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Give every demo account a new password and TOTP secret."
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Create them although DEBUG is off (a demonstration server, never the live service).",
        )

    def handle(self, *args: Any, reset: bool, allow_without_debug: bool, **options: Any) -> None:
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "Demo accounts have published passwords and an administrator, so they are only created "
                "with DJANGO_DEBUG=1. On a demonstration server, pass --allow-without-debug."
            )
        try:
            with acting_as(SYSTEM):
                accounts = ensure_demo_accounts(reset=reset)
        except PublicRecordMissing as error:
            raise CommandError(
                f"The public record is not loaded (not found: {error}). "
                "Run `manage.py load_public_record` first, then run this command again."
            ) from None
        width = max(len(a.user.email) for a in accounts)
        for account in accounts:
            password = account.password or "(changed since it was set; use --reset for a new one)"
            self.stdout.write(
                f"{account.user.email:<{width}}  password: {password}  totp: {account.totp_secret}  "
                f"({account.description})"
            )
        self.stdout.write("")
        self.stdout.write(HOW_TO.format(sign_in=reverse("accounts:login")))
