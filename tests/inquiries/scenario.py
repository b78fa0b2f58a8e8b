"""The five-force scenario the issue names: two answer on time, one late, two never."""

from __future__ import annotations

import datetime

from accounts.models import Membership, Role, User
from inquiries.models import ForceRequest, InformationRequest
from inquiries.services import send_information_request, submit_force_answer
from tests.accounts.support import PASSWORD
from tests.builders import eligible, london, org

FORCES = [
    "Cumbria Constabulary",
    "Dyfed-Powys Police",
    "Kent Police",
    "Merseyside Police",
    "Suffolk Constabulary",
]
DUE = datetime.date(2026, 2, 27)  # a Friday


def force_user(force_name: str, email: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    Membership.objects.create(user=user, organisation=org(force_name), role=Role.RESPONDER)
    return user


def send_to_five(title: str = "Modern slavery referrals") -> InformationRequest:
    complaint = eligible("Victims of modern slavery", told=london(2026, 2, 2, 10))
    return send_information_request(
        complaint,
        title=title,
        questions=["How many referrals did you make in 2025?", "Who decides on a referral?"],
        due=DUE,
        forces=[org(name) for name in FORCES],
        at=london(2026, 2, 10, 9),
    )


def answer(request: InformationRequest, force_name: str, at: datetime.datetime) -> ForceRequest:
    force_request = request.force_requests.get(force__name=force_name)
    return submit_force_answer(
        force_request,
        answers={q.pk: f"{force_name} answers {q.position}" for q in request.questions.all()},
        at=at,
    )


def two_answer_one_late(request: InformationRequest) -> None:
    answer(request, "Cumbria Constabulary", london(2026, 2, 20, 11))
    answer(request, "Dyfed-Powys Police", london(2026, 2, 27, 23, 30))  # the due day, late evening
    answer(request, "Kent Police", london(2026, 3, 3, 9))
