"""The outbox: every message the service sends is a row, written in the transaction of the change
that causes it, and delivered by the task worker."""
