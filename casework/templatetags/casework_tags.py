"""Display helpers for the casework pages that a list repeats on every row."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def deadline_when(deadline: Any) -> SafeString:
    """One running deadline (``complaints.selectors.RunningDeadline``): "Due Thursday 3 December
    2026 — 5 days left", an orange tag on the day, a red one once overdue.

    A tag rather than an included template because the dashboard shows it twice for every
    complaint: at national scale the include was a fifth of the page's rendering.
    """
    if deadline.is_overdue:
        # The translation as the template's blocktranslate gave it: the date escaped in it.
        was_due = mark_safe(_("was due %(due)s") % {"due": escape(deadline.due_label)})
        return format_html(
            '<strong class="govuk-tag govuk-tag--red">{}</strong> <span class="govuk-body-s">{}</span>',
            deadline.status,
            was_due,
        )
    if deadline.days_left == 0:
        return format_html(
            '<strong class="govuk-tag govuk-tag--orange">{}</strong> <span class="govuk-body-s">{}</span>',
            _("Due today"),
            deadline.due_label,
        )
    return escape(deadline.text)
