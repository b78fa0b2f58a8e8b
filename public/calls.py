"""The public pages of calls for evidence: the call with its form, and the receipt.

A response needs no account and works without JavaScript. Spam is resisted without any third
party: a honeypot field people never see, a signed timestamp that refuses forms sent faster than
a person could (``CALL_RESPONSE_MIN_SECONDS``), and a rate limit per address
(``CALL_RESPONSE_RATE_LIMIT_PER_HOUR``, counted like the other limits in ``common.ratelimit``). A
refused form is shown again with everything typed kept, and nothing is saved.

A response may carry up to ``calls.services.MAX_FILES`` files. Each is checked here first
(``evidence.checks.inspect``), then stored through the one entry point,
``evidence.services.store_document`` (which checks it again and scans it), only once everything
else about the response is right; if the response is then refused, the stored files are removed.
A browser cannot fill a file input in again, so a form shown again asks for the files once more.

These pages are never stored by the public page cache, and say ``no-store``: the form carries a
CSRF token and, once sent, what the person wrote.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from calls import consent as consent_text
from calls.models import CallForEvidence, CallQuestion, CallResponse
from calls.selectors import published_call
from calls.services import MAX_ANSWER_LENGTH, MAX_FILES, CallError, submit_response
from common import ratelimit
from common.forms import GovukForm
from deadlines.rules import to_london_date
from evidence import checks
from evidence.models import Document
from evidence.services import delete_document, store_document
from public.selectors import localised_text

STARTED_SALT = "public.calls.started"
RECEIPT_SALT = "public.calls.receipt"
# How long the receipt page can be opened again (the code is on it, to write down).
RECEIPT_MAX_AGE = 2 * 60 * 60
# A form opened longer ago than this is refused as out of date (a week to write an account).
STARTED_MAX_AGE = 7 * 24 * 60 * 60
RATE_LIMIT_NAME = "call-response"


def started_token(call_pk: int, at: float | None = None) -> str:
    """The signed moment the form was opened, for its hidden ``started`` field."""
    return signing.dumps({"call": call_pk, "t": int(time.time() if at is None else at)}, salt=STARTED_SALT)


def seconds_since_started(token: str, call_pk: int, now: float | None = None) -> float | None:
    """How long ago the form was opened, or None if the token is missing, forged, for another call
    or older than ``STARTED_MAX_AGE``."""
    try:
        value = signing.loads(token, salt=STARTED_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("call") != call_pk or not isinstance(value.get("t"), int):
        return None
    elapsed = (time.time() if now is None else now) - value["t"]
    if elapsed < 0 or elapsed > STARTED_MAX_AGE:
        return None
    return elapsed


class AnswerField(forms.CharField):
    """A long answer. Line breaks count as one character, as the character count shows them
    (browsers send each as two)."""

    def to_python(self, value: Any) -> str:
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")
        return str(super().to_python(value))


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Any number of files from one ``<input type="file" multiple>``; cleans to a list (empty when
    none was chosen)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        chosen = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        return [single(d, initial) for d in chosen]


class CallResponseForm(GovukForm):
    anonymous = forms.ChoiceField(
        label=gettext_lazy("Do you want to answer anonymously?"),
        choices=[
            ("yes", gettext_lazy("Yes, do not ask for my name")),
            ("no", gettext_lazy("No, I will give my name or email address")),
        ],
        initial="yes",
        help_text=gettext_lazy(
            "If you answer anonymously we will not know who you are, and cannot contact you."
        ),
        error_messages={"required": gettext_lazy("Select whether you want to answer anonymously")},
    )
    name = forms.CharField(
        label=gettext_lazy("Your name (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email address (optional)"),
        help_text=gettext_lazy("Only if you are happy for us to contact you about your answers."),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": gettext_lazy("Enter an email address in the correct format, like name@example.com")
        },
    )
    attachments = FilesField(
        label=gettext_lazy("Attach files (optional)"),
        required=False,
        max_length=255,
    )
    consent = forms.BooleanField(
        label=consent_text.AGREEMENT,
        error_messages={"required": gettext_lazy("Confirm that you agree to how we will use your answers")},
    )
    consent_version = forms.CharField(widget=forms.HiddenInput, initial=consent_text.CURRENT_VERSION)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people (and screen readers), left empty by them; bots fill it in.
    website = forms.CharField(label=gettext_lazy("Leave this empty"), required=False)

    def __init__(self, *args: Any, call: CallForEvidence, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.question_fields: list[tuple[str, CallQuestion, str]] = []
        for question in call.questions.all():
            text, lang = localised_text(question, "text")
            label = f"{question.position}. {text}"
            if not question.required:
                label = _("%(question)s (optional)") % {"question": label}
            name = f"answer_{question.pk}"
            self.fields[name] = AnswerField(
                label=label,
                required=question.required,
                max_length=MAX_ANSWER_LENGTH,
                widget=forms.Textarea(attrs={"rows": 8}),
                error_messages={
                    "required": _("Answer question %(number)d") % {"number": question.position},
                    "max_length": _("Answer %(number)d must be %(count)s characters or fewer")
                    % {"number": question.position, "count": f"{MAX_ANSWER_LENGTH:,}"},
                },
            )
            self.question_fields.append((name, question, lang))
        self.fields["attachments"].help_text = _(
            "You can attach up to %(count)d files, each a %(types)s file of %(limit)s or smaller. "
            "Before you attach a file, take out any names, addresses or other details you do not "
            "want to share."
        ) % {
            "count": MAX_FILES,
            "types": checks.accepted_labels(),
            "limit": checks.size_label(checks.max_file_size()),
        }

    @property
    def files_chosen(self) -> bool:
        """Files came with the form (a browser sends them once: shown again, they must be chosen
        again)."""
        return self.is_bound and any(f.name for f in self.files.getlist(self.add_prefix("attachments")))

    def clean_attachments(self) -> list[Any]:
        uploads: list[Any] = self.cleaned_data.get("attachments") or []
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(
                _("Choose up to %(count)d files. You chose %(chosen)d.")
                % {"count": MAX_FILES, "chosen": len(uploads)},
                code="too_many",
            )
        problems = []
        for upload in uploads:
            try:
                checks.inspect(upload)
            except checks.UploadRejected as rejected:
                problems.append(forms.ValidationError(str(rejected), code="rejected"))
        if problems:
            raise forms.ValidationError(problems)
        if sum(u.size or 0 for u in uploads) > checks.max_submission_size():
            raise forms.ValidationError(
                _("The files you attach must be %(limit)s or smaller in total.")
                % {"limit": checks.size_label(checks.max_submission_size())},
                code="too_large",
            )
        return uploads

    @property
    def questions(self) -> list[tuple[forms.BoundField, str]]:
        return [(self[name], lang) for name, _question, lang in self.question_fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answers = self.answers()
        if self.question_fields and not any(answers.values()) and not self.errors:
            self.add_error(None, _("Answer at least one question"))
        return cleaned

    def answers(self) -> dict[int, str]:
        data = getattr(self, "cleaned_data", {})
        return {question.pk: data.get(name) or "" for name, question, _lang in self.question_fields}

    def is_spam(self) -> bool:
        """The honeypot was filled in, or the form came back faster than a person could fill it
        in, or without a valid timestamp."""
        if (self.data.get(self.add_prefix("website")) or "").strip():
            return True
        elapsed = seconds_since_started(str(self.data.get(self.add_prefix("started")) or ""), self.call.pk)
        return elapsed is None or elapsed < settings.CALL_RESPONSE_MIN_SECONDS

    def restart(self) -> None:
        """Give the form shown again a fresh timestamp (the person sends it again from now)."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data[self.add_prefix("started")] = started_token(self.call.pk)
        data[self.add_prefix("website")] = ""
        self.data = data


def _store_files(uploads: list[Any]) -> list[Document]:
    """Store each file (``store_document``). If one is refused (a virus), those stored before it
    are removed again and ``UploadRejected`` is raised for it."""
    stored: list[Document] = []
    try:
        for upload in uploads:
            stored.append(
                store_document(upload, submission_total=sum(d.size for d in stored), withhold_name=True)
            )
    except checks.UploadRejected:
        _remove(stored)
        raise
    return stored


def _remove(documents: list[Document]) -> None:
    for document in documents:
        delete_document(document, withhold_name=True)


def _send(form: CallResponseForm, call: CallForEvidence, *, at: Any) -> CallResponse | None:
    """Store the files, then record the response (``submit_response``). A refusal of either is
    put on the form, and leaves nothing stored; returns None then."""
    try:
        documents = _store_files(form.cleaned_data["attachments"])
    except checks.UploadRejected as rejected:
        form.add_error("attachments", str(rejected))
        return None
    try:
        return submit_response(
            call,
            answers=form.answers(),
            consent_given=form.cleaned_data["consent"],
            consent_version=form.cleaned_data["consent_version"],
            anonymous=form.cleaned_data["anonymous"] == "yes",
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            language="cy" if (translation.get_language() or "").startswith("cy") else "en",
            documents=documents,
            at=at,
        )
    except CallError as error:
        _remove(documents)
        form.add_error(None, str(error))
        return None
    except BaseException:
        _remove(documents)
        raise


def _call_or_404(reference: str, pk: int) -> CallForEvidence:
    call = published_call(reference, pk)
    if call is None:
        raise Http404(_("There is no call for evidence at this address."))
    return call


def _rate_limited(request: HttpRequest) -> int | None:
    limit = ratelimit.Limit(RATE_LIMIT_NAME, settings.CALL_RESPONSE_RATE_LIMIT_PER_HOUR, 60 * 60)
    return ratelimit.hit(limit, ratelimit.client_address(request))


@never_cache
@require_http_methods(["GET", "POST"])
def call(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    found = _call_or_404(reference, pk)
    now = timezone.now()
    status = 200
    if request.method == "POST":
        form = CallResponseForm(request.POST, request.FILES, call=found)
        wait = _rate_limited(request)
        if wait:
            form.full_clean()
            form.add_error(
                None,
                _(
                    "We have had too many responses from your internet connection in the last hour. "
                    "Your answers have not been sent yet. Wait %(minutes)d minutes, then send them again."
                )
                % {"minutes": max(1, -(-wait // 60))},
            )
            status = 429
        elif form.is_valid():
            if form.is_spam():
                form.add_error(
                    None,
                    _(
                        "We could not accept your answers because the form was sent too quickly. "
                        "Your answers have not been sent yet: check them, then send them again."
                    ),
                )
                form.restart()
            else:
                sent = _send(form, found, at=now)
                if sent is not None:
                    token = signing.dumps(sent.receipt_code, salt=RECEIPT_SALT)
                    return redirect(reverse("public:call_receipt", args=[reference, found.pk, token]))
    else:
        form = CallResponseForm(call=found, initial={"started": started_token(found.pk)})
    return TemplateResponse(
        request,
        "public/calls/call.html",
        {
            "call": found,
            "complaint": found.complaint,
            "form": form,
            "is_open": found.is_open(now),
            "has_closed": found.has_closed(now),
            "consent_texts": consent_text.texts(consent_text.CURRENT_VERSION),
            "signposts": list(found.signposts.all()),
            "accepted_extensions": checks.accepted_extensions(),
            "nav_section": "register",
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET"])
def receipt(request: HttpRequest, reference: str, pk: int, token: str) -> HttpResponse:
    """The receipt: the code and the day, nothing of what was written or who wrote it."""
    found = _call_or_404(reference, pk)
    try:
        code = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        raise Http404(_("This receipt link has expired. If you sent answers, we received them.")) from None
    response = found.responses.filter(receipt_code=code).only("receipt_code", "submitted_at").first()
    if response is None:
        raise Http404(_("There is no receipt at this address."))
    return TemplateResponse(
        request,
        "public/calls/receipt.html",
        {
            "call": found,
            "complaint": found.complaint,
            "receipt_code": response.receipt_code,
            "submitted_on": to_london_date(response.submitted_at),
            "nav_section": "register",
        },
    )
