"""The evidence search form, for the casework and portal search pages (a GET form: it works
without JavaScript and a search can be bookmarked). The selector is evidence.search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.date_fields import DateField
from common.forms import GovukForm

# The query string names of the form: a page with none of them is a first visit, not a search.
FIELD_NAMES = ("q", "complaint", "source", "date_from_0", "date_from_1", "date_from_2", "date_to_0")


class EvidenceSearchForm(GovukForm):
    q = forms.CharField(
        label=gettext_lazy("Search words"),
        help_text=gettext_lazy("Documents with all of these words are found."),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter the words to search for")},
    )
    complaint = forms.ChoiceField(label=gettext_lazy("Complaint"), required=False)
    source = forms.ChoiceField(label=gettext_lazy("Kind of document"), required=False)
    date_from = DateField(
        subject=gettext_lazy("the ‘from’ date"), required=False, label=gettext_lazy("Added from")
    )
    date_to = DateField(
        subject=gettext_lazy("the ‘to’ date"), required=False, label=gettext_lazy("Added up to")
    )

    def __init__(
        self,
        *args: Any,
        complaints: list[tuple[str, str]],
        sources: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        complaint, source = self.fields["complaint"], self.fields["source"]
        assert isinstance(complaint, forms.ChoiceField) and isinstance(source, forms.ChoiceField)
        complaint.choices = [("", _("All complaints")), *complaints]
        source.choices = [("", _("All kinds")), *sources]
        for name in ("date_from", "date_to"):
            self.fields[name].help_text = _("For example, 27 3 2026")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The ‘to’ date must be the same as or after the ‘from’ date"))
        return cleaned


def is_search(query: Any) -> bool:
    """Whether the query string holds a search (else the page shows the empty form)."""
    return any(name in query for name in FIELD_NAMES)
