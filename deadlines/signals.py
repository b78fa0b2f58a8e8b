"""Signals the deadlines app sends; other apps listen, so this app never needs to know them."""

from django.dispatch import Signal

# Sent after a holiday override is recorded or withdrawn has been committed, with ``day`` (the
# date whose status changed). Apps that store due dates recompute those that run over ``day``.
holiday_calendar_changed = Signal()
