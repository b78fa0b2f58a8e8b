"""Generated responses on five distinct topics, in varied wording, for the theme tests."""

from __future__ import annotations

import random

TOPICS = {
    "interpreter": [
        "The officers would not get me an interpreter, so I could not explain what had happened to me.",
        "Nobody at the station spoke my language and they refused to call a translator.",
        "I had to use my child to translate for me because the police had no interpreter.",
        "They asked me questions in English I did not understand and never offered a translator.",
        "Without an interpreter my statement was written down wrongly.",
    ],
    "immigration": [
        "I was afraid that reporting the crime would mean the police telling the Home Office about my visa.",
        "The officer asked about my immigration status before asking if I was hurt.",
        "My details were passed to immigration enforcement after I reported being attacked.",
        "I did not go to the police because I feared deportation.",
        "They checked whether I had the right to remain instead of investigating my report.",
    ],
    "delay": [
        "It took more than two years for the investigation to reach any decision.",
        "Months went by without anyone from the police updating me on my case.",
        "The investigation dragged on for so long that I gave up hope.",
        "I waited eighteen months and still do not know whether anyone will be charged.",
        "Nobody called me back for a year, and the case was then closed.",
    ],
    "support": [
        "The victim support worker they referred me to helped me find safe housing.",
        "A caseworker from a charity stayed with me through every interview, which made a huge difference.",
        "I was given a named support officer who explained each step kindly.",
        "The specialist support service helped me with counselling and with money for food.",
        "Being put in touch with a support group gave me the strength to continue.",
    ],
    "stop_search": [
        "I have been stopped and searched on the street many times without being told why.",
        "Officers searched my bag in front of everyone and found nothing.",
        "Young black men in my area are stopped and searched again and again.",
        "The search was humiliating and the officer would not give me his name.",
        "They used section 60 to search us all after a football match.",
    ],
}
OPENINGS = ["", "In my experience, ", "Honestly, ", "To be clear, ", "What I remember is that ", "Sadly, "]
ENDINGS = [
    "",
    " This still affects me.",
    " I hope this helps.",
    " It made things worse.",
    " I want this to change.",
]


def generate(count: int, seed: int = 13) -> list[tuple[str, str]]:
    """``count`` (topic, text) pairs, the topics in turn, each text a varied sentence."""
    rng = random.Random(seed)
    names = list(TOPICS)
    corpus = []
    for n in range(count):
        topic = names[n % len(names)]
        sentence = rng.choice(TOPICS[topic])
        opening = rng.choice(OPENINGS)
        text = opening + (sentence[0].lower() + sentence[1:] if opening else sentence) + rng.choice(ENDINGS)
        corpus.append((topic, text))
    return corpus
