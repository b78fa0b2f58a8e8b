"""Theme grouping of 10,000 responses (benchmark 5 of the benchmark issue): seconds end to end,
the raw model encode time of the same texts, and their ratio (the goal is at most 1.3).

    .venv/bin/python bench/theme_grouping.py [--responses 10000] [--database sqlite|postgresql]
        [--batch-size 32] [--seed 2026]

Migrates a new database (a temporary SQLite file, or the PostgreSQL database ``sc_bench_themes``,
dropped afterwards), loads the public record, then, in one process:

1. builds one complaint under investigation through the services (``bench/national.py``), opens a
   call for evidence of two questions on it (``calls.services.open_call``) and submits
   ``--responses`` varied synthetic responses through ``calls.services.submit_response``, the
   service the public form calls, each with its lock, receipt code and audit event (about 9 ms a
   response on SQLite on a quiet machine: the build is not timed and not the bottleneck, so
   nothing is written in bulk);
2. asks for the grouping (``themes.services.start_analysis``: the task it enqueues is not run by
   a worker here), loads the model and warms it up on a few texts;
3. (a) times ``themes.embedding.encode`` of exactly the texts the run embeds (each response's
   answers, ``themes.services.response_text``), in one call with the run's batch size (the model
   orders one long list by length itself, so this is the least padding the texts can have);
4. (b) times ``themes.services.run_analysis``, the worker's run end to end: reading the
   responses, embedding them with progress written as it goes, storing the vectors, clustering,
   naming the themes, the representative quotes' distances and the assignments; then the share
   of responses whose theme is led by the topic they were written on, so a faster grouping that
   groups worse shows;
5. with ``--encode-again``, (a) once more, so that a change in the machine's load during (b)
   shows; the ratio is (b) over (a), or over the mean of the two (a) runs.

Every figure is one JSON line: name, figure, unit, parameters. Everything is bounded by
``--responses``; the measuring process is stopped after ``--timeout`` seconds (two hours by
default: on two cores shared with other work one encode of 10,000 texts has taken 37 minutes). Nothing listens on
a port. Needs the ml extra (``make install-ml``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter

from service import PYTHON, ROOT, migrated_database

DATABASE = "sc_bench_themes"

# What people write to a call for evidence on how the police treat victims of exploitation: a
# dozen topics, each said in many ways, with names of places, times and people varied, so no two
# responses read alike and the themes are not separable by one word.
TOPICS: dict[str, list[str]] = {
    "interpreter": [
        "the officers would not get me an interpreter, so I could not explain what had happened",
        "nobody at {place} spoke my language and they refused to call a translator",
        "I had to use my {relative} to translate because there was no interpreter",
        "they asked me questions in English I did not understand and never offered a translator",
        "without an interpreter my statement was written down wrongly",
        "the interpreter they found on the phone kept cutting out and gave up after {time}",
    ],
    "immigration": [
        "I was afraid that reporting would mean the police telling the Home Office about my visa",
        "the officer asked about my immigration status before asking if I was hurt",
        "my details were passed to immigration enforcement after I reported being attacked",
        "I did not go to the police for {time} because I feared deportation",
        "they checked whether I had the right to remain instead of investigating my report",
        "my employer told me the police would send me back, and when they came that is what they talked about",
    ],
    "delay": [
        "it took more than {time} for the investigation to reach any decision",
        "months went by without anyone updating me on my case",
        "the investigation dragged on for so long that I gave up hope",
        "I waited {time} and still do not know whether anyone will be charged",
        "nobody called me back for {time}, and then the case was closed",
        "every time I rang {place} I was told the officer in charge had changed again",
    ],
    "support": [
        "the victim support worker they referred me to helped me find safe housing",
        "a caseworker from a charity stayed with me through every interview, which made a huge difference",
        "I was given a named support officer who explained each step kindly",
        "the specialist support service helped me with counselling and with money for food",
        "being put in touch with a support group gave me the strength to continue",
        "the advocate from the helpline came to {place} with me and spoke up for me",
    ],
    "stop_search": [
        "I have been stopped and searched on the street many times without being told why",
        "officers searched my bag in front of everyone near {place} and found nothing",
        "young men in my area are stopped and searched again and again",
        "the search was humiliating and the officer would not give me his name",
        "they used section 60 to search us all after a football match",
        "I was searched {count} times in one month on my way home from work",
    ],
    "not_believed": [
        "the officer said I must have agreed to work there, as if I had chosen it",
        "they treated me as a suspect, not as a victim, when I told them I had been forced",
        "I was told my story did not add up because I had not run away sooner",
        "the police at {place} laughed when I said I had been made to work for nothing",
        "I felt they did not believe a word I said and just wanted me to leave",
        "they asked why I had not reported it {time} ago, as though that made it untrue",
    ],
    "arrested": [
        "I was arrested for the cannabis farm I had been locked inside",
        "they charged me with using a false passport that my traffickers had given me",
        "I spent {time} in custody before anyone asked how I came to be there",
        "the police raided the house and took me to {place} as if I were one of the gang",
        "I was prosecuted for shoplifting that I was forced to do, and nobody looked at why",
        "my lawyer had to tell the court about the referral because the police never did",
    ],
    "referral": [
        "nobody told me about the National Referral Mechanism until a charity did",
        "the police never referred me, so I had no support and no safe place to stay",
        "it took {time} for my referral to be made and I slept on the street meanwhile",
        "the officer did not know what a referral was when I asked about it",
        "I was referred but nobody explained what would happen next or who to call",
        "the first responder form was filled in wrongly and my case was sent back",
    ],
    "housing": [
        "after I left I had nowhere to live and the police could not help",
        "I was put in a hostel near {place} where the people who exploited me could find me",
        "the safe house was {distance} away from my children's school",
        "I was moved {count} times in a year and lost touch with my support worker",
        "the council said it was a police matter and the police said it was the council's",
        "I went back to the people who exploited me because I had no roof over my head",
    ],
    "training": [
        "the officers need training to recognise the signs of forced labour",
        "the call handler did not understand what exploitation is and sent nobody",
        "only one officer at {place} seemed to know anything about modern slavery",
        "frontline police should be taught how traffickers control people",
        "I had to explain to the officer what county lines were",
        "the police should work with charities who understand these crimes",
    ],
    "children": [
        "my son was groomed into selling drugs and the police treated him as a criminal",
        "when my daughter went missing for {time} they said she would come back by herself",
        "the police did not link my child's going missing to the older men around him",
        "social services and the police never shared what they knew about my nephew",
        "at {age} my brother was moving drugs between towns and nobody saw him as a victim",
        "the school told the police about the man collecting my son but nothing happened",
    ],
    "money": [
        "they took all my wages and kept my bank card, and the police said it was a civil matter",
        "I owed them a debt that grew every week and the officer did not see that as control",
        "my bank account was used by the gang and I was the one investigated for fraud",
        "I was paid {amount} for a month of work and the police told me to go to a tribunal",
        "the police did not freeze the money they had taken from me and it disappeared",
        "nobody helped me get back the money that was stolen from my pay",
    ],
}
PLACES = [
    "the station",
    "the front counter",
    "the custody suite",
    "the hospital",
    "the police station in town",
    "the interview room",
    "the car wash",
    "the farm",
    "the nail bar",
]
RELATIVES = ["child", "daughter", "son", "neighbour", "cousin", "friend"]
TIMES = ["two years", "eighteen months", "six months", "a year", "three weeks", "nine months", "a week"]
COUNTS = ["three", "four", "five", "six", "seven"]
DISTANCES = ["forty miles", "two hours", "three bus rides", "a long way"]
AGES = ["fourteen", "fifteen", "sixteen", "thirteen"]
AMOUNTS = ["fifty pounds", "a hundred pounds", "nothing", "twenty pounds"]
OPENINGS = [
    "",
    "In my experience, ",
    "Honestly, ",
    "To be clear, ",
    "What I remember is that ",
    "Sadly, ",
    "When I went to the police, ",
    "I want to say that ",
    "Last year ",
]
AFTERWORDS = [
    "",
    " This still affects me.",
    " I hope this helps.",
    " It made things worse.",
    " I want this to change.",
    " Other people I know say the same.",
    " I have never felt safe since.",
]
HELPED = [
    "An interpreter from the start would have helped.",
    "Being believed would have helped most.",
    "Someone to call who knew my case.",
    "Safe housing straight away.",
    "Being told what was happening and when.",
    "Officers who knew about modern slavery.",
    "A referral on the first day.",
    "Nothing would have helped by then.",
    "Not being arrested.",
    "",
    "",
    "",
]
SHORT = [
    "No comment.",
    "See my earlier email.",
    "I agree with everything in the complaint.",
    "Please contact me, I would rather explain by phone.",
    "Nothing to add.",
    "I have attached my statement.",
    "Thank you for asking.",
]


def sentence(rng: random.Random, template: str) -> str:
    text = template.format(
        place=rng.choice(PLACES),
        relative=rng.choice(RELATIVES),
        time=rng.choice(TIMES),
        count=rng.choice(COUNTS),
        distance=rng.choice(DISTANCES),
        age=rng.choice(AGES),
        amount=rng.choice(AMOUNTS),
    )
    opening = rng.choice(OPENINGS)
    text = opening + text if opening else text[0].upper() + text[1:]
    return text + "." + rng.choice(AFTERWORDS)


def generate(count: int, seed: int) -> list[tuple[str, str, str]]:
    """``count`` responses, each its main topic and two answers (what happened; what would have
    helped): mostly one to three sentences on one topic, one in eight touching a second topic, one
    in twenty a short answer that says nothing (topic "none"), as real calls get."""
    rng = random.Random(seed)
    names = list(TOPICS)
    weights = [rng.uniform(0.5, 2.0) for _ in names]  # some topics come up far more than others
    responses = []
    for _ in range(count):
        if rng.random() < 0.05:
            responses.append(("none", rng.choice(SHORT), ""))
            continue
        topic = rng.choices(names, weights)[0]
        chosen = rng.sample(TOPICS[topic], rng.choice([1, 1, 2, 2, 3]))
        if rng.random() < 0.125:
            chosen.append(rng.choice(TOPICS[rng.choice(names)]))
        parts = [sentence(rng, template) for template in chosen]
        responses.append((topic, " ".join(parts), rng.choice(HELPED)))
    return responses


def emit(name: str, figure: float, unit: str, **parameters: object) -> None:
    print(json.dumps({"name": name, "figure": figure, "unit": unit, "parameters": parameters}), flush=True)


def measure(responses: int, batch_size: int, seed: int, encode_again: bool) -> None:
    """Run inside the benchmark's database (``DATABASE_URL`` set, public record loaded)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.utils import timezone
    from national import build

    from calls.models import CallResponse
    from calls.services import QuestionSpec, open_call, submit_response
    from deadlines.rules import to_london_date
    from themes import embedding, services
    from themes.models import ThemeAssignment

    if not embedding.available():
        raise SystemExit("The ml extra is not installed: run `make install-ml`.")
    build(complaints=1, reports=0, recommendations=0, responded=0, documents=0, seed=seed, days_ago=30)
    from complaints.models import SuperComplaint

    complaint = SuperComplaint.objects.filter(is_demonstration=True).get()
    today = to_london_date(timezone.now())
    call = open_call(
        complaint,
        title="Your experience of reporting exploitation",
        introduction="We want to hear from people who reported exploitation to the police.",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        questions=[
            QuestionSpec("What happened when you contacted the police?", required=True),
            QuestionSpec("What would have helped you?", required=False),
        ],
    )
    first, second = call.questions.order_by("position")
    started = time.perf_counter()
    topics = {}
    for topic, happened, helped in generate(responses, seed):
        response = submit_response(call, answers={first.pk: happened, second.pk: helped}, consent_given=True)
        topics[response.pk] = topic
    common = {"responses": responses, "batch_size": batch_size, "database": connection.vendor}
    emit("build: responses submitted", round(time.perf_counter() - started, 1), "s", **common)

    analysis = services.start_analysis(call)
    texts = [
        services.response_text(r)
        for r in CallResponse.objects.filter(call=call).order_by("pk").prefetch_related("answers")
    ]
    started = time.perf_counter()
    embedding.encode(texts[:256], batch_size=batch_size)  # loads the model, warms it up
    emit("model load and warm-up", round(time.perf_counter() - started, 1), "s", **common)
    words = sum(len(text.split()) for text in texts)
    emit("distinct texts", len(set(texts)), "texts", mean_words=round(words / len(texts), 1), **common)

    def raw_encode() -> float:
        started = time.perf_counter()
        embedding.encode(texts, batch_size=batch_size)
        return time.perf_counter() - started

    def load() -> float:
        return round(os.getloadavg()[0], 1)

    encodes = [raw_encode()]
    emit("(a) raw encode", round(encodes[0], 1), "s", load_average=load(), **common)
    started = time.perf_counter()
    result = services.run_analysis(analysis.pk, batch_size=batch_size)
    end_to_end = time.perf_counter() - started
    if result is None or result.state != "grouped":
        raise SystemExit(f"The run did not group: {result and result.state} {result and result.error}")
    themes = result.themes.count()
    assigned = ThemeAssignment.objects.filter(analysis=result).count()
    emit(
        "(b) run_analysis end to end",
        round(end_to_end, 1),
        "s",
        themes=themes,
        assigned=assigned,
        load_average=load(),
        **common,
    )
    # How well the themes follow the topics the responses were written on: the share of responses
    # whose theme's most common topic is their own (the pooled "other" theme counts as one).
    members: dict[int, Counter[str]] = {}
    for theme_id, response_id in ThemeAssignment.objects.filter(analysis=result).values_list(
        "theme_id", "response_id"
    ):
        members.setdefault(theme_id, Counter())[topics[response_id]] += 1
    agreeing = sum(counts.most_common(1)[0][1] for counts in members.values())
    emit(
        "themes following the written topics", round(agreeing / assigned, 3), "share", themes=themes, **common
    )
    if encode_again:
        encodes.append(raw_encode())
        emit("(a) raw encode, again after the run", round(encodes[1], 1), "s", load_average=load(), **common)
    encode = statistics.mean(encodes)
    emit(
        "ratio: end to end over raw encode",
        round(end_to_end / encode, 3),
        "x",
        goal=1.3,
        encodes=len(encodes),
        **common,
    )
    emit("overhead: end to end minus raw encode", round(end_to_end - encode, 1), "s", **common)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--timeout", type=int, default=7200, help="seconds before giving up (default 7200)")
    parser.add_argument(
        "--encode-again",
        action="store_true",
        help="time the raw encode again after the run and take the mean of the two",
    )
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        measure(args.responses, args.batch_size, args.seed, args.encode_again)
        return 0
    with migrated_database(DATABASE, args.database, prefix="bench-themes-") as env:
        command = [
            PYTHON,
            "bench/theme_grouping.py",
            "--measure-only",
            f"--responses={args.responses}",
            f"--batch-size={args.batch_size}",
            f"--seed={args.seed}",
            *(["--encode-again"] if args.encode_again else []),
        ]
        return subprocess.run(command, cwd=ROOT, env=env, check=False, timeout=args.timeout).returncode


if __name__ == "__main__":
    sys.exit(main())
