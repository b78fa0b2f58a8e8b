"""Checks on text that arrives from people, shared by the forms and by what the service writes."""

from __future__ import annotations

import re
from typing import Any

# The embedding, override and isolate controls of the Unicode bidirectional algorithm. Ordinary
# right-to-left text (Arabic, Hebrew) needs none of them, so refusing them costs nobody anything.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def has_bidi_controls(value: Any) -> bool:
    if isinstance(value, str):
        return bool(BIDI_CONTROLS.search(value))
    if isinstance(value, (list, tuple)):
        return any(has_bidi_controls(v) for v in value)
    return False


def strip_bidi_controls(value: str) -> str:
    return BIDI_CONTROLS.sub("", value)
