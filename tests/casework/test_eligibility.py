"""The eligibility assessment: reg 4 checklist, similar complaints, positions, decision (regs 6, 11(1))."""

import html
import re

import pytest
from django.core import mail

from complaints import services
from complaints.models import AuthorityPosition, ComplaintState, SuperComplaint
from tests.builders import authority, london, make_draft
from tests.casework.support import FULL_CHECKLIST, acknowledged, received, with_positions
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else saved changes to this complaint after you opened this page. Your changes have not been "
    "saved yet: check the latest version below, then save again."
)


def url(complaint):
    return f"/casework/complaints/{complaint.reference}/eligibility/"


def error_summary(response) -> list[str]:
    page = response.content.decode()
    if "govuk-error-summary" not in page:
        return []
    summary = page.split('<ul class="govuk-list govuk-error-summary__list">')[1].split("</ul>")[0]
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split())
        for item in re.findall(r"<li>(.*?)</li>", summary, flags=re.DOTALL)
    ]


def version_in(response, prefix) -> int:
    match = re.search(rf'name="{prefix}-version" value="(\d+)"', response.content.decode())
    return int(match.group(1))


def position(version, value="eligible", reasons="Meets regulation 4."):
    return {
        "form": "position",
        "position-version": version,
        "position-position": value,
        "position-reasons": reasons,
    }


def decision(version, checklist=FULL_CHECKLIST, **fields):
    """The decision form as posted; ``checklist`` names the reg 4 boxes ticked."""
    data = {
        "form": "decision",
        "decision-version": version,
        **{f"decision-{name}": "on" for name in checklist},
        "decision-checklist_notes": "",
        "decision-repeat_finding": "not_a_repeat",
        "decision-related_complaint": "",
        "decision-material_change": "",
        "decision-outcome": "eligible",
        "decision-reasons": "",
    }
    data.update({f"decision-{key}": value for key, value in fields.items()})
    return data


def test_the_three_authorities_record_positions_and_the_team_decides(
    client_for, public_record, django_capture_on_commit_callbacks
):
    complaint = acknowledged()
    for name in ("iopc", "college", "team"):
        user_client = client_for(name)
        response = user_client.get(url(complaint))
        response = user_client.post(url(complaint), position(version_in(response, "position")))
        assert response.status_code == 302, error_summary(response)
        page = user_client.get(response["Location"]).content.decode()
        short = {"iopc": "IOPC", "college": "College", "team": "HMICFRS"}[name]
        assert f"The position of {short} has been recorded." in page
    assert set(AuthorityPosition.objects.filter(complaint=complaint).values_list("position", flat=True)) == {
        "eligible"
    }

    team = client_for("team")
    response = team.get(url(complaint))
    page = response.content.decode()
    assert 'value="decision"' in page
    assert_valid_html(page, name="eligibility-decision.html")
    assert (
        '<input class="govuk-radios__input" id="id_decision-outcome" name="decision-outcome" type="radio" value="eligible" checked>'
        in page
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(url(complaint), decision(version_in(response, "decision")))
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ELIGIBLE
    assert complaint.eligibility.decided_by == "authorities"
    assert complaint.eligibility.meets_reg4()
    letter = complaint.letters.get()
    assert (letter.kind, letter.sent_to) == ("eligible", "pat@example.org")
    # One e-mail for the decision (complaints.tasks); the letter is in the portal, not e-mailed again.
    assert [m.subject for m in mail.outbox] == [
        f"Super-complaint {complaint.reference}: eligibility decision"
    ]
    page = team.get(response["Location"]).content.decode()
    assert f"Complaint {complaint.reference} decided: eligible. The decision letter was sent" in page


def test_a_position_without_its_answers_is_refused_in_the_error_summary(client_for, public_record):
    complaint = acknowledged()
    response = client_for("iopc").post(url(complaint), position(complaint.version, value="", reasons=""))
    assert response.status_code == 200
    assert error_summary(response) == [
        "Select whether the complaint is eligible",
        "Enter the reasons for your authority’s position",
    ]
    page = response.content.decode()
    assert '<a href="#id_position-position">Select whether the complaint is eligible</a>' in page
    assert '<a href="#id_position-reasons">' in page
    assert "<title>Error: Eligibility of" in page
    assert not AuthorityPosition.objects.exists()
    assert_valid_html(page, name="eligibility-errors.html")


def test_decision_errors_keep_everything_typed(client_for, public_record):
    complaint = with_positions(("not_eligible", "not_eligible", "not_eligible"))
    response = client_for("team").post(
        url(complaint),
        decision(
            complaint.version,
            outcome="not_eligible",
            checklist=["in_writing", "names_contact"],
            checklist_notes="No evidence was attached.",
            repeat_finding="material_change",
        ),
    )
    assert error_summary(response) == [
        "Select the earlier complaint it repeats",
        "Describe the material change of circumstances",
        "Enter the reasons why the complaint is not eligible",
    ]
    page = response.content.decode()
    assert 'name="decision-in_writing" type="checkbox" value="on" checked' in page
    assert 'name="decision-names_contact" type="checkbox" value="on" checked' in page
    assert re.search(r'name="decision-includes_evidence" type="checkbox" value="on"\s*>', page)
    assert ">No evidence was attached.</textarea>" in page
    assert 'name="decision-repeat_finding" type="radio" value="material_change" checked' in page
    assert 'name="decision-outcome" type="radio" value="not_eligible" checked' in page
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ASSESSING


def test_a_refusal_by_the_rules_appears_in_the_error_summary(client_for, public_record):
    complaint = with_positions()
    team = client_for("team")
    response = team.post(
        url(complaint), decision(complaint.version, checklist=["in_writing"], reasons="It is eligible.")
    )
    assert error_summary(response) == [
        "A complaint that does not meet every requirement of regulation 4 cannot be eligible."
    ]
    assert ">It is eligible.</textarea>" in response.content.decode()
    response = team.post(url(complaint), decision(complaint.version, outcome="not_eligible", reasons="No."))
    assert error_summary(response) == [
        "All three authorities agree; the decision must follow their position."
    ]
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ASSESSING
    assert not complaint.letters.exists()


def test_a_stale_position_form_is_refused_keeping_what_was_typed(client_for, public_record):
    complaint = acknowledged()
    team = client_for("team")
    opened = version_in(team.get(url(complaint)), "position")

    # The IOPC records its position while the team's page is open.
    client_for("iopc").post(url(complaint), position(opened, value="not_eligible", reasons="IOPC view"))

    response = team.post(url(complaint), position(opened, value="eligible", reasons="Typed with care."))
    assert response.status_code == 200
    assert error_summary(response) == [STALE]
    page = response.content.decode()
    assert ">Typed with care.</textarea>" in page
    assert 'name="position-position" type="radio" value="eligible" checked' in page
    assert "IOPC view" in page  # the latest positions are shown
    assert not AuthorityPosition.objects.filter(authority=authority("HMICFRS")).exists()

    # Saving again from the refreshed page works.
    current = version_in(response, "position")
    assert current == SuperComplaint.objects.get(pk=complaint.pk).version
    response = team.post(url(complaint), position(current, value="eligible", reasons="Typed with care."))
    assert response.status_code == 302
    assert AuthorityPosition.objects.get(authority=authority("HMICFRS")).reasons == "Typed with care."


def test_a_stale_decision_form_is_refused(client_for, public_record):
    complaint = with_positions()
    team = client_for("team")
    opened = version_in(team.get(url(complaint)), "decision")
    services.record_position(
        complaint, authority=authority("College"), position="eligible", reasons="Changed"
    )
    response = team.post(url(complaint), decision(opened, reasons="Our reasons"))
    assert error_summary(response) == [STALE]
    assert ">Our reasons</textarea>" in response.content.decode()
    assert version_in(response, "decision") == opened + 1
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ASSESSING


def test_the_similar_complaints_are_listed_and_one_can_be_named_as_repeated(
    client_for, public_record, django_capture_on_commit_callbacks
):
    draft = make_draft("Hestia", title="Victims of modern slavery")
    draft.features.filter(position=1).update(text="Victims of modern slavery are treated as offenders")
    complaint = services.acknowledge_complaint(services.submit_complaint(draft, at=london(2026, 11, 27, 10)))
    for short in ("HMICFRS", "IOPC", "College"):
        services.record_position(
            complaint, authority=authority(short), position="not_eligible", reasons="Repeat"
        )
    complaint.refresh_from_db()
    earlier = SuperComplaint.objects.get(reference="SC-2019-002")

    response = client_for("team").get(url(complaint))
    similar = response.context["similar"]
    assert similar[0].complaint == earlier
    rows = response.content.decode().split('id="similar"')[1].split("</table>")[0]
    first_row = " ".join(
        re.sub(r"<[^>]+>", " ", rows.split('<tbody class="govuk-table__body">')[1].split("</tr>")[0]).split()
    )
    assert first_row == (
        f"SC-2019-002 : Police response to victims of modern slavery Report published 31 May 2019 "
        f"{similar[0].percent}%"
    )
    assert f"SC-2019-002: Police response to victims of modern slavery ({similar[0].percent}% similar)" in (
        response.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("team").post(
            url(complaint),
            decision(
                complaint.version,
                outcome="not_eligible",
                repeat_finding="repeats_investigated",
                related_complaint=str(earlier.pk),
                reasons="It merely repeats SC-2019-002, and nothing has changed.",
            ),
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.eligibility.related_complaint == earlier
    assert complaint.eligibility.repeat_finding == "repeats_investigated"
    letter = complaint.letters.get()
    assert "merely repeats the substance of super-complaint SC-2019-002" in letter.body_html


def test_before_acknowledgement_there_is_nothing_to_record(client_for, public_record):
    complaint = received()
    page = client_for("iopc").get(url(complaint)).content.decode()
    assert "The complaint must be acknowledged before its eligibility is assessed." in page
    assert 'value="position"' not in page
    assert 'value="decision"' not in page
    assert client_for("iopc").post(url(complaint), position(complaint.version)).status_code == 403


def test_the_page_explains_who_is_still_to_record(client_for, public_record):
    complaint = acknowledged()
    services.record_position(complaint, authority=authority("IOPC"), position="eligible", reasons="Yes")
    page = client_for("team").get(url(complaint)).content.decode()
    assert "Still to record: College, HMICFRS." in html.unescape(page)
    assert_valid_html(page, name="eligibility.html")


def test_an_unknown_form_is_a_bad_request(client_for, public_record):
    complaint = acknowledged()
    assert client_for("team").post(url(complaint), {"form": "other"}).status_code == 400


def test_a_repeat_of_a_complaint_that_is_not_being_investigated_is_refused_and_the_answers_kept(
    client_for, public_record
):
    draft = make_draft("Hestia", title="Victims of modern slavery")
    draft.features.filter(position=1).update(text="Victims of modern slavery are treated as offenders")
    complaint = services.acknowledge_complaint(services.submit_complaint(draft, at=london(2026, 11, 27, 10)))
    for short in ("HMICFRS", "IOPC", "College"):
        services.record_position(
            complaint, authority=authority(short), position="not_eligible", reasons="Repeat"
        )
    complaint.refresh_from_db()
    earlier = SuperComplaint.objects.get(reference="SC-2019-002")

    response = client_for("team").post(
        url(complaint),
        decision(
            complaint.version,
            outcome="not_eligible",
            repeat_finding="repeats_under_investigation",
            related_complaint=str(earlier.pk),
            reasons="It repeats the modern slavery complaint.",
        ),
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "SC-2019-002 is not being investigated (its stage is “Report published”), so this complaint "
        "cannot merely repeat a complaint being investigated (regulation 6(3)). Choose a complaint that "
        "is being investigated, or a different answer."
    ]
    page = response.content.decode()
    assert ">It repeats the modern slavery complaint.</textarea>" in page
    assert f'value="{earlier.pk}" selected' in page or f'value="{earlier.pk}" checked' in page
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ASSESSING
