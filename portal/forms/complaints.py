"""Forms on a submitted complaint's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from common.forms import GovukForm


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label=gettext_lazy("Why is the body withdrawing the super-complaint?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The decision-making authorities will see this reason."),
        error_messages={"required": gettext_lazy("Enter why the body is withdrawing the super-complaint")},
    )
