"""Signals the deadlines app sends; other apps listen, so this app never needs to know them."""

from django.dispatch import Signal

# Sent after a holiday override is recorded or withdrawn has been committed, with ``day`` (the
# date whose status changed). The deadlines ledger has already been recomputed in that transaction
# (``deadlines.services.recompute_open_deadlines``); this is for anything else that caches dates.
holiday_calendar_changed = Signal()
