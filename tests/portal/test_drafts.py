"""The task list and each section of a draft super-complaint, through the pages."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from audit.models import AuditEvent
from complaints import drafts
from complaints.drafts import HarmText
from complaints.models import ComplaintState, ForcesScope, SuperComplaint
from organisations.models import Organisation
from tests.builders import org
from tests.portal.support import client_for, complete_draft, person

pytestmark = pytest.mark.django_db


def statuses(response) -> dict[str, str]:
    """Each task-list section's status, as the page shows it."""
    html = response.content.decode()
    found = re.findall(
        r'class="govuk-(?:link govuk-task-list__link" href="[^"]*" aria-describedby="[^"]*"|task-list__name-and-hint"><div)>([^<]+)<.*?'
        r'class="govuk-task-list__status[^"]*" id="task-[a-z]+-status">\s*(?:<strong class="govuk-tag govuk-tag--blue">)?([^<]+?)\s*<',
        html,
        flags=re.S,
    )
    return dict(found)


def value_of(response, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', response.content.decode())
    assert match, f"no input named {name}"
    return match.group(1)


@pytest.fixture
def draft(hestia):
    response = hestia.post("/portal/new/", {"body": str(org("Hestia").pk), "language": "en"})
    complaint = SuperComplaint.objects.get(state="draft")
    assertRedirects(response, f"/portal/drafts/{complaint.pk}/")
    return complaint


def test_starting_creates_a_draft_for_the_body_and_shows_the_task_list(hestia, draft):
    assert draft.state == ComplaintState.DRAFT
    assert [b.name for b in draft.complainants.all()] == ["Hestia"]
    assert draft.created_by.email == "policy@hestia.example"
    event = AuditEvent.objects.get(action="complaint.draft_created")
    assert event.object_id == str(draft.pk)
    assert event.actor_label == "policy@hestia.example"

    response = hestia.get(f"/portal/drafts/{draft.pk}/")
    assert statuses(response) == {
        "About the complaint": "Not yet started",
        "Features of policing": "Not yet started",
        "Forces concerned": "Not yet started",
        "Evidence": "Not yet started",
        "Contact": "Not yet started",
        "Check your answers and submit": "Cannot start yet",
    }
    assertContains(response, "You have completed 0 of 5 sections.")


def test_a_member_of_two_bodies_chooses_which_body_makes_the_complaint(hestia_user, hestia):
    from accounts.models import Membership, Role

    Membership.objects.create(user=hestia_user, organisation=org("Galop"), role=Role.BODY_MEMBER)
    response = hestia.get("/portal/new/")
    assertContains(response, "Which designated body is making the super-complaint?")
    response = hestia.post("/portal/new/", {})
    assertContains(response, '<a href="#id_body">Select the body making the super-complaint</a>', html=True)
    hestia.post("/portal/new/", {"body": str(org("Galop").pk), "language": "en"})
    assert [b.name for b in SuperComplaint.objects.get(state="draft").complainants.all()] == ["Galop"]
    # A body the person does not act for is not offered, and cannot be forced.
    response = hestia.post("/portal/new/", {"body": str(org("Liberty").pk), "language": "en"})
    assert response.status_code == 200
    assert SuperComplaint.objects.filter(state="draft").count() == 1


def test_about_the_complaint_refuses_empty_answers_with_linked_errors(hestia, draft):
    response = hestia.post(f"/portal/drafts/{draft.pk}/about/", {"version": draft.version, "title": "  "})
    assert response.status_code == 200
    assertContains(response, "<title>Error: About the complaint – Police super-complaints</title>", html=True)
    assertContains(response, '<a href="#id_title">Enter a title</a>', html=True)
    assertContains(response, '<a href="#id_subject">Enter a summary of the complaint</a>', html=True)
    assertContains(
        response,
        '<a href="#id_harm_explanation">Explain why the features of policing are, or appear to be, '
        "significantly harming the interests of the public</a>",
        html=True,
    )
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("", 1)


def test_about_the_complaint_saves_and_marks_the_section_completed(hestia, draft):
    response = hestia.post(
        f"/portal/drafts/{draft.pk}/about/",
        {
            "version": 1,
            "title": "Police response to victims of modern slavery",
            "subject": "The support victims of modern slavery receive",
            "harm_explanation": "Victims are deterred from engaging with investigations.",
        },
    )
    assertRedirects(response, f"/portal/drafts/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.title == "Police response to victims of modern slavery"
    assert draft.version == 2
    event = AuditEvent.objects.get(action="complaint.about_updated")
    assert event.before == {"title": "", "subject": "", "harm_explanation": ""}
    assert event.after["title"] == "Police response to victims of modern slavery"
    assert statuses(hestia.get(f"/portal/drafts/{draft.pk}/"))["About the complaint"] == "Completed"


def test_a_title_over_300_characters_is_refused(hestia, draft):
    response = hestia.post(
        f"/portal/drafts/{draft.pk}/about/",
        {"version": 1, "title": "x" * 301, "subject": "s", "harm_explanation": "h"},
    )
    assertContains(response, '<a href="#id_title">Title must be 300 characters or fewer</a>', html=True)


def feature_data(version, text="Officers fail to recognise exploitation", **harms):
    data = {
        "version": version,
        "harm_count": 1,
        "text": text,
        "harm_0_description": "Victims are not identified",
        "harm_0_nature": "Continued exploitation",
        "harm_0_scale": "Across England and Wales",
        "harm_0_vulnerable_groups": "Migrant workers",
    }
    data.update(harms)
    return data


def test_an_empty_feature_is_refused_with_the_error_on_its_field(hestia, draft):
    response = hestia.post(
        f"/portal/drafts/{draft.pk}/features/add/",
        feature_data(
            1,
            text="   ",
            harm_0_description="",
            harm_0_nature="",
            harm_0_scale="",
            harm_0_vulnerable_groups="",
        ),
    )
    assert response.status_code == 200
    assertContains(response, '<a href="#id_text">Enter the feature of policing</a>', html=True)
    assertContains(
        response,
        '<a href="#id_harm_0_description">Describe at least one harm the feature causes</a>',
        html=True,
    )
    assertContains(
        response,
        '<p id="id_text-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        "Enter the feature of policing</p>",
        html=True,
    )
    assert draft.features.count() == 0


def test_a_harm_needs_its_nature_and_scale(hestia, draft):
    response = hestia.post(
        f"/portal/drafts/{draft.pk}/features/add/", feature_data(1, harm_0_nature="", harm_0_scale="")
    )
    assertContains(response, '<a href="#id_harm_0_nature">Describe the nature of harm 1</a>', html=True)
    assertContains(response, '<a href="#id_harm_0_scale">Describe the scale of harm 1</a>', html=True)
    # What was typed is still there.
    assertContains(response, "Victims are not identified</textarea>")
    assert draft.features.count() == 0


def test_adding_a_feature_with_its_harm(hestia, draft):
    response = hestia.post(f"/portal/drafts/{draft.pk}/features/add/", feature_data(1))
    assertRedirects(response, f"/portal/drafts/{draft.pk}/features/")
    feature = draft.features.get()
    assert (feature.position, feature.text) == (1, "Officers fail to recognise exploitation")
    harm = feature.harms.get()
    assert (harm.description, harm.nature, harm.scale, harm.vulnerable_groups) == (
        "Victims are not identified",
        "Continued exploitation",
        "Across England and Wales",
        "Migrant workers",
    )
    draft.refresh_from_db()
    assert draft.version == 2
    page = hestia.get(f"/portal/drafts/{draft.pk}/features/")
    assertContains(page, '<h2 class="govuk-summary-card__title">Feature 1</h2>', html=True)
    assert statuses(hestia.get(f"/portal/drafts/{draft.pk}/"))["Features of policing"] == "Completed"


def test_another_harm_is_added_and_removed_without_saving_and_without_losing_what_was_typed(hestia, draft):
    data = feature_data(1, add_harm="1")
    response = hestia.post(f"/portal/drafts/{draft.pk}/features/add/", data)
    assert response.status_code == 200
    assertNotContains(response, "govuk-error-summary")
    assertContains(
        response,
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Harm 2</legend>',
        html=True,
    )
    assertContains(response, "Officers fail to recognise exploitation</textarea>")
    assert value_of(response, "harm_count") == "2"
    assert draft.features.count() == 0
    # With two harms, each can be removed; with one, there is nothing to remove.
    assertContains(response, 'name="remove_harm" value="0"')
    assertContains(response, 'name="remove_harm" value="1"')

    two = {
        **feature_data(1),
        "harm_count": 2,
        "harm_1_description": "Victims are prosecuted",
        "harm_1_nature": "Criminalisation",
        "harm_1_scale": "Hundreds of cases",
        "harm_1_vulnerable_groups": "",
    }
    response = hestia.post(f"/portal/drafts/{draft.pk}/features/add/", {**two, "remove_harm": "0"})
    assert value_of(response, "harm_count") == "1"
    assertContains(response, "Victims are prosecuted</textarea>")
    assertNotContains(response, 'name="remove_harm"')
    assertNotContains(response, "Victims are not identified")

    hestia.post(f"/portal/drafts/{draft.pk}/features/add/", two)
    assert list(draft.features.get().harms.values_list("description", flat=True)) == [
        "Victims are not identified",
        "Victims are prosecuted",
    ]


def test_changing_a_feature_replaces_its_text_and_harms(hestia, hestia_user):
    complaint = complete_draft("Hestia", hestia_user)
    feature = complaint.features.get()
    response = hestia.get(f"/portal/drafts/{complaint.pk}/features/{feature.pk}/")
    assertContains(response, "Officers fail to recognise the signs of exploitation</textarea>")
    assert value_of(response, "version") == str(complaint.version)
    response = hestia.post(
        f"/portal/drafts/{complaint.pk}/features/{feature.pk}/",
        feature_data(complaint.version, text="A changed feature", harm_0_description="A changed harm"),
    )
    assertRedirects(response, f"/portal/drafts/{complaint.pk}/features/")
    feature.refresh_from_db()
    assert feature.text == "A changed feature"
    assert list(feature.harms.values_list("description", flat=True)) == ["A changed harm"]
    event = AuditEvent.objects.get(action="complaint.feature_updated")
    assert event.before["text"] == "Officers fail to recognise the signs of exploitation"
    assert event.after["harms"][0]["description"] == "A changed harm"


def three_features(user):
    complaint = drafts.create_draft(org("Hestia"), user)
    for n in (1, 2, 3):
        drafts.add_feature(complaint, text=f"Feature text {n}", harms=[HarmText(f"Harm {n}", "n", "s")])
    complaint.refresh_from_db()
    return complaint


def order(complaint):
    return list(complaint.features.order_by("position").values_list("text", flat=True))


def test_features_move_up_and_down_without_javascript(hestia, hestia_user):
    complaint = three_features(hestia_user)
    second = complaint.features.get(text="Feature text 2")
    page = hestia.get(f"/portal/drafts/{complaint.pk}/features/")
    assertContains(
        page,
        '<button type="submit" name="direction" value="up" class="govuk-button govuk-button--secondary" '
        'data-module="govuk-button">Move up<span class="govuk-visually-hidden"> feature 2</span></button>',
        html=True,
    )
    response = hestia.post(
        f"/portal/drafts/{complaint.pk}/features/{second.pk}/move/",
        {"version": complaint.version, "direction": "up"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/portal/drafts/{complaint.pk}/features/#feature-{second.pk}"
    assert order(complaint) == ["Feature text 2", "Feature text 1", "Feature text 3"]

    complaint.refresh_from_db()
    hestia.post(
        f"/portal/drafts/{complaint.pk}/features/{second.pk}/move/",
        {"version": complaint.version, "direction": "down"},
    )
    hestia.post(
        f"/portal/drafts/{complaint.pk}/features/{second.pk}/move/",
        {"version": complaint.version + 1, "direction": "down"},
    )
    assert order(complaint) == ["Feature text 1", "Feature text 3", "Feature text 2"]
    assert AuditEvent.objects.filter(action="complaint.feature_moved").count() == 3
    assert hestia.get(f"/portal/drafts/{complaint.pk}/features/{second.pk}/move/").status_code == 405


def test_a_move_from_a_stale_list_is_refused_in_plain_words(hestia, hestia_user):
    complaint = three_features(hestia_user)
    third = complaint.features.get(text="Feature text 3")
    response = hestia.post(
        f"/portal/drafts/{complaint.pk}/features/{third.pk}/move/",
        {"version": complaint.version - 1, "direction": "up"},
    )
    assert response.status_code == 200
    assertContains(
        response,
        "Someone else changed the features after you opened this page, so the feature was not moved. "
        "Check the list below, then move it again.",
    )
    assertContains(
        response, "<title>Error: Features of policing – Police super-complaints</title>", html=True
    )
    assert order(complaint) == ["Feature text 1", "Feature text 2", "Feature text 3"]


def test_removing_a_feature_asks_first_and_renumbers_the_rest(hestia, hestia_user):
    complaint = three_features(hestia_user)
    first = complaint.features.get(text="Feature text 1")
    page = hestia.get(f"/portal/drafts/{complaint.pk}/features/{first.pk}/remove/")
    assertContains(page, "Are you sure you want to remove feature 1?")
    assert complaint.features.count() == 3
    response = hestia.post(
        f"/portal/drafts/{complaint.pk}/features/{first.pk}/remove/", {"version": complaint.version}
    )
    assertRedirects(response, f"/portal/drafts/{complaint.pk}/features/", fetch_redirect_response=False)
    assert list(complaint.features.order_by("position").values_list("position", "text")) == [
        (1, "Feature text 2"),
        (2, "Feature text 3"),
    ]
    assertContains(hestia.get(response["Location"]), "Feature 1 has been removed.")
    assert AuditEvent.objects.get(action="complaint.feature_removed").before["text"] == "Feature text 1"


def test_forces_all_or_chosen_from_the_47(hestia, draft):
    page = hestia.get(f"/portal/drafts/{draft.pk}/forces/")
    assert page.content.decode().count('class="govuk-checkboxes__input"') == 47
    # The list of forces is always shown under "Only some forces": nothing needs JavaScript, and no
    # aria-expanded lands on a radio.
    assertContains(page, '<div class="govuk-radios__conditional" id="conditional-forces">')
    assertNotContains(page, "data-aria-controls")

    response = hestia.post(f"/portal/drafts/{draft.pk}/forces/", {"version": 1})
    assertContains(
        response, '<a href="#id_scope">Select which police forces the complaint concerns</a>', html=True
    )
    response = hestia.post(f"/portal/drafts/{draft.pk}/forces/", {"version": 1, "scope": "named"})
    assertContains(response, '<a href="#id_forces">Select the forces the complaint concerns</a>', html=True)

    gwent, dyfed = org("Gwent Police"), org("Dyfed-Powys Police")
    response = hestia.post(
        f"/portal/drafts/{draft.pk}/forces/", {"version": 1, "scope": "named", "forces": [gwent.pk, dyfed.pk]}
    )
    assertRedirects(response, f"/portal/drafts/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.forces_scope == ForcesScope.NAMED
    assert set(draft.forces.values_list("name", flat=True)) == {"Gwent Police", "Dyfed-Powys Police"}

    hestia.post(f"/portal/drafts/{draft.pk}/forces/", {"version": 2, "scope": "all", "forces": [gwent.pk]})
    draft.refresh_from_db()
    assert draft.forces_scope == ForcesScope.ALL
    assert draft.forces.count() == 0

    not_a_force = Organisation.objects.get(name="Liberty")
    response = hestia.post(
        f"/portal/drafts/{draft.pk}/forces/", {"version": 3, "scope": "named", "forces": [not_a_force.pk]}
    )
    assertContains(response, '<a href="#id_forces">Select forces from the list</a>', html=True)


def test_contact_is_offered_from_the_signed_in_person_and_checked(hestia, draft):
    page = hestia.get(f"/portal/drafts/{draft.pk}/contact/")
    assert value_of(page, "name") == "Pat Hestia"
    assert value_of(page, "email") == "policy@hestia.example"
    assert statuses(hestia.get(f"/portal/drafts/{draft.pk}/"))["Contact"] == "Not yet started"

    response = hestia.post(
        f"/portal/drafts/{draft.pk}/contact/",
        {"version": 1, "name": "Pat", "role": "", "email": "not an email", "phone": "call me"},
    )
    assertContains(response, '<a href="#id_role">Enter their role at the body</a>', html=True)
    assertContains(
        response,
        '<a href="#id_email">Enter an email address in the correct format, like name@example.com</a>',
        html=True,
    )
    assertContains(
        response,
        '<a href="#id_phone">Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192</a>',
        html=True,
    )
    response = hestia.post(
        f"/portal/drafts/{draft.pk}/contact/",
        {
            "version": 1,
            "name": "Pat Example",
            "role": "Policy lead",
            "email": "pat@hestia.example",
            "phone": "",
        },
    )
    assertRedirects(response, f"/portal/drafts/{draft.pk}/")
    draft.refresh_from_db()
    assert (draft.contact_name, draft.contact_role, draft.contact_email, draft.contact_phone) == (
        "Pat Example",
        "Policy lead",
        "pat@hestia.example",
        "",
    )


def test_a_stale_save_is_refused_and_keeps_what_the_second_person_typed(hestia, hestia_user):
    complaint = complete_draft("Hestia", hestia_user)
    opened_at = complaint.version
    colleague = client_for(person("colleague@hestia.example", org("Hestia")))

    first = colleague.post(
        f"/portal/drafts/{complaint.pk}/about/",
        {
            "version": opened_at,
            "title": "The colleague's title",
            "subject": "The colleague's summary",
            "harm_explanation": "The colleague's explanation",
        },
    )
    assert first.status_code == 302

    typed = {
        "version": opened_at,
        "title": "My title, typed over ten minutes",
        "subject": "My long summary",
        "harm_explanation": "My careful explanation of significant harm",
    }
    response = hestia.post(f"/portal/drafts/{complaint.pk}/about/", typed)
    assert response.status_code == 200
    assertContains(
        response,
        "Someone else saved changes to this complaint after you opened this page. Your changes have not been "
        "saved yet: check the latest version below, then save again.",
    )
    assert value_of(response, "title") == "My title, typed over ten minutes"
    assertContains(response, "My long summary</textarea>")
    assertContains(response, "My careful explanation of significant harm</textarea>")
    assertContains(response, "The colleague&#x27;s title")  # what is saved now, shown beside
    complaint.refresh_from_db()
    assert complaint.title == "The colleague's title"
    assert value_of(response, "version") == str(complaint.version)

    # Saving again from the refreshed form is a deliberate choice, and goes through.
    again = hestia.post(f"/portal/drafts/{complaint.pk}/about/", {**typed, "version": complaint.version})
    assert again.status_code == 302
    complaint.refresh_from_db()
    assert complaint.title == "My title, typed over ten minutes"


def test_a_stale_feature_change_keeps_the_typed_feature(hestia, hestia_user):
    complaint = complete_draft("Hestia", hestia_user)
    feature = complaint.features.get()
    drafts.update_about(
        complaint,
        title="Changed elsewhere",
        subject="s",
        harm_explanation="h",
        expected_version=complaint.version,
    )
    response = hestia.post(
        f"/portal/drafts/{complaint.pk}/features/{feature.pk}/",
        feature_data(complaint.version, text="My rewritten feature"),
    )
    assert response.status_code == 200
    assertContains(response, "Someone else saved changes to this complaint after you opened this page.")
    assertContains(response, "My rewritten feature</textarea>")
    feature.refresh_from_db()
    assert feature.text == "Officers fail to recognise the signs of exploitation"


def test_check_your_answers_shows_every_section_with_change_links(hestia, hestia_user):
    complaint = complete_draft("Hestia", hestia_user)
    assert set(statuses(hestia.get(f"/portal/drafts/{complaint.pk}/")).values()) == {
        "Completed",
        "Not yet started",
    }
    response = hestia.get(f"/portal/drafts/{complaint.pk}/check/")
    for text in (
        "Police response to victims of modern slavery",
        "How the police respond to victims",
        "Officers fail to recognise the signs of exploitation",
        "All forces in England and Wales",
        "underground-lives.pdf",
        "Pat Example",
        "020 7946 0000",
    ):
        assertContains(response, text)
    assertContains(
        response,
        f'<a class="govuk-link" href="/portal/drafts/{complaint.pk}/about/?return_to=check">Change'
        '<span class="govuk-visually-hidden"> the title</span></a>',
        html=True,
    )
    assertContains(response, f'href="/portal/drafts/{complaint.pk}/declaration/"')

    # A change made from check-your-answers comes back to it.
    response = hestia.post(
        f"/portal/drafts/{complaint.pk}/contact/",
        {
            "version": complaint.version,
            "name": "Sam Other",
            "role": "Director",
            "email": "sam@hestia.example",
            "phone": "",
            "return_to": "check",
        },
    )
    assertRedirects(response, f"/portal/drafts/{complaint.pk}/check/")


def test_check_your_answers_lists_what_is_incomplete_and_offers_no_way_on(hestia, draft):
    response = hestia.get(f"/portal/drafts/{draft.pk}/check/")
    assertContains(response, "Some sections are not complete yet.")
    assertContains(
        response, f'<a class="govuk-link" href="/portal/drafts/{draft.pk}/evidence/">Evidence</a>', html=True
    )
    assertNotContains(response, "Continue to the declaration")


def test_a_body_chooses_to_write_its_super_complaint_in_welsh(hestia):
    page = hestia.get("/cy/portal/new/").content.decode()
    assert '<html lang="cy"' in page
    assert 'lang="cy">Cymraeg</label>' in page
    assert 'lang="en">English</label>' in page

    refused = hestia.post("/cy/portal/new/", {"body": str(org("Hestia").pk)})
    assert refused.status_code == 200
    assert SuperComplaint.objects.filter(state="draft").count() == 0

    response = hestia.post("/cy/portal/new/", {"body": str(org("Hestia").pk), "language": "cy"})
    complaint = SuperComplaint.objects.get(state="draft")
    assertRedirects(response, f"/cy/portal/drafts/{complaint.pk}/")
    assert complaint.language == "cy"
    assert AuditEvent.objects.get(action="complaint.draft_created").after["language"] == "cy"

    welsh = "Ymateb yr heddlu i ddioddefwyr caethwasiaeth fodern: ŵyr, ŷd a’r iaith Gymraeg"
    version = SuperComplaint.objects.get(pk=complaint.pk).version
    saved = hestia.post(
        f"/cy/portal/drafts/{complaint.pk}/about/",
        {
            "version": version,
            "title": welsh,
            "subject": "Crynodeb o’r gŵyn",
            "harm_explanation": "Pam mae’r niwed yn sylweddol",
        },
    )
    assert saved.status_code == 302
    complaint.refresh_from_db()
    assert complaint.title == welsh
