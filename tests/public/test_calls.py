"""The public pages of calls for evidence: the call and its form, the receipt, and that nothing
unopened, and no response, ever reaches a public page."""

from __future__ import annotations

import datetime
import re
import time
from urllib.parse import urlencode

from django.utils import timezone

from calls.models import CallForEvidence, CallResponse
from calls.services import MAX_ANSWER_LENGTH, MAX_QUESTIONS, QuestionSpec, close_call
from deadlines.rules import end_of_london_day
from public.calls import started_token
from tests.calls.support import investigated, open_now, opening_later
from tests.helpers import assert_valid_html
from tests.public.pages import get, main, text
from tests.public.test_unpublished import public_addresses, readable

ANSWER = "They told me to come back with a translator. XQJZ-ANSWER"


def call_url(call: CallForEvidence, language: str = "") -> str:
    return f"{language}/super-complaints/{call.complaint.reference}/calls-for-evidence/{call.pk}/"


def form_data(call: CallForEvidence, *, started: float | None = None, **overrides: str) -> dict[str, str]:
    first = call.questions.get(position=1)
    data = {
        f"answer_{first.pk}": ANSWER,
        "anonymous": "yes",
        "consent": "on",
        "consent_version": "2026-12",
        "started": started_token(call.pk, at=time.time() - 60 if started is None else started),
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_complaint_page_lists_an_open_call_and_the_call_page_has_its_parts(client, public_record):
    call = open_now()
    complaint_page = main(get(client, f"/super-complaints/{call.complaint.reference}/"))
    assert f'href="{call_url(call)}"' in complaint_page
    assert "Your experience of reporting exploitation" in complaint_page

    response = client.get(call_url(call))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    page = text(main(html)).replace("\u00a0", " ")
    assert "We want to hear from people who reported exploitation." in page
    # The signposts: always the helpline and 999, and the one the call chose.
    for line in [
        "Modern Slavery & Exploitation Helpline: 08000 121 700",
        "Emergency services: 999",
        "Samaritans: 116 123",
    ]:
        assert line in page
    assert "Victim Support" not in page
    assert 'href="tel:08000121700"' in html
    # The quick exit: a plain link to a neutral site without JavaScript.
    assert re.search(r'<a href="https://www.bbc.co.uk/weather"[^>]*data-quick-exit', html)
    assert "js/quick-exit.js" in html
    assert 'name="anonymous" type="radio" value="yes" checked' in html
    assert 'data-maxlength="10000"' in html
    assert "1. What happened when you contacted the police?" in page
    assert "2. What would have helped you? (optional)" in page
    assert "Who will see them: only the staff working on the investigation." in page
    assert 'name="website"' in html and "<div hidden" in html


def test_the_welsh_page_shows_the_welsh_text(client, public_record):
    call = open_now()
    html = get(client, call_url(call, "/cy"))
    assert '<html lang="cy"' in html
    assert "Eich profiad o roi gwybod am gamfanteisio" in html
    assert "Beth ddigwyddodd pan wnaethoch gysylltu â&#x27;r heddlu?" in html
    assert "Llinell Gymorth Caethwasiaeth Fodern a Chamfanteisio" in html


def test_an_anonymous_answer_gets_a_receipt_with_no_personal_data(client, public_record):
    call = open_now()
    sent = client.post(call_url(call), form_data(call, name="Sam Survivor", email="sam@example.org"))
    assert sent.status_code == 302
    response = CallResponse.objects.get()
    assert (response.anonymous, response.name, response.email) == (True, "", "")
    assert response.answers.get().text == ANSWER

    receipt = client.get(sent["Location"])
    assert receipt.status_code == 200
    assert "no-store" in receipt["Cache-Control"]
    html = receipt.content.decode()
    assert response.receipt_code in html
    today = timezone.localdate(response.submitted_at, timezone.get_default_timezone())
    assert f'<time datetime="{today.isoformat()}">' in html
    for private in [ANSWER, "XQJZ", "Sam", "sam@example.org", "translator"]:
        assert private not in html
    assert response.receipt_code not in sent["Location"]
    # A forged receipt address is not found.
    get(client, call_url(call) + "receipt/not-a-token/", status=404)


def test_a_named_answer_keeps_the_name_and_email(client, public_record):
    call = open_now()
    client.post(call_url(call), form_data(call, anonymous="no", name="Sam", email="sam@example.org"))
    assert CallResponse.objects.values_list("name", "email", "anonymous").get() == (
        "Sam",
        "sam@example.org",
        False,
    )


def test_errors_keep_what_was_typed(client, public_record):
    call = open_now()
    data = form_data(call)
    del data["consent"]
    html = get_posted(client, call_url(call), data, status=200)
    assert "Confirm that you agree to how we will use your answers" in html
    assert "They told me to come back with a translator." in html
    assert not CallResponse.objects.exists()


def get_posted(client, url: str, data: dict, status: int) -> str:
    response = client.post(url, data)
    assert response.status_code == status
    return response.content.decode()


def test_the_honeypot_refuses_without_saving(client, public_record):
    call = open_now()
    html = get_posted(client, call_url(call), form_data(call, website="http://spam.example"), status=200)
    assert "sent too quickly" in html
    assert "They told me to come back with a translator." in html
    assert "http://spam.example" not in html
    assert not CallResponse.objects.exists()


def test_a_form_sent_faster_than_a_person_could_is_refused_without_saving(client, public_record, settings):
    settings.CALL_RESPONSE_MIN_SECONDS = 5
    call = open_now()
    html = get_posted(client, call_url(call), form_data(call, started=time.time() - 1), status=200)
    assert "sent too quickly" in html
    assert "They told me to come back with a translator." in html
    assert not CallResponse.objects.exists()
    # Without a timestamp, or with one for another call, it is refused too.
    for token in ["", started_token(call.pk + 1, at=time.time() - 60)]:
        get_posted(client, call_url(call), form_data(call, started=0) | {"started": token}, status=200)
    assert not CallResponse.objects.exists()
    # Sent again after the least time, it is accepted.
    assert client.post(call_url(call), form_data(call, started=time.time() - 6)).status_code == 302


def test_responses_are_rate_limited_by_address(client, public_record, settings):
    settings.CALL_RESPONSE_RATE_LIMIT_PER_HOUR = 2
    call = open_now()
    for _n in range(2):
        assert client.post(call_url(call), form_data(call)).status_code == 302
    html = get_posted(client, call_url(call), form_data(call), status=429)
    assert "too many responses from your internet connection" in html
    assert "They told me to come back with a translator." in html
    assert CallResponse.objects.count() == 2


def test_an_answer_after_the_call_closed_is_refused_keeping_the_text(client, public_record):
    call = open_now()
    close_call(call)
    html = get_posted(client, call_url(call), form_data(call), status=200)
    closed_on = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    assert "This call for evidence closed on" in html
    assert closed_on.strftime("%-d %B %Y") in html
    assert "They told me to come back with a translator." in html
    assert not CallResponse.objects.exists()
    # Opened afresh, the closed call says so and has no form.
    page = get(client, call_url(call))
    assert "This call for evidence closed on" in page
    assert '<form method="post"' not in main(page)
    complaint_page = text(main(get(client, f"/super-complaints/{call.complaint.reference}/")))
    assert "Closed on" in complaint_page


def test_an_answer_sent_at_the_closing_moment_is_refused(client, public_record, monkeypatch):
    call = open_now(days=0)
    end = end_of_london_day(call.closes_on)
    monkeypatch.setattr(timezone, "now", lambda: end - datetime.timedelta(microseconds=1))
    assert client.post(call_url(call), form_data(call)).status_code == 302
    monkeypatch.setattr(timezone, "now", lambda: end)
    html = get_posted(client, call_url(call), form_data(call), status=200)
    assert "This call for evidence closed on" in html
    assert CallResponse.objects.count() == 1


def test_ten_answers_at_the_limit_fit_and_a_body_beyond_is_refused(client, public_record, settings):
    call = open_now(questions=[QuestionSpec(f"Question {n}") for n in range(1, MAX_QUESTIONS + 1)])
    # The widest characters there are: four UTF-8 bytes, sent as twelve once form-encoded.
    long = "🙂" * MAX_ANSWER_LENGTH
    data = form_data(call) | {f"answer_{q.pk}": long for q in call.questions.all()}
    body = urlencode(data)
    assert len(body) > settings.ANONYMOUS_MAX_BODY_SIZE
    assert len(body) <= settings.CALL_RESPONSE_MAX_BODY_SIZE
    sent = client.post(call_url(call), body, content_type="application/x-www-form-urlencoded")
    assert sent.status_code == 302
    assert all(len(a.text) == MAX_ANSWER_LENGTH for a in CallResponse.objects.get().answers.all())
    # Beyond the form's own limit: refused before it is read.
    too_big = body + "&x=" + "a" * settings.CALL_RESPONSE_MAX_BODY_SIZE
    refused = client.post(call_url(call), too_big, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 413
    # Other anonymous forms keep the small limit.
    other = client.post(
        "/account/sign-in/",
        "x=" + "a" * (settings.ANONYMOUS_MAX_BODY_SIZE + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert other.status_code == 413


def test_one_answer_over_the_limit_is_an_error(client, public_record):
    call = open_now()
    first = call.questions.get(position=1)
    html = get_posted(
        client,
        call_url(call),
        form_data(call) | {f"answer_{first.pk}": "a" * (MAX_ANSWER_LENGTH + 1)},
        status=200,
    )
    assert "Answer 1 must be 10,000 characters or fewer" in html
    # Line breaks count once, as the character count shows them, though browsers send two.
    lines = "\r\n".join(["a" * 99] * 100)  # 9,900 letters and 99 line breaks
    assert client.post(call_url(call), form_data(call) | {f"answer_{first.pk}": lines}).status_code == 302


def test_an_unopened_call_and_every_response_are_absent_from_every_public_page(client, public_record):
    complaint = investigated()
    later = opening_later(complaint)
    call = open_now(complaint)
    client.post(call_url(call), form_data(call))
    receipt_code = CallResponse.objects.get().receipt_code
    for language in ["", "/cy"]:
        get(client, call_url(later, language), status=404)
        get(client, call_url(later, language) + "receipt/x/", status=404)

    addresses = public_addresses() + [call_url(call, lang) for lang in ["", "/cy"]]
    leaks = []
    for address in addresses:
        response = client.get(address)
        body = readable(response) if response.status_code == 200 else ""
        leaks += [(address, word) for word in ["XQJZ", receipt_code, "translator"] if word in body]
    assert leaks == []
    # The open call is listed; the unopened one is not, though both belong to the same complaint.
    for language in ["", "/cy"]:
        complaint_page = get(client, f"{language}/super-complaints/{complaint.reference}/")
        assert call_url(call, language) in complaint_page
        assert f"calls-for-evidence/{later.pk}/" not in complaint_page


def test_the_call_page_its_error_state_and_the_receipt_are_valid_html(client, public_record):
    call = open_now()
    assert_valid_html(get(client, call_url(call, "/cy")), name="call-cy.html")
    data = form_data(call)
    del data["consent"]
    assert_valid_html(get_posted(client, call_url(call), data, status=200), name="call-errors.html")
    sent = client.post(call_url(call), form_data(call))
    assert_valid_html(get(client, sent["Location"]), name="receipt.html")
