"""A change that publishes nothing purges nothing; a public change purges the pages that show it
(and, for one complaint's material, only that complaint's pages and the lists)."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import User
from audit.services import record_event
from complaints import drafts
from complaints import services as complaints
from deadlines.services import record_holiday_override
from organisations.models import Organisation
from outbox.services import enqueue_message
from pagecache import purges
from pagecache.models import CacheVersion
from recommendations.models import Obligation, Response, ResponseState, ResponseStatus
from recommendations.services import set_obligation_due
from reports.services import create_report
from tests.builders import london, make_draft, org
from tests.casework.support import make_person
from tests.conftest import once_per_module, refetched
from tests.public.seed import investigating, publish_response, published_case

pytestmark = pytest.mark.django_db


def tokens() -> dict[str, str]:
    return dict(CacheVersion.objects.values_list("scope", "token"))


def cache_state(client, *urls: str) -> list[str]:
    return [client.get(url)["X-Public-Cache"] for url in urls]


_case = once_per_module(published_case)
_other = once_per_module(lambda: investigating("Police response to stalking", body="Suzy Lamplugh Trust"))


@pytest.fixture
def case(_case, db):
    return refetched(_case)


@pytest.fixture
def other(_other, db):
    """A second public complaint whose pages no change to ``case`` may purge."""
    return refetched(_other)


def page(complaint, suffix: str = "") -> str:
    return f"/super-complaints/{complaint.reference}/{suffix}"


# Private changes: every version stays as it was.


def test_a_draft_autosave_purges_nothing(client, django_capture_on_commit_callbacks, case):
    draft = make_draft("Hestia", title="A draft")
    client.get(page(case.complaint))
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        drafts.update_about(
            draft,
            title="A new title",
            subject="About",
            harm_explanation="Harm",
            expected_version=draft.version,
        )
    assert tokens() == before
    assert client.get(page(case.complaint))["X-Public-Cache"] == "hit"


def test_staff_work_on_a_public_complaint_purges_nothing(client, django_capture_on_commit_callbacks, case):
    staff, _device = make_person("iopc")
    client.get(page(case.complaint))
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        complaints.add_internal_note(case.complaint, text="Call the force on Monday.")
        complaints.assign_caseworker(case.complaint, caseworker=staff)
    assert tokens() == before
    assert client.get(page(case.complaint))["X-Public-Cache"] == "hit"


def test_editing_an_unpublished_report_purges_nothing(client, django_capture_on_commit_callbacks, other):
    report = create_report(other, title="Stalking report")
    client.get(page(other))
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        report.title = "Stalking report, second draft"
        report.save()
    assert tokens() == before
    assert client.get(page(other))["X-Public-Cache"] == "hit"


def test_building_a_draft_report_purges_nothing(client, django_capture_on_commit_callbacks, other):
    from reports.models import ReportSection
    from reports.services import add_passage, propose_exclusion

    staff, _device = make_person("college")
    report = create_report(other, title="Stalking report")
    client.get(page(other))
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        passage = add_passage(report, section=ReportSection.CONCLUSIONS, text="Victims were let down.")
        propose_exclusion(passage, ground="safety", reason="Names a refuge", by=staff)
    assert tokens() == before
    assert client.get(page(other))["X-Public-Cache"] == "hit"


def test_passages_and_exclusions_are_declared_public():
    """The published report is made of its passages, less the excluded: both are read through
    ``PUBLIC``, so a change to a published report's content could never be served stale."""
    assert {"reports.ReportPassage", "reports.Exclusion"} <= set(purges.PUBLIC)
    assert ("recommendations.Recommendation", "excluded_organisations") in purges.PUBLIC_LINKS


def test_a_draft_response_purges_nothing(django_capture_on_commit_callbacks, case):
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        response = Response.objects.create(obligation=obligation, reasons="Thinking about it")
        response.reasons = "Still thinking"
        response.save()
    assert tokens() == before


def test_a_message_a_sign_in_and_an_event_about_a_private_object_purge_nothing(
    client, django_capture_on_commit_callbacks, case
):
    user = User.objects.create_user(email="reader@example.org", password="a long password 123")
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_message(
            to=["someone@example.org"],
            subject="A subject",
            template="complaints/letters/email.txt",
            context={"reference": case.complaint.reference, "text": "Text"},
            dedupe_key="pagecache:1",
            about=case.complaint,
        )
        record_event(action="account.signed_in", obj=user)
        record_event(action="complaint.note_added", obj=case.complaint)
    client.force_login(user)
    assert tokens() == before


# Public changes: the pages showing them change on the next request.


def test_a_published_response_purges_its_complaint_and_the_lists_only(
    client, django_capture_on_commit_callbacks, case, other
):
    recommendations = page(case.complaint, "recommendations/")
    assert (
        cache_state(client, recommendations, page(other), "/super-complaints/", "/api/v1/recommendations")
        == ["miss"] * 4
    )
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])

    with django_capture_on_commit_callbacks(execute=True):
        publish_response(obligation, status=ResponseStatus.ACCEPTED, submitted=london(2026, 6, 10, 9))

    fresh = client.get(recommendations)
    assert fresh["X-Public-Cache"] == "miss"
    assert "Accepted, on time" in fresh.content.decode()
    assert client.get("/super-complaints/")["X-Public-Cache"] == "miss"
    api = client.get("/api/v1/recommendations")
    assert api["X-Public-Cache"] == "miss"
    assert '"status": "accepted"' in api.content.decode() or '"status":"accepted"' in api.content.decode()
    # Another complaint's page shows nothing of it and is served from the cache still.
    assert client.get(page(other))["X-Public-Cache"] == "hit"


def test_a_published_response_leaves_the_report_and_its_pdf_stored(
    client, django_capture_on_commit_callbacks, case
):
    report, pdf = page(case.complaint, "report/"), page(case.complaint, "report.pdf")
    assert cache_state(client, report, pdf) == ["miss", "miss"]
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])

    with django_capture_on_commit_callbacks(execute=True):
        publish_response(obligation, status=ResponseStatus.ACCEPTED, submitted=london(2026, 6, 10, 9))

    # The report shows no response: its page and PDF are served as stored, while its complaint's
    # page, which shows the response, is rendered afresh.
    assert cache_state(client, report, pdf, page(case.complaint)) == ["hit", "hit", "miss"]


def test_a_report_passage_edited_purges_the_report_and_its_pdf(
    client, django_capture_on_commit_callbacks, case
):
    report, pdf = page(case.complaint, "report/"), page(case.complaint, "report.pdf")
    assert cache_state(client, report, pdf) == ["miss", "miss"]
    passage = case.report.passages.order_by("pk").first()

    with django_capture_on_commit_callbacks(execute=True):
        passage.text = "A conclusion corrected after publication."
        passage.save()

    fresh = client.get(report)
    assert fresh["X-Public-Cache"] == "miss"
    assert "A conclusion corrected after publication." in fresh.content.decode()
    assert client.get(pdf)["X-Public-Cache"] == "miss"


def test_a_response_withdrawn_from_publication_leaves_the_pages(
    client, django_capture_on_commit_callbacks, case
):
    url = page(case.complaint, "recommendations/")
    assert "Accepted, on time" in client.get(url).content.decode()
    response = Response.objects.get(explanation="We accept it in full.")

    with django_capture_on_commit_callbacks(execute=True):
        response.state = ResponseState.DRAFT
        response.save()

    fresh = client.get(url)
    assert fresh["X-Public-Cache"] == "miss"
    assert "Accepted, on time" not in fresh.content.decode()


def test_a_new_deadline_for_an_addressee_purges_its_complaint(
    client, django_capture_on_commit_callbacks, case
):
    url = page(case.complaint)
    client.get(url)
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])

    with django_capture_on_commit_callbacks(execute=True):
        set_obligation_due(obligation, due=datetime.date(2026, 9, 30), explanation="A new date")

    fresh = client.get(url)
    assert fresh["X-Public-Cache"] == "miss"
    assert "30 September 2026" in fresh.content.decode()


def test_an_organisation_renamed_purges_every_page(client, django_capture_on_commit_callbacks, case, other):
    assert cache_state(client, page(case.complaint), page(other), "/api/v1/organisations") == ["miss"] * 3
    kent = org("Kent Police")

    with django_capture_on_commit_callbacks(execute=True):
        kent.name = "Kent and Medway Police"
        kent.save()

    fresh = client.get(page(case.complaint, "recommendations/"))
    assert "Kent and Medway Police" in fresh.content.decode()
    assert cache_state(client, page(case.complaint), page(other)) == ["miss", "miss"]
    assert "Kent and Medway Police" in client.get("/api/v1/organisations?limit=200").content.decode()
    assert Organisation.objects.filter(name="Kent and Medway Police").exists()


def test_a_holiday_table_change_purges_every_page(client, django_capture_on_commit_callbacks, case):
    client.get(page(case.complaint))
    with django_capture_on_commit_callbacks(execute=True):
        record_holiday_override(
            day=datetime.date(2026, 6, 8), action="add", name="A new bank holiday", reason="Proclaimed"
        )
    assert client.get(page(case.complaint))["X-Public-Cache"] == "miss"


def test_a_withdrawal_purges_the_complaint_and_the_lists(client, django_capture_on_commit_callbacks, other):
    client.get(page(other))
    client.get("/super-complaints/")
    with django_capture_on_commit_callbacks(execute=True):
        complaints.withdraw_complaint(other, reason="Resolved")
    assert "Withdrawn" in client.get(page(other)).content.decode()
    assert client.get("/super-complaints/")["X-Public-Cache"] == "miss"


def test_a_rolled_back_change_purges_nothing(django_capture_on_commit_callbacks, case):
    before = tokens()
    with django_capture_on_commit_callbacks(execute=False):
        kent = org("Kent Police")
        kent.name = "Renamed"
        kent.save()
    assert tokens() == before


def test_a_model_not_declared_public_is_private():
    from complaints.models import InternalNote
    from outbox.models import Message

    assert "complaints.InternalNote" not in purges.PUBLIC
    assert purges.scopes_of(InternalNote()) == frozenset()
    assert purges.scopes_of(Message()) == frozenset()


def test_every_declared_model_and_link_exists():
    from django.apps import apps

    for label in purges.PUBLIC:
        assert apps.get_model(label)
    for label, name in purges.PUBLIC_LINKS:
        assert getattr(apps.get_model(label), name).through


def test_a_report_published_under_embargo_brings_the_sites_lapse_forward(
    django_capture_on_commit_callbacks, other
):
    from django.utils import timezone

    from pagecache.cache import complaint_scope, current_state
    from reports.publication import publish_report
    from tests.builders import sign_off_all

    current_state(complaint_scope(other.reference))
    embargo = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=90)
    with django_capture_on_commit_callbacks(execute=True):
        report = create_report(other, title="Drones")
    with django_capture_on_commit_callbacks(execute=True):
        publish_report(sign_off_all(report), embargo_until=embargo)

    assert CacheVersion.objects.get(scope="site").valid_until == embargo


def test_a_purge_never_moves_the_lapse_later(django_capture_on_commit_callbacks, case):
    from django.utils import timezone

    from pagecache.cache import complaint_scopes, current_state, purge_scopes

    current_state()
    soon = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=30)
    CacheVersion.objects.filter(scope="site").update(valid_until=soon)
    purge_scopes(complaint_scopes(case.complaint.reference))
    assert CacheVersion.objects.get(scope="site").valid_until == soon


def test_a_transaction_of_many_public_changes_writes_each_version_once(
    django_capture_on_commit_callbacks, case
):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    obligations = list(Obligation.objects.filter(recommendation__report__complaint=case.complaint))
    assert len(obligations) == 3
    before = tokens()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(5):  # 15 saves, each showing on the same pages
            for obligation in obligations:
                obligation.save()
    assert len(callbacks) >= 15  # one a save, so none depends on another's savepoint
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    writes = [
        q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"] and "cacheversion" in q["sql"]
    ]
    assert len(writes) == 1
    after = tokens()
    scope = f"complaint:{case.complaint.reference}"
    assert after[scope] != before.get(scope) and after["register"] != before.get("register")

    # The next change, after that commit, purges again.
    with django_capture_on_commit_callbacks(execute=True):
        obligations[0].save()
    assert tokens()[scope] != after[scope]
