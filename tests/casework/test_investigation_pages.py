"""The investigation's pages: start with a lead, the plan and fieldwork log, internal notes,
ownership and the "assigned to me" filter, and progress reports drafted and sent; bad input keeps
what was typed."""

from __future__ import annotations

import datetime

import pytest

from complaints import selectors, services
from complaints.models import ComplaintState, SuperComplaint
from tests.builders import authority, eligible, london
from tests.casework.test_dashboard import text
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def _eligible(title="Police response to victims") -> SuperComplaint:
    return eligible(title, told=london(2026, 12, 1, 10))


def _url(complaint, tail=""):
    return f"/casework/complaints/{complaint.reference}/{tail}"


def test_the_complaint_page_offers_to_start_the_investigation_once_eligible(client_for):
    complaint = _eligible()
    team = client_for("team")
    page = team.get(_url(complaint))
    assert "Start the investigation" in text(page)
    form = team.get(_url(complaint, "investigation/start/"))
    assert form.status_code == 200
    assert_valid_html(form.content.decode())

    missing = team.post(_url(complaint, "investigation/start/"), {"version": complaint.version})
    assert missing.status_code == 200
    assert "Select the authority that leads the investigation" in text(missing)

    done = team.post(
        _url(complaint, "investigation/start/"),
        {"version": complaint.version, "lead_authority": str(authority("College").pk)},
    )
    assert done.status_code == 302 and done["Location"] == _url(complaint, "investigation/")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.lead_authority) == (ComplaintState.INVESTIGATING, authority("College"))
    page = team.get(_url(complaint))
    assert "Start the investigation" not in text(page)
    assert "Lead authority College of Policing" in text(page)


def test_an_investigation_cannot_start_before_the_decision(client_for):
    from tests.builders import received

    complaint = received("Too early")
    assert client_for("team").get(_url(complaint, "investigation/start/")).status_code == 403


def test_the_plan_and_the_fieldwork_log_keep_what_was_typed_when_it_is_wrong(client_for):
    complaint = _eligible()
    staff = client_for("iopc")
    page = staff.get(_url(complaint, "investigation/"))
    assert page.status_code == 200
    assert_valid_html(page.content.decode())
    assert "Do not name or describe people" in text(page)

    bad_plan = staff.post(
        _url(complaint, "investigation/"),
        {"form": "plan", "plan-version": "1", "plan-terms_of_reference": "", "plan-methods": "File review"},
    )
    assert "Enter the terms of reference" in text(bad_plan)
    assert ">File review</textarea>" in bad_plan.content.decode()

    saved = staff.post(
        _url(complaint, "investigation/"),
        {
            "form": "plan",
            "plan-version": "1",
            "plan-terms_of_reference": "How forces respond",
            "plan-methods": "",
        },
    )
    assert saved.status_code == 302

    bad_visit = staff.post(
        _url(complaint, "investigation/"),
        {
            "form": "fieldwork",
            "fieldwork-kind": "visit",
            "fieldwork-occurred_on_0": "31",
            "fieldwork-occurred_on_1": "2",
            "fieldwork-occurred_on_2": "2026",
            "fieldwork-place": "Kent Police control room",
            "fieldwork-summary": "Calls observed",
        },
    )
    body = text(bad_visit)
    assert "The date of the visit or interview must be a real date" in body
    assert 'value="Kent Police control room"' in bad_visit.content.decode()
    assert ">Calls observed</textarea>" in bad_visit.content.decode()
    assert_valid_html(bad_visit.content.decode())

    visit = staff.post(
        _url(complaint, "investigation/"),
        {
            "form": "fieldwork",
            "fieldwork-kind": "visit",
            "fieldwork-occurred_on_0": "30",
            "fieldwork-occurred_on_1": "11",
            "fieldwork-occurred_on_2": "2026",
            "fieldwork-place": "Kent Police control room",
            "fieldwork-summary": "Calls observed",
        },
    )
    assert visit.status_code == 302
    entry = complaint.fieldwork.get()
    assert (entry.occurred_on, entry.kind, entry.place) == (
        datetime.date(2026, 11, 30),
        "visit",
        "Kent Police control room",
    )
    milestone = staff.post(
        _url(complaint, "investigation/"),
        {
            "form": "milestone",
            "milestone-title": "Fieldwork finished",
            "milestone-target_date_0": "31",
            "milestone-target_date_1": "3",
            "milestone-target_date_2": "2027",
        },
    )
    assert milestone.status_code == 302
    page = text(staff.get(_url(complaint, "investigation/")))
    assert "How forces respond" in page and "Fieldwork finished Wednesday 31 March 2027" in page
    # The timeline on the complaint page shows the visit (staff only).
    assert "Visit: Kent Police control room" in text(staff.get(_url(complaint)))


def test_internal_notes_are_never_shown_to_the_body(client_for):
    complaint = _eligible()
    team = client_for("team")
    team.post(_url(complaint, "investigation/"), {"form": "note", "note-text": "NOTE-MARKER chase Kent"})
    assert complaint.internal_notes.get().text == "NOTE-MARKER chase Kent"
    assert "NOTE-MARKER" in text(team.get(_url(complaint, "investigation/")))
    assert "NOTE-MARKER" in text(team.get(_url(complaint)))  # the staff timeline
    body = client_for("hestia").get(f"/portal/complaints/{complaint.reference}/")
    assert body.status_code == 200
    assert "NOTE-MARKER" not in body.content.decode()
    assert "Internal note" not in body.content.decode()


def test_ownership_is_set_on_the_complaint_page_and_filters_the_dashboard(client_for, people):
    mine = _eligible("Mine")
    other = _eligible("Someone else’s")
    team = client_for("team")
    page = team.get(_url(mine))
    assert "Caseworker" in text(page)
    user, _device = people["team"]
    done = team.post(_url(mine, "assign/"), {"version": mine.version, "caseworker": str(user.pk)})
    assert done.status_code == 302
    assert SuperComplaint.objects.get(pk=mine.pk).assigned_to == user
    # A stale form is refused in plain words.
    stale = team.post(_url(mine, "assign/"), {"version": mine.version, "caseworker": ""}, follow=True)
    assert "Someone else saved changes" in text(stale)

    everything = text(team.get("/casework/"))
    assert "Team Person" in everything and other.reference in everything
    filtered = text(team.get("/casework/?mine=on"))
    assert mine.reference in filtered and other.reference not in filtered
    assert "Only complaints assigned to me" in filtered


def test_a_body_member_cannot_be_made_owner(client_for, people):
    complaint = _eligible()
    body_user, _device = people["hestia"]
    client_for("team").post(
        _url(complaint, "assign/"), {"version": complaint.version, "caseworker": str(body_user.pk)}
    )
    assert SuperComplaint.objects.get(pk=complaint.pk).assigned_to is None


def _report_post(version, **fields):
    data = {
        "version": str(version),
        "steps_taken": "",
        "steps_proposed": "",
        "excluded_text": "",
        "exclusion_note": "",
    }
    data.update(fields)
    return data


def test_a_progress_report_is_drafted_then_sent_and_the_body_reads_it_without_the_excluded_text(client_for):
    complaint = _eligible()
    team = client_for("team")
    url = _url(complaint, "progress-reports/1/")
    page = team.get(url)
    assert page.status_code == 200
    assert_valid_html(page.content.decode())
    assert "due by the end of Friday 19 February 2027" in text(page)

    draft = team.post(url, _report_post(1, action="save", steps_taken="We read files."))
    assert draft.status_code == 302
    # Sending needs both parts; what was typed stays.
    incomplete = team.post(url, _report_post(2, action="send", steps_taken="We read files."))
    assert "Enter the steps proposed before the end of the next period" in text(incomplete)
    assert ">We read files.</textarea>" in incomplete.content.decode()
    # An exclusion needs its ground and reason (reg 7(3)).
    unreasoned = team.post(
        url,
        _report_post(
            2,
            action="send",
            steps_taken="We read files.",
            steps_proposed="We will visit.",
            excluded_text="EXCLUDED-MARKER",
        ),
    )
    assert "Select the ground for excluding the information" in text(unreasoned)
    assert "Enter the reason for excluding the information" in text(unreasoned)
    assert ">EXCLUDED-MARKER</textarea>" in unreasoned.content.decode()
    assert not complaint.letters.filter(kind="progress_report").exists()

    sent = team.post(
        url,
        _report_post(
            2,
            action="send",
            steps_taken="We read files.",
            steps_proposed="We will visit.",
            excluded_text="EXCLUDED-MARKER",
            exclusion_ground="safety",
            exclusion_note="It would identify a witness.",
        ),
        follow=True,
    )
    assert "Progress report 1 has been sent" in text(sent)
    assert "e-mailed to pat@example.org" in text(sent)
    report = complaint.progress_reports.get(period=1)
    assert report.sent_at is not None and report.letter.sent_at is not None

    portal = client_for("hestia").get(f"/portal/complaints/{complaint.reference}/")
    html = portal.content.decode()
    assert 'id="progress-reports"' in html
    assert f"Progress report 1 on super-complaint {complaint.reference}" in html
    assert "EXCLUDED-MARKER" not in html
    # What the body can expect next: report 2, due by the end of its period.
    assert "Progress report 2 on the investigation is due by the end of" in text(portal)
    letter = client_for("hestia").get(f"/portal/complaints/{complaint.reference}/letters/{report.letter.pk}/")
    assert "We will visit." in text(letter) and "EXCLUDED-MARKER" not in letter.content.decode()
    # The staff page still shows what was excluded, and why.
    assert "EXCLUDED-MARKER" in text(team.get(url))


def test_only_the_team_sends_a_progress_report(client_for):
    complaint = _eligible()
    iopc = client_for("iopc")
    url = _url(complaint, "progress-reports/1/")
    assert "Send the progress report" not in text(iopc.get(url))
    refused = iopc.post(url, _report_post(1, action="send", steps_taken="a", steps_proposed="b"))
    assert refused.status_code == 403
    assert complaint.progress_reports.get(period=1).sent_at is None


def test_an_unsent_report_past_its_period_shows_as_overdue_on_the_dashboard(client_for, monkeypatch):
    complaint = _eligible()
    due = complaint.progress_reports.get(period=1).deadline.due
    monkeypatch.setattr(selectors, "london_today", lambda: due + datetime.timedelta(days=2))
    dashboard = text(client_for("team").get("/casework/"))
    assert f"{complaint.reference}" in dashboard
    assert "Progress report 1" in dashboard and "Overdue by 2 days" in dashboard
    services.send_progress_report(
        complaint.progress_reports.get(period=1), steps_taken="a", steps_proposed="b"
    )
    assert "Overdue by 2 days" not in text(client_for("team").get("/casework/"))


def test_after_withdrawal_notes_can_still_be_added_but_the_plan_is_closed(client_for):
    complaint = services.withdraw_complaint(_eligible(), reason="No longer pursued")
    team = client_for("team")
    page = text(team.get(_url(complaint, "investigation/")))
    assert "Save the plan" not in page and "Add the note" in page
    refused = team.post(
        _url(complaint, "investigation/"),
        {"form": "plan", "plan-version": "1", "plan-terms_of_reference": "Too late", "plan-methods": ""},
    )
    assert refused.status_code == 403
    noted = team.post(_url(complaint, "investigation/"), {"form": "note", "note-text": "Closed the file."})
    assert noted.status_code == 302
    assert complaint.internal_notes.get().text == "Closed the file."
