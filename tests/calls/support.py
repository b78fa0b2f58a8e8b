"""Calls for evidence built through the services, for the calls tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from calls.models import CallForEvidence, Signpost
from calls.services import QuestionSpec, open_call
from complaints.models import SuperComplaint
from deadlines.rules import to_london_date
from tests.builders import eligible, london

QUESTIONS = [
    QuestionSpec(
        "What happened when you contacted the police?",
        "Beth ddigwyddodd pan wnaethoch gysylltu â'r heddlu?",
        True,
    ),
    QuestionSpec("What would have helped you?", "Beth fyddai wedi eich helpu chi?", False),
]


def ensure_signposts() -> None:
    """The support services the calls migration ships, back in place after a transactional test
    flushed every table in this worker (a flush removes what data migrations wrote)."""
    import importlib

    from django.apps import apps

    importlib.import_module("calls.migrations.0002_signposts").add_signposts(apps, None)


def investigated(title: str = "Victims of modern slavery") -> SuperComplaint:
    """A complaint on the register (found eligible in February 2026)."""
    return eligible(title, told=london(2026, 2, 2, 10))


def open_now(complaint: SuperComplaint | None = None, *, days: int = 30, **kwargs) -> CallForEvidence:
    """A call that opened today (London) and closes ``days`` later."""
    ensure_signposts()
    today = to_london_date(timezone.now())
    kwargs.setdefault("signposts", Signpost.objects.filter(key="samaritans"))
    return open_call(
        complaint or investigated(),
        title=kwargs.pop("title", "Your experience of reporting exploitation"),
        title_cy=kwargs.pop("title_cy", "Eich profiad o roi gwybod am gamfanteisio"),
        introduction=kwargs.pop("introduction", "We want to hear from people who reported exploitation."),
        introduction_cy=kwargs.pop(
            "introduction_cy", "Rydym am glywed gan bobl a roddodd wybod am gamfanteisio."
        ),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=days),
        questions=kwargs.pop("questions", QUESTIONS),
        **kwargs,
    )


def opening_later(complaint: SuperComplaint | None = None, *, days: int = 10) -> CallForEvidence:
    ensure_signposts()
    today = to_london_date(timezone.now())
    return open_call(
        complaint or investigated(),
        title="Not open yet XQJZ-CALL",
        introduction="Opens later XQJZ-CALL-INTRO",
        opens_on=today + datetime.timedelta(days=days),
        closes_on=today + datetime.timedelta(days=days + 30),
        questions=[QuestionSpec("A question XQJZ-CALL-Q")],
    )
