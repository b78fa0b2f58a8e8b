"""The support services a call can signpost. The helpline and 999 are on every call."""

from django.db import migrations

SIGNPOSTS = [
    # key, name, name_cy, phone, description, description_cy, always
    (
        "emergency",
        "Emergency services",
        "Gwasanaethau brys",
        "999",
        "If you are in danger now, call 999.",
        "Os ydych chi mewn perygl nawr, ffoniwch 999.",
        True,
    ),
    (
        "modern-slavery-helpline",
        "Modern Slavery & Exploitation Helpline",
        "Llinell Gymorth Caethwasiaeth Fodern a Chamfanteisio",
        "08000 121 700",
        "Confidential advice and support, 24 hours a day, every day.",
        "Cyngor a chymorth cyfrinachol, 24 awr y dydd, bob dydd.",
        True,
    ),
    (
        "victim-support",
        "Victim Support",
        "Cymorth i Ddioddefwyr",
        "08 08 16 89 111",
        "Free, confidential support for anyone affected by crime.",
        "Cymorth am ddim a chyfrinachol i unrhyw un y mae trosedd wedi effeithio arno.",
        False,
    ),
    (
        "domestic-abuse-helpline",
        "National Domestic Abuse Helpline",
        "Llinell Gymorth Genedlaethol Cam-drin Domestig",
        "0808 2000 247",
        "Free, confidential support for anyone experiencing domestic abuse, 24 hours a day.",
        "Cymorth am ddim a chyfrinachol i unrhyw un sy'n profi cam-drin domestig, 24 awr y dydd.",
        False,
    ),
    (
        "samaritans",
        "Samaritans",
        "Samariaid",
        "116 123",
        "Someone to talk to, day or night.",
        "Rhywun i siarad ag ef, ddydd neu nos.",
        False,
    ),
]


def add_signposts(apps, schema_editor):
    Signpost = apps.get_model("calls", "Signpost")
    for position, (key, name, name_cy, phone, description, description_cy, always) in enumerate(SIGNPOSTS):
        Signpost.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "name_cy": name_cy,
                "phone": phone,
                "description": description,
                "description_cy": description_cy,
                "always": always,
                "position": position,
            },
        )


def remove_signposts(apps, schema_editor):
    apps.get_model("calls", "Signpost").objects.filter(key__in=[s[0] for s in SIGNPOSTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_calls_for_evidence")]

    operations = [migrations.RunPython(add_signposts, remove_signposts)]
