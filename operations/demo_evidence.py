"""The demonstration's call for evidence, and what staff do with its responses: grouped into
themes, one response being redacted for publication, and a legal hold (``manage.py demo_lifecycle``).

All of it sits on the demonstration complaint under investigation, built through the services a
person's actions call (``calls``, ``themes``, ``redaction``, ``retention``). Each piece is found
again by its title or reason, so running twice creates nothing the second time, and a piece a
person has since changed (the call closed, the extract published, the hold lifted) is left as they
left it. Responses have no demonstration flag, so each carries the staff tag "Demonstration data".

The 30 responses are invented, on four topics, so the grouping finds four themes; the four in
Welsh form a fifth (the model reads English), which staff can move to their themes. One response
holds an e-mail address at example.org (a domain kept for examples), a phone number from Ofcom's
range for drama and a postcode in a district of PO boxes, so detection has something to propose.
Responses are never shown publicly; the call itself is, like any call, with its complaint's
"Demonstration" tag.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from calls import services as calls
from calls.models import CallForEvidence, CallResponse
from complaints.models import SuperComplaint
from deadlines.rules import start_of_london_day, to_london_date
from redaction.models import Redaction
from redaction.services import start_redaction
from retention.models import LegalHold
from retention.services import place_hold
from themes import embedding
from themes.models import ThemeAnalysis
from themes.services import run_analysis, start_analysis

CALL_TITLE = "Demonstration call for evidence: referrals to support after reporting to the police"
CALL_TITLE_CY = "Galwad am dystiolaeth enghreifftiol: atgyfeirio at gymorth ar ôl rhoi gwybod i'r heddlu"
CALL_INTRODUCTION = (
    "Demonstration data: this call for evidence is invented to show the service. It is not a real call, "
    "and the responses to it were written for the demonstration."
)
CALL_INTRODUCTION_CY = (
    "Data enghreifftiol: mae'r alwad hon am dystiolaeth wedi'i dyfeisio i ddangos y gwasanaeth. Nid yw'n "
    "alwad go iawn."
)
CALL_WEEKS = 8
QUESTIONS = (
    calls.QuestionSpec(
        "What happened when you reported to the police?",
        "Beth ddigwyddodd pan roesoch wybod i'r heddlu?",
        required=True,
    ),
    calls.QuestionSpec("What would have helped you?", "Beth fyddai wedi eich helpu?"),
)
TAG = "Demonstration data"
REDACTION_TITLE = "Demonstration extract: a response about referrals to support"
HOLD_REASON = (
    "Demonstration data: an example legal hold. It keeps the demonstration investigation, its call for "
    "evidence and the responses to it from the retention job, so the demonstration stays whole. It is "
    "not a real hold: lift it to see how the job would treat these records."
)

# The personal data in the response that is redacted (invented, and reserved for fiction).
DEMO_EMAIL = "sam.demonstration@example.org"
DEMO_PHONE = "07700 900123"
DEMO_POSTCODE = "BS99 9ZZ"


# (language, answer to question 1, answer to question 2). Four topics, seven or eight responses each:
# no referral to support, no news of the investigation, treated as an offender, no interpreter.
RESPONSES: tuple[tuple[str, str, str], ...] = (
    # Not referred to support services.
    (
        "en",
        "I reported that I had been made to work without pay for two years. The officer took my statement "
        "but nobody told me about any victim support service, and I only found a charity months later "
        f"through a friend. You can reach me at {DEMO_EMAIL} or on {DEMO_PHONE}; I now live near {DEMO_POSTCODE}.",
        "Being referred to a support service on the day I reported, instead of having to find one myself.",
    ),
    (
        "en",
        "After I gave my statement I was sent home with a crime number and no referral to victim support. "
        "I did not know that support services existed for people like me.",
        "A leaflet, or better a referral to a support worker, before I left the police station.",
    ),
    (
        "en",
        "The police never referred me to a support organisation. I waited for a call from victim support "
        "that never came, because no referral had been made.",
        "Someone checking that the referral to support had actually been sent.",
    ),
    (
        "en",
        "I was told a support worker would contact me. Nobody did. When I asked, the police said the "
        "referral to the support service had not been made.",
        "Referrals to support made automatically, not left to each officer to remember.",
    ),
    (
        "en",
        "I had to find victim support services on my own. The officer did not offer a referral to any "
        "support service, even though I said I was frightened and had nowhere to go.",
        "An independent advocate to support me from the first day.",
    ),
    (
        "en",
        "My support worker from a charity told me the police should have referred me to them a year "
        "earlier. I was never offered support when I reported.",
        "Police officers knowing which local support services to refer victims to.",
    ),
    (
        "en",
        "No one offered me any support or referral after I reported being exploited. I struggled alone "
        "with no help from support services for a long time.",
        "A phone call from a support service within a week of reporting.",
    ),
    # Not kept informed about the investigation.
    (
        "en",
        "After my interview I heard nothing about the investigation for eight months. I rang the station "
        "many times and the officer in charge never called me back.",
        "Regular updates on my case, even when there was no news.",
    ),
    (
        "en",
        "Nobody kept me informed about the investigation. I only found out that my case had been closed "
        "when I phoned to ask for an update.",
        "Being told when my case was closed, and why, without having to chase.",
    ),
    (
        "en",
        "The officer dealing with my case changed three times and no one told me. I never got an update "
        "on the investigation and my calls went unanswered.",
        "One named officer who keeps me updated on my case.",
    ),
    (
        "en",
        "I was promised updates on the investigation every month. I got one letter in a year, and it "
        "said nothing about what was happening with my case.",
        "Updates that say what has been done and what happens next in the case.",
    ),
    (
        "en",
        "My e-mails to the investigating officer were never answered. I still do not know whether anyone "
        "was charged or whether the case is still open.",
        "A way to check on the progress of my case without waiting for someone to call back.",
    ),
    (
        "en",
        "I heard about an arrest in my case from the news, not from the police. No one had kept me "
        "updated on the investigation at all.",
        "Hearing about developments in the case from the officer before anyone else.",
    ),
    # Treated as an offender, not as a victim.
    (
        "en",
        "When the police found me working in the cannabis farm they arrested me, handcuffed me and kept "
        "me in a cell overnight. They treated me as a criminal.",
        "Officers asking whether I was being forced to work before arresting me.",
    ),
    (
        "en",
        "I was arrested and interviewed under caution as a suspect, even though I told them I had been "
        "trafficked. Nobody believed me until my solicitor raised it months later.",
        "Being believed, and not being arrested and charged for what I was forced to do.",
    ),
    (
        "en",
        "The officers questioned me like an offender. They were more interested in my immigration status "
        "and whether to charge me than in the people who had exploited me.",
        "Police who do not start by treating you as a suspect.",
    ),
    (
        "en",
        "I was charged with an offence I was forced to commit by the people who controlled me, and "
        "prosecuted. The police did not consider the modern slavery defence.",
        "Officers trained to recognise when someone has been forced to commit a crime.",
    ),
    (
        "en",
        "The police treated me as a suspect and searched me in front of the men who had been exploiting "
        "me. I was put in the back of the van with them as if I were a criminal too.",
        "Being spoken to on my own, away from the people controlling me, not arrested with them.",
    ),
    (
        "en",
        "They arrested me for shoplifting and I was given a caution. No one asked who had sent me or why. "
        "I was being criminally exploited but I was treated like an offender.",
        "Questions about whether I was being exploited, before any arrest or charge.",
    ),
    (
        "en",
        "I was held in custody overnight after a raid on the house where I was kept, and interviewed as "
        "an offender. Only later did anyone accept that I had been trafficked.",
        "Not being handcuffed and locked up like a criminal after being rescued.",
    ),
    # No interpreter, or not in their language.
    (
        "en",
        "There was no interpreter when I gave my statement. The officer used a translation app on his "
        "phone and I could not explain properly what had happened to me.",
        "A professional interpreter who speaks my language, in person or on the phone.",
    ),
    (
        "en",
        "My statement was taken in English, which I hardly speak. I asked for an interpreter and was "
        "told none was available that day.",
        "Waiting until an interpreter was available, rather than taking my statement without one.",
    ),
    (
        "en",
        "The interpreter they found spoke a different dialect from mine. Much of what I said was "
        "translated wrongly in my statement.",
        "Checking which language and dialect I speak before booking an interpreter.",
    ),
    (
        "en",
        "A neighbour of the men who exploited me was used as an interpreter. I was too frightened to say "
        "everything in front of him.",
        "An independent interpreter, never someone from my community who might know them.",
    ),
    (
        "en",
        "All the letters about my case came in English. Without an interpreter or a translation I could "
        "not understand what the police were telling me.",
        "Letters translated into my language, or read to me by an interpreter.",
    ),
    (
        "en",
        "I speak Tigrinya and the police had no interpreter for my language, so my daughter had to "
        "translate my statement about what happened to us.",
        "Never asking a child to interpret for their parent.",
    ),
    # Welsh.
    (
        "cy",
        "Ar ôl i mi roi gwybod i'r heddlu, ni chefais fy nghyfeirio at unrhyw wasanaeth cymorth. Roeddwn i "
        "ar fy mhen fy hun am fisoedd cyn i elusen gysylltu â mi.",
        "Galwad gan wasanaeth cymorth i ddioddefwyr yn yr wythnos gyntaf.",
    ),
    (
        "cy",
        "Chlywais i ddim byd gan y swyddog ar ôl y cyfweliad cyntaf. Ffoniais i sawl gwaith ond ni ffoniodd "
        "neb fi yn ôl i ddweud beth oedd yn digwydd gyda'r ymchwiliad.",
        "Diweddariad bob mis am fy achos, hyd yn oed pan nad oes dim wedi newid.",
    ),
    (
        "cy",
        "Gofynnais am gael rhoi fy natganiad yn Gymraeg, ond dywedwyd wrthyf nad oedd neb ar gael. Roedd yn "
        "anodd esbonio beth ddigwyddodd yn fy ail iaith.",
        "Swyddog sy'n siarad Cymraeg, neu o leiaf gyfieithydd.",
    ),
    (
        "cy",
        "Cefais fy arestio fel troseddwr, er fy mod wedi dweud wrthyn nhw fy mod yn cael fy ngorfodi i "
        "weithio. Doedd neb yn fy nghredu.",
        "Cael fy nghredu, a chael fy nhrin fel dioddefwr o'r dechrau.",
    ),
)
# Two respondents chose to give their name and e-mail address (invented): by position in RESPONSES.
NAMED = {
    1: ("Alex Demonstration", "alex.demonstration@example.org"),
    8: ("Jordan Demonstration", "jordan.demonstration@example.org"),
}


def _submitted_at(n: int, now: datetime.datetime) -> datetime.datetime:
    """Spread the responses over the day the call opened, up to ``now``, in order."""
    opened = start_of_london_day(to_london_date(now))
    return opened + (now - opened) * (n + 1) / (len(RESPONSES) + 1)


def _open_call(complaint: SuperComplaint, now: datetime.datetime) -> CallForEvidence:
    today = to_london_date(now)
    call = calls.open_call(
        complaint,
        title=CALL_TITLE,
        title_cy=CALL_TITLE_CY,
        introduction=CALL_INTRODUCTION,
        introduction_cy=CALL_INTRODUCTION_CY,
        opens_on=today,
        closes_on=today + datetime.timedelta(weeks=CALL_WEEKS),
        questions=QUESTIONS,
        at=now,
    )
    first, second = call.questions.order_by("position")
    for n, (language, what_happened, what_helps) in enumerate(RESPONSES):
        name, email = NAMED.get(n, ("", ""))
        response = calls.submit_response(
            call,
            answers={first.pk: what_happened, second.pk: what_helps},
            consent_given=True,
            anonymous=not name,
            name=name,
            email=email,
            language=language,
            at=_submitted_at(n, now),
        )
        calls.tag_response(response, tags=[TAG])
    return call


def _redacted_response(call: CallForEvidence) -> CallResponse:
    return CallResponse.objects.get(call=call, answers__text__contains=DEMO_EMAIL)


def build_demo_evidence(complaint: SuperComplaint, *, now: datetime.datetime) -> list[str]:
    """Build what is missing of the call, its themes, the redaction and the hold on ``complaint``
    (the demonstration investigation); return a line for each piece built now.

    The call and its responses are one transaction. The grouping runs here, as the task worker
    would run it (``themes.services.run_analysis``), when the embedding model is installed; the
    analysis is started through ``start_analysis``, which also queues the worker's task, and the
    worker then finds nothing waiting.
    """
    built: list[str] = []
    call = CallForEvidence.objects.filter(complaint=complaint, title=CALL_TITLE).first()
    if call is None:
        if complaint.state not in calls.INVESTIGATION_STATES:
            return built  # moved on by someone since: evidence is called for only while investigating
        with transaction.atomic():
            call = _open_call(complaint, now)
        built.append(f"{complaint.reference}: {CALL_TITLE} (open, {len(RESPONSES)} responses)")
    if embedding.available() and not ThemeAnalysis.objects.filter(call=call).exists():
        analysis = start_analysis(call)
        analysis = run_analysis(analysis.pk) or analysis
        built.append(
            f"{complaint.reference}: the responses grouped into {analysis.themes.count()} themes "
            f"({analysis.get_state_display()})"
        )
    if not Redaction.objects.filter(complaint=complaint, title=REDACTION_TITLE).exists():
        redaction = start_redaction(complaint, title=REDACTION_TITLE, call_response=_redacted_response(call))
        built.append(
            f"{complaint.reference}: {REDACTION_TITLE} (a draft, {redaction.spans.count()} spans proposed)"
        )
    if not LegalHold.objects.filter(complaint=complaint, reason=HOLD_REASON).exists():
        place_hold(complaint=complaint, reason=HOLD_REASON)
        built.append(f"{complaint.reference}: a demonstration legal hold on the whole complaint")
    return built
