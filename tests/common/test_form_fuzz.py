"""Every public and portal form, fuzzed: hypothesis fills each field the page's HTML offers with
anything (long, empty, control characters, other scripts, numbers, options the form never
offered, files of random bytes) and sends it; the answer is never a server error.

The forms are found by reading each page as its user sees it, so a field added to a form is
fuzzed without changing this test. Hypothesis is derandomized: every run sends the same inputs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from accuracy.services import open_accuracy_check
from deadlines.rules import to_london_date
from tests.accounts.support import make_device, sign_in_with_password
from tests.accuracy.scenario import draft_report
from tests.builders import org
from tests.calls.support import open_now
from tests.casework.support import signed_in
from tests.inquiries.scenario import force_user, send_to_five
from tests.portal.support import client_for, complete_draft, person

pytestmark = pytest.mark.django_db

EXAMPLES = 12


@dataclass
class Form:
    action: str
    method: str
    # name -> (kind, the value the page gave, the options a select or radio offered)
    fields: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)


class FormReader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = Form(
                urljoin(self.page, a.get("action") or self.page), a.get("method", "get").lower()
            )
            self.forms.append(self.current)
        if self.current is None or not a.get("name"):
            return
        name = a["name"]
        fields = self.current.fields
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image"):
                return
            old = fields.get(name)
            options = (old[2] if old else []) + (
                [a.get("value", "")] if kind in ("radio", "checkbox") else []
            )
            fields[name] = (kind, a.get("value", "") if kind not in ("radio", "checkbox") else "", options)
        elif tag == "textarea":
            fields[name] = ("textarea", "", [])
        elif tag == "select":
            fields[name] = ("select", "", [])
            self.select = name
        elif tag == "option" and self.select:
            kind, value, options = fields[self.select]
            fields[self.select] = (kind, value, [*options, a.get("value", "")])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_of(client, path: str) -> list[Form]:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    reader = FormReader(path)
    reader.feed(response.content.decode())
    # The sign-out button in the header is on every page: not this page's form.
    return [f for f in reader.forms if not urlsplit(f.action).path.startswith("/account/sign-out")]


NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "99999999999999999999",
        "2026-02-30",
        "\x00",
        "\u202e",
        "<script>x</script>",
        "' OR 1=1 --",
        "%(name)s",
        "{{ x }}",
        "a" * 5000,
        "é" * 300,
        "😀",
        "\r\n\r\n",
        "null",
        "[]",
    ]
)


def value_for(kind: str, value: str, options: list[str]) -> st.SearchStrategy:
    choices = [st.text(max_size=300), NASTY]
    if value:
        choices.append(st.just(value))
    if options:
        choices.append(st.sampled_from(options))
    if kind == "file":
        return st.binary(max_size=2000).map(lambda data: SimpleUploadedFile("fuzz.pdf", data))
    return st.one_of(choices)


def _fuzz_form(client, form: Form) -> None:
    strategies = {
        name: st.one_of(st.none(), value_for(kind, value, options))
        for name, (kind, value, options) in form.fields.items()
        if name != "csrfmiddlewaretoken"
    }

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.fixed_dictionaries(strategies))
    def send(values: dict) -> None:
        data = {name: value for name, value in values.items() if value is not None}
        if form.method == "post":
            response = client.post(form.action, data)
        else:
            response = client.get(form.action, {k: v for k, v in data.items() if isinstance(v, str)})
        assert response.status_code < 500, (form.action, data, response.status_code)

    send()


def fuzz(client, path: str) -> int:
    """Fuzz every form on ``path``; returns how many forms."""
    forms = forms_of(client, path)
    assert forms, f"{path} has no form"
    for form in forms:
        _fuzz_form(client, form)
    return len(forms)


def test_the_public_forms_never_answer_with_a_server_error(client, public_record):
    call = open_now()
    paths = [
        "/search/",
        "/super-complaints/",
        f"/super-complaints/{call.complaint.reference}/calls-for-evidence/{call.pk}/",
        "/account/sign-in/",
        "/account/password-reset/",
    ]
    assert sum(fuzz(client, path) for path in paths) >= len(paths)


def test_the_security_code_form_never_answers_with_a_server_error(client, public_record):
    user = person("policy@hestia.example", org("Hestia"))
    make_device(user)
    assert sign_in_with_password(client, user.email)["Location"] == "/account/sign-in/code/"
    assert fuzz(client, "/account/sign-in/code/") == 1


def test_the_portal_forms_of_a_body_never_answer_with_a_server_error(public_record):
    user = person("policy@hestia.example", org("Hestia"))
    hestia = client_for(user)
    draft = complete_draft("Hestia", user)
    feature = draft.features.get()
    from complaints import services

    sent = services.submit_complaint(complete_draft("Hestia", user, title="Sent"))
    d = f"/portal/drafts/{draft.pk}"
    for path in [
        "/portal/new/",
        f"{d}/about/",
        f"{d}/features/add/",
        f"{d}/features/{feature.pk}/",
        f"{d}/forces/",
        f"{d}/evidence/",
        f"{d}/contact/",
        f"{d}/declaration/",
        f"/portal/complaints/{sent.reference}/withdraw/",
    ]:
        fuzz(hestia, path)


def test_the_portal_forms_of_the_home_office_and_forces_never_answer_with_a_server_error(public_record):
    officer = client_for(person("officer@homeoffice.example", org("Home Office"), Role.DESIGNATIONS))
    galop = org("Galop")
    for path in [
        "/portal/designations/new/",
        f"/portal/designations/{galop.slug}/assess/designation/",
        f"/portal/designations/{galop.slug}/designations/{galop.designations.get().pk}/revoke/",
    ]:
        fuzz(officer, path)

    request = send_to_five()
    kent_user = force_user("Kent Police", "kent@example.police.uk")
    kent = signed_in(kent_user, make_device(kent_user))
    fuzz(kent, f"/portal/information-requests/{request.force_requests.get(force__name='Kent Police').pk}/")

    draft = draft_report()
    check = open_accuracy_check(
        draft.report,
        closes_on=to_london_date(datetime.datetime.now(datetime.UTC)) + datetime.timedelta(days=14),
    )
    gwent_user = force_user("Gwent Police", "gwent@example.police.uk")
    gwent = signed_in(gwent_user, make_device(gwent_user))
    fuzz(gwent, f"/portal/accuracy-checks/{check.addressees.get(organisation__name='Gwent Police').pk}/")
