"""The staff pages of redaction (plain forms, no JavaScript) and the public listing and download:
only the authorities' staff reach the redaction pages; an extract is public only once published,
and a withdrawn one is a 404 again."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from pagecache.models import CacheVersion
from redaction import services
from redaction.models import Redaction, RedactionState, SpanDecision
from tests.casework.support import make_person, signed_in
from tests.public.pages import main, text
from tests.redaction.support import EMAIL, HELPLINE, NAME, PHONE, POSTCODE, REMOVED, a_response, pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Calls hang off complaints on the shipped public record."""


@pytest.fixture
def response():
    return a_response()


@pytest.fixture
def staff():
    return signed_in(*make_person("team"))


def redaction_url(redaction: Redaction, suffix: str = "") -> str:
    return f"/casework/redactions/{redaction.pk}/{suffix}"


def test_staff_redact_a_response_with_plain_forms_and_publish(
    staff, response, django_capture_on_commit_callbacks
):
    page = staff.get(f"/casework/calls-for-evidence/responses/{response.pk}/")
    assert f'href="/casework/calls-for-evidence/responses/{response.pk}/redact/"' in page.content.decode()
    started = staff.post(
        f"/casework/calls-for-evidence/responses/{response.pk}/redact/", {"title": "What a survivor told us"}
    )
    redaction = Redaction.objects.get()
    assert started.status_code == 302 and started["Location"] == redaction_url(redaction)

    html = staff.get(redaction_url(redaction)).content.decode()
    assert f"<mark>{EMAIL}<span" in html
    assert "4 redactions are still waiting for a decision" in text(html)
    assert "Publish extract" not in html
    assert AuditEvent.objects.filter(action="redaction.viewed").count() == 1

    helpline = next(s for s in redaction.spans.all() if redaction.source_text[s.start : s.end] == HELPLINE)
    staff.post(redaction_url(redaction, f"spans/{helpline.pk}/decide/"), {"decision": "reject"})
    staff.post(redaction_url(redaction, "confirm-detected/"))
    refused = staff.post(redaction_url(redaction, "passages/"), {"passage": "Nobody Here", "kind": "name"})
    assert refused.status_code == 400
    assert "Those words are not in the text" in text(refused.content.decode())
    staff.post(redaction_url(redaction, "passages/"), {"passage": NAME, "kind": "name", "occurrence": ""})
    assert redaction.spans.filter(decision=SpanDecision.PROPOSED).count() == 0

    html = staff.get(redaction_url(redaction)).content.decode()
    preview = main(html).split('id="preview"', 1)[1]
    for removed in REMOVED:
        assert removed not in preview
    assert HELPLINE in preview
    redaction.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        published = staff.post(redaction_url(redaction, "publish/"), {"version": redaction.version})
    assert published.status_code == 302
    redaction.refresh_from_db()
    assert redaction.state == RedactionState.PUBLISHED


def test_publishing_an_old_preview_is_refused_with_a_message(staff, response):
    redaction = services.start_redaction(response.call.complaint, title="T", call_response=response)
    services.confirm_all_detected(redaction)
    refused = staff.post(redaction_url(redaction, "publish/"), {"version": 1})
    assert refused.status_code == 400
    assert "Someone changed this redaction after you opened the page" in text(refused.content.decode())
    assert Redaction.objects.get().state == RedactionState.DRAFT


def published(response) -> Redaction:
    redaction = services.start_redaction(
        response.call.complaint, title="What a survivor told us", call_response=response
    )
    services.confirm_all_detected(redaction)
    services.mark_passage(redaction, passage=NAME, kind="name")
    redaction.refresh_from_db()
    return services.publish_redaction(redaction, expected_version=redaction.version)


def test_the_public_complaint_page_lists_a_published_extract_and_serves_its_pdf(client, response):
    redaction = published(response)
    reference = response.call.complaint.reference
    html = main(client.get(f"/super-complaints/{reference}/").content.decode())
    assert f'href="/super-complaints/{reference}/extracts/{redaction.pk}.pdf"' in html
    assert "What a survivor told us" in html
    assert "PDF," in text(html) and "KB" in text(html)

    download = client.get(f"/super-complaints/{reference}/extracts/{redaction.pk}.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    body = pdftotext(b"".join(download.streaming_content))
    for removed in [EMAIL, PHONE, POSTCODE, NAME, HELPLINE]:
        assert removed not in " ".join(body.split())
    # The Welsh page lists it too.
    assert (
        f"/extracts/{redaction.pk}.pdf" in client.get(f"/cy/super-complaints/{reference}/").content.decode()
    )


def test_a_draft_or_withdrawn_extract_is_not_public(client, response):
    reference = response.call.complaint.reference
    draft = services.start_redaction(response.call.complaint, title="A draft extract", call_response=response)
    assert client.get(f"/super-complaints/{reference}/extracts/{draft.pk}.pdf").status_code == 404
    assert "A draft extract" not in client.get(f"/super-complaints/{reference}/").content.decode()

    redaction = published(response)
    services.withdraw_redaction(redaction)
    assert client.get(f"/super-complaints/{reference}/extracts/{redaction.pk}.pdf").status_code == 404
    assert "What a survivor told us" not in client.get(f"/super-complaints/{reference}/").content.decode()
    # Under another complaint's reference, a published extract is a 404 as well.
    other = published(a_response())
    assert client.get(f"/super-complaints/{reference}/extracts/{other.pk}.pdf").status_code == 404


def test_publishing_and_withdrawing_purge_the_complaint_s_pages(
    client, response, django_capture_on_commit_callbacks
):
    scope = f"complaint:{response.call.complaint.reference}"
    redaction = services.start_redaction(response.call.complaint, title="T", call_response=response)
    services.confirm_all_detected(redaction)
    before = dict(CacheVersion.objects.values_list("scope", "token"))
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_passage(redaction, passage=NAME, kind="name")
    assert dict(CacheVersion.objects.values_list("scope", "token")).get(scope) == before.get(scope)

    redaction.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_redaction(redaction, expected_version=redaction.version)
    after_publish = CacheVersion.objects.get(scope=scope).token
    assert after_publish != before.get(scope)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_redaction(redaction)
    assert CacheVersion.objects.get(scope=scope).token != after_publish


@pytest.mark.parametrize("name", ["hestia", "force"])
def test_bodies_and_forces_get_a_404_on_every_redaction_page(response, name):
    redaction = services.start_redaction(response.call.complaint, title="T", call_response=response)
    span = redaction.spans.first()
    outsider = signed_in(*make_person(name))
    for url in [
        f"/casework/calls-for-evidence/responses/{response.pk}/redact/",
        redaction_url(redaction),
    ]:
        assert outsider.get(url).status_code == 404
    for url, data in [
        (f"/casework/calls-for-evidence/responses/{response.pk}/redact/", {"title": "T"}),
        (redaction_url(redaction, f"spans/{span.pk}/decide/"), {"decision": "reject"}),
        (redaction_url(redaction, "confirm-detected/"), {}),
        (redaction_url(redaction, "passages/"), {"passage": NAME, "kind": "name"}),
        (redaction_url(redaction, "publish/"), {"version": redaction.version}),
        (redaction_url(redaction, "withdraw/"), {}),
    ]:
        assert outsider.post(url, data).status_code == 404
    assert Redaction.objects.count() == 1
    assert redaction.spans.filter(decision=SpanDecision.PROPOSED).count() == 4


def test_the_public_is_sent_to_sign_in(client, response):
    redaction = services.start_redaction(response.call.complaint, title="T", call_response=response)
    got = client.get(redaction_url(redaction))
    assert got.status_code == 302 and got["Location"].startswith("/account/sign-in/")


def test_staff_start_from_an_evidence_document(staff, response):
    from tests.evidence import documents
    from tests.redaction.support import as_evidence, docx_with

    complaint = response.call.complaint
    document = as_evidence(complaint, "account.docx", docx_with(f"Ring me on {PHONE}."), documents.DOCX)
    item = complaint.evidence_items.get(document=document)
    page = staff.get(f"/casework/complaints/{complaint.reference}/").content.decode()
    assert f"/casework/complaints/{complaint.reference}/evidence/{item.pk}/redact/" in page
    started = staff.post(
        f"/casework/complaints/{complaint.reference}/evidence/{item.pk}/redact/", {"title": "An account"}
    )
    redaction = Redaction.objects.get()
    assert started["Location"] == redaction_url(redaction)
    assert redaction.document == document
    assert [redaction.source_text[s.start : s.end] for s in redaction.spans.all()] == [PHONE]
