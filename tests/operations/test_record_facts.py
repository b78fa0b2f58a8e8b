"""The facts of the shipped public record, in one place.

When the record is corrected, correct the tables here: every other test reads the record through
the service, and these are the facts it must hold.
"""

import pytest

from complaints.models import ComplaintState, SuperComplaint
from organisations.models import Organisation, OrganisationKind
from reports.models import Report

pytestmark = pytest.mark.django_db

HMICFRS = "https://hmicfrs.justiceinspectorates.gov.uk/publications/"

# reference: (received, complainants, state, forces_scope)
COMPLAINTS = {
    "SC-2018-001": ("2018-12-18", ["Liberty", "Southall Black Sisters"], "report_published", "all"),
    "SC-2019-001": ("2019-03-19", ["Centre for Women's Justice"], "report_published", "all"),
    "SC-2019-002": ("2019-05-31", ["Hestia"], "report_published", "all"),
    "SC-2020-001": ("2020-03", ["Centre for Women's Justice"], "report_published", "all"),
    "SC-2020-002": ("2020-08-07", ["Tees Valley Inclusion Project"], "report_published", "all"),
    "SC-2021-001": ("2021-05", ["Criminal Justice Alliance"], "report_published", "all"),
    "SC-2022-001": ("2022-11", ["Suzy Lamplugh Trust"], "report_published", "all"),
    # Known from press reports and the complainants' announcements only: forces not recorded.
    "SC-2025-001": ("2025-12", ["Centre for Women's Justice"], "investigating", ""),
}

# reference: (title, title_verified, published, publication_url)
REPORTS = {
    "SC-2018-001": (
        "Safe to share? Liberty and Southall Black Sisters' super-complaint on policing and immigration status",
        True,
        "2020-12-17",
        HMICFRS + "liberty-and-southall-black-sisters-super-complaint-on-policing-and-immigration-status/",
    ),
    "SC-2019-001": (
        "A duty to protect: Police use of protective measures in cases involving violence against women and girls",
        True,
        "2021-08",
        "https://www.gov.uk/government/publications/police-use-of-protective-measures-in-cases-of-violence-against-women-and-girls",
    ),
    "SC-2019-002": (
        "The hidden victims: report on Hestia's super-complaint on the police response to victims of modern slavery",
        True,
        "2021-05-26",
        "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/report-on-hestias-super-complaint-on-the-police-response-to-victims-of-modern-slavery",
    ),
    "SC-2020-001": (
        "Police perpetrated domestic abuse: report on the Centre for Women's Justice super-complaint",
        True,
        "2022-06-30",
        HMICFRS
        + "police-perpetrated-domestic-abuse-report-on-the-centre-for-womens-justice-super-complaint/",
    ),
    "SC-2020-002": (
        "How the police respond to victims of sexual abuse when the victim is from an ethnic minority "
        "background and may be at risk of honour-based abuse: Report on Tees Valley Inclusion Project's "
        "super-complaint",
        True,
        "2022-12-16",
        HMICFRS + "report-on-tees-valley-inclusion-project-super-complaint/",
    ),
    "SC-2021-001": (
        "Report on the Criminal Justice Alliance's super-complaint – Section 60 of the Criminal Justice and "
        "Public Order Act 1994 and independent community scrutiny of stop and search",
        True,
        "2023-12-15",
        HMICFRS + "report-on-the-criminal-justice-alliances-stop-and-search-super-complaint/",
    ),
    "SC-2022-001": (
        "Report on the Suzy Lamplugh Trust's super-complaint: The police response to stalking",
        True,
        "2024-09-27",
        HMICFRS + "suzy-lamplugh-trusts-super-complaint-the-police-response-to-stalking/",
    ),
}

# Welsh names: (kind, English name, Welsh name)
WELSH_NAMES = [
    (OrganisationKind.FORCE, "North Wales Police", "Heddlu Gogledd Cymru"),
    (OrganisationKind.FORCE, "South Wales Police", "Heddlu De Cymru"),
    (OrganisationKind.FORCE, "Dyfed-Powys Police", "Heddlu Dyfed-Powys"),
    (OrganisationKind.FORCE, "Gwent Police", "Heddlu Gwent"),
    (
        OrganisationKind.LOCAL_POLICING_BODY,
        "North Wales Police and Crime Commissioner",
        "Comisiynydd Heddlu a Throseddu Gogledd Cymru",
    ),
    (
        OrganisationKind.LOCAL_POLICING_BODY,
        "South Wales Police and Crime Commissioner",
        "Comisiynydd Heddlu a Throseddu De Cymru",
    ),
    (
        OrganisationKind.LOCAL_POLICING_BODY,
        "Dyfed-Powys Police and Crime Commissioner",
        "Comisiynydd Heddlu a Throseddu Dyfed-Powys",
    ),
    (
        OrganisationKind.LOCAL_POLICING_BODY,
        "Gwent Police and Crime Commissioner",
        "Comisiynydd Heddlu a Throseddu Gwent",
    ),
    (OrganisationKind.DESIGNATED_BODY, "Welsh Women's Aid", "Cymorth i Ferched Cymru"),
]

# The Welsh versions of the register's own descriptive titles (no published title is translated).
WELSH_TITLES = {
    "SC-2019-002": "Ymateb yr heddlu i ddioddefwyr caethwasiaeth fodern",
    "SC-2022-001": "Ymateb yr heddlu i stelcio",
}

COUNTRIES = {
    "Civil Nuclear Constabulary": "Great Britain",
    "British Transport Police": "Great Britain",
    "National Crime Agency": "United Kingdom",
    "Gwent Police": "Wales",
}


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def test_the_complaints_on_the_record():
    complaints = SuperComplaint.objects.prefetch_related("complainant_set__body")
    found = {
        c.reference: (
            c.received_on.isoformat(),
            [x.body.name for x in c.complainant_set.all()],
            c.state,
            c.forces_scope,
        )
        for c in complaints
    }
    assert found == COMPLAINTS


def test_the_reports_on_the_record():
    found = {
        r.complaint.reference: (r.title, r.title_verified, r.published_on.isoformat(), r.publication_url)
        for r in Report.objects.select_related("complaint")
    }
    assert found == REPORTS


def test_the_eighth_complaint_is_flagged_where_only_the_press_gives_it():
    complaint = SuperComplaint.objects.get(reference="SC-2025-001")
    assert complaint.title == "Lengthy police investigations of sexual offences"
    assert complaint.state == ComplaintState.INVESTIGATING
    assert complaint.get_state_display() == "Being investigated"
    assert complaint.received_on.is_month_only  # December 2025: no day invented
    assert str(complaint.received_on) == "December 2025"
    assert "Rape Crisis England & Wales" in complaint.made_with
    assert set(complaint.unverified_facts) >= {"title", "received_on", "made_with", "eligibility"}
    assert not complaint.title_verified
    assert complaint.publication_url == ""  # no official address confirmed: none invented
    assert complaint.eligibility.outcome == "eligible"
    assert complaint.eligibility.decided_on is None
    assert not hasattr(complaint, "report") or not Report.objects.filter(complaint=complaint).exists()


def test_complaints_carry_their_official_publication_where_it_is_confirmed():
    urls = dict(SuperComplaint.objects.values_list("reference", "publication_url"))
    assert urls["SC-2022-001"] == (
        "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/"
        "super-complaint-on-the-police-response-to-stalking-eligible-for-investigation"
    )
    assert urls["SC-2019-001"].startswith("https://www.gov.uk/government/publications/")
    assert urls["SC-2025-001"] == ""


def test_welsh_names():
    for kind, name, welsh in WELSH_NAMES:
        assert Organisation.objects.get(kind=kind, name=name).name_cy == welsh


def test_countries():
    for name, country in COUNTRIES.items():
        assert Organisation.objects.get(kind=OrganisationKind.FORCE, name=name).country == country


def test_hestia_findings_do_not_restate_the_statutory_test_loosely():
    summary = Report.objects.get(complaint__reference="SC-2019-002").findings_summary
    assert "significant harm to the public interest" not in summary
    assert summary.startswith("The police response to modern slavery has improved since 2017")


def test_recommendations_not_entered_are_a_count_or_unknown():
    counts = dict(Report.objects.values_list("complaint__reference", "recommendation_count"))
    assert counts["SC-2022-001"] == 29
    assert counts["SC-2018-001"] is None  # the record gives no count: unknown, not 0


def test_welsh_titles():
    titles = dict(SuperComplaint.objects.exclude(title_cy="").values_list("reference", "title_cy"))
    assert titles == WELSH_TITLES
