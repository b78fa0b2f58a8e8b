"""Helpers for GOV.UK Frontend components that Django's template language cannot express."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def elided_page_range(page_obj: Page, on_each_side: int = 1, on_ends: int = 1) -> list:
    """Page numbers for the GOV.UK pagination component, with Paginator.ELLIPSIS for gaps:
    ``{% elided_page_range page_obj as pages %}``."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=on_each_side, on_ends=on_ends)
    )
