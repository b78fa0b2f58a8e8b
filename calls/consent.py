"""What a respondent agrees to, in plain words, and which version of the words they saw.

A response stores ``CURRENT_VERSION``. When the words change, add a new version here and keep the
old one, so every stored response can still show what its writer agreed to.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "2026-12"

TEXTS: dict[str, tuple[Promise, ...]] = {
    "2026-12": (
        _(
            "What we will do with your answers: the super-complaints team at HM Inspectorate of "
            "Constabulary and Fire & Rescue Services, the Independent Office for Police Conduct and "
            "the College of Policing will read them to investigate this super-complaint."
        ),
        _("Who will see them: only the staff working on the investigation."),
        _(
            "We will not publish your answers with your name or anything that shows who you are. We "
            "may quote your words in our report without saying who you are."
        ),
        _(
            "If you give us your name or email address, we will only use them to contact you about your answers."
        ),
    ),
}

AGREEMENT = _("I agree to my answers being used in this way")


def texts(version: str) -> tuple[Promise, ...]:
    """The words shown with ``version``."""
    return TEXTS[version]
