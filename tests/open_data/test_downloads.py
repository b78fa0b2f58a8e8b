import csv
import datetime
import io

import pytest

from api.open_data import DATASETS, cell
from recommendations.models import Obligation
from tests.builders import cache_content_types, london
from tests.public.seed import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    MARK,
    give_deadline,
    made_public,
    publish_response,
    seed_unpublished,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

COMPLAINT_COLUMNS = [
    "reference",
    "title",
    "title_verified",
    "stage",
    "is_demonstration",
    "complainants",
    "received",
    "eligibility_outcome",
    "eligibility_decided",
    "forces_scope",
    "forces",
    "features",
    "progress_reports_sent",
    "report_title",
    "report_title_verified",
    "report_published",
    "report_publication_url",
    "url",
]


def download(client, name, prefix=""):
    response = client.get(f"{prefix}/open-data/{name}.csv")
    assert response.status_code == 200
    return response


def rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def obligation(reference, slug):
    return Obligation.objects.get(recommendation__reference=reference, organisation__slug=slug)


@pytest.mark.parametrize("name", ["complaints", "recommendations", "obligations", "responses"])
def test_each_file_is_a_utf8_csv_attachment_with_a_byte_order_mark(client, name):
    response = download(client, name)

    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = response.content[3:].split(b"\r\n", 1)[0].decode()
    assert header.split(",") == [c.name for c in next(d for d in DATASETS if d.name == name).columns]


def test_complaints_csv_gives_hestia_as_the_public_record_does(client):
    response = download(client, "complaints")
    by_reference = {row["reference"]: row for row in rows(response)}

    assert list(rows(response)[0]) == COMPLAINT_COLUMNS
    assert list(by_reference) == [
        "SC-2018-001",
        "SC-2019-001",
        "SC-2019-002",
        "SC-2020-001",
        "SC-2020-002",
        "SC-2021-001",
        "SC-2022-001",
        "SC-2025-001",
    ]
    hestia = by_reference["SC-2019-002"]
    assert hestia["title"] == "Police response to victims of modern slavery"
    assert hestia["stage"] == "report_published"
    assert hestia["is_demonstration"] == "false"
    assert hestia["complainants"] == "Hestia"
    assert hestia["received"] == "2019-05-31"
    assert hestia["eligibility_outcome"] == "eligible"
    assert hestia["eligibility_decided"] == ""
    assert hestia["forces_scope"] == "all"
    assert hestia["forces"] == ""
    features = hestia["features"].split("\n")
    assert len(features) == 6
    assert features[2] == "victims of modern slavery are treated as immigration offenders"
    assert features[5] == "the adequacy of training provided to frontline officers"
    # Made before this service: not known, so empty, never 0.
    assert hestia["progress_reports_sent"] == ""
    assert hestia["title_verified"] == "true"
    assert hestia["report_title"].startswith("The hidden victims: report on Hestia")
    assert hestia["report_title_verified"] == "true"
    assert hestia["report_published"] == "2021-05-26"
    assert hestia["report_publication_url"] == (
        "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/"
        "report-on-hestias-super-complaint-on-the-police-response-to-victims-of-modern-slavery"
    )
    eighth = by_reference["SC-2025-001"]
    assert eighth["title_verified"] == "false"  # from press reports
    assert eighth["stage"] == "investigating"
    assert eighth["report_title"] == eighth["report_title_verified"] == eighth["report_publication_url"] == ""
    assert hestia["url"] == "https://super-complaints.test/super-complaints/SC-2019-002/"
    assert by_reference["SC-2018-001"]["complainants"] == "Liberty; Southall Black Sisters"
    assert by_reference["SC-2020-001"]["received"] == "2020-03"
    assert by_reference["SC-2019-001"]["report_published"] == "2021-08"
    assert by_reference["SC-2022-001"]["eligibility_decided"] == "2023-01-26"


def test_fields_are_quoted_where_they_need_it_and_lines_end_crlf(client):
    made_public(
        'Stop, "search" and scrutiny', forces=["Gwent Police", "Kent Police"], at=london(2026, 2, 2, 10)
    )

    raw = download(client, "complaints").content.decode("utf-8-sig")
    (row,) = [r for r in rows(download(client, "complaints")) if r["reference"] == "SC-2026-001"]

    assert '"Stop, ""search"" and scrutiny"' in raw
    # A header and nine records, each ending CRLF; line breaks inside a quoted field stay as they are.
    assert raw.count("\r\n") == 10
    assert raw.endswith("/super-complaints/SC-2026-001/\r\n")
    assert row["title"] == 'Stop, "search" and scrutiny'
    assert row["progress_reports_sent"] == "0"  # made through the service: known, and none yet
    assert row["forces_scope"] == "named"
    assert row["forces"] == "Gwent Police; Kent Police"
    assert (
        row["features"]
        == "Feature of policing number 1\nFeature of policing number 2\nFeature of policing number 3"
    )


def test_a_text_that_looks_like_a_formula_is_defused(client):
    made_public('=HYPERLINK("http://example.com","Click")', at=london(2026, 2, 2, 10))

    (row,) = [r for r in rows(download(client, "complaints")) if r["reference"] == "SC-2026-001"]

    assert row["title"] == '\'=HYPERLINK("http://example.com","Click")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        ("2020-03", "2020-03"),
        (["Liberty", "Southall Black Sisters"], "Liberty; Southall Black Sisters"),
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("Mid=dle", "Mid=dle"),
        (["=A1", "B"], "'=A1; B"),
    ],
)
def test_cells(value, expected):
    assert cell(value) == expected


def test_recommendations_csv(client):
    first, second = rows(download(client, "recommendations"))

    assert first["reference"] == "SC-2019-002-R1"
    assert first["complaint_reference"] == "SC-2019-002"
    assert first["label"] == "Recommendation 1"
    assert first["text"].startswith("In consultation with chief constables,")
    assert first["text_verified"] == "false"
    assert first["addressee_groups"] == ""
    assert first["addressees"] == "Home Office"
    assert second["addressee_groups"] == "chief constables"
    assert len(second["addressees"].split("; ")) == 43
    assert second["addressees"].startswith("Avon and Somerset Constabulary; Bedfordshire Police; ")


def test_obligations_csv_lists_every_addressee_with_its_deadline(client):
    give_deadline(obligation("SC-2019-002-R2", "kent-police"), datetime.date(2021, 7, 21))
    publish_response(
        obligation("SC-2019-002-R2", "kent-police"),
        status="accepted",
        submitted=london(2021, 7, 20, 12),
        published=london(2021, 7, 28, 9),
    )

    table = rows(download(client, "obligations"))

    assert len(table) == 44
    assert table[0] == {
        "recommendation_reference": "SC-2019-002-R1",
        "complaint_reference": "SC-2019-002",
        "organisation_slug": "home-office",
        "organisation_name": "Home Office",
        "addressed_as": "",
        "due": "",
        "responses_published": "0",
        "marked_overdue_on": "",
    }
    kent = next(row for row in table if row["organisation_slug"] == "kent-police")
    assert (kent["addressed_as"], kent["due"], kent["responses_published"]) == (
        "chief constables",
        "2021-07-21",
        "1",
    )


def test_responses_csv_holds_published_responses_with_their_timeliness(client):
    give_deadline(obligation("SC-2019-002-R2", "kent-police"), datetime.date(2021, 7, 21))
    give_deadline(obligation("SC-2019-002-R2", "essex-police"), datetime.date(2021, 7, 21))
    publish_response(
        obligation("SC-2019-002-R2", "kent-police"),
        status="accepted",
        submitted=london(2021, 7, 21, 23, 30),
        published=london(2021, 7, 28, 9),
        reasons="Training, under way.",
        explanation="All officers by March 2022.",
    )
    publish_response(
        obligation("SC-2019-002-R2", "essex-police"),
        status="not_accepted",
        submitted=london(2021, 7, 22, 0, 30),
        published=london(2021, 7, 28, 9),
    )
    publish_response(
        obligation("SC-2019-002-R1", "home-office"),
        status="already_in_place",
        submitted=london(2021, 9, 1, 12),
        published=london(2021, 9, 2, 12),
    )

    table = rows(download(client, "responses"))

    assert [(r["organisation_slug"], r["status"], r["submitted"], r["due"], r["on_time"]) for r in table] == [
        ("home-office", "already_in_place", "2021-09-01", "", ""),
        ("essex-police", "not_accepted", "2021-07-22", "2021-07-21", "false"),
        ("kent-police", "accepted", "2021-07-21", "2021-07-21", "true"),
    ]
    assert table[2]["reasons"] == "Training, under way."
    assert table[2]["explanation"] == "All officers by March 2022."
    assert table[2]["published"] == "2021-07-28"
    assert table[2]["recommendation_reference"] == "SC-2019-002-R2"


def test_the_welsh_address_serves_the_same_file(client):
    assert download(client, "complaints", prefix="/cy").content == download(client, "complaints").content


def test_nothing_unpublished_is_in_any_file(client):
    seeded = seed_unpublished()

    everything = "\n".join(
        download(client, name).content.decode("utf-8-sig")
        for name in ("complaints", "recommendations", "obligations", "responses")
    )
    listed = [row["reference"] for row in rows(download(client, "complaints"))]

    assert MARK not in everything
    assert CONTACT_NAME not in everything
    assert CONTACT_EMAIL not in everything
    assert seeded.received.reference not in listed
    assert seeded.assessing.reference not in listed
    embargoed = next(
        row for row in rows(download(client, "complaints")) if row["reference"] == seeded.embargoed.reference
    )
    assert (embargoed["stage"], embargoed["report_title"], embargoed["report_published"]) == (
        "investigating",
        "",
        "",
    )
    investigating = next(
        row
        for row in rows(download(client, "complaints"))
        if row["reference"] == seeded.investigating.reference
    )
    assert investigating["progress_reports_sent"] == "1"


@pytest.mark.parametrize(
    # Obligations bring their deadline days in the same query (a subquery).
    ("name", "queries"),
    # Published responses bring their withheld passages and their actions, a query each.
    [("complaints", 5), ("recommendations", 7), ("obligations", 4), ("responses", 4)],
)
def test_each_file_takes_a_fixed_number_of_queries(client, django_assert_num_queries, name, queries):
    cache_content_types()
    publish_response(
        obligation("SC-2019-002-R2", "kent-police"),
        status="accepted",
        submitted=london(2021, 7, 20, 12),
        published=london(2021, 7, 28, 9),
    )
    with django_assert_num_queries(queries):
        download(client, name)
    for n in range(3):
        made_public(f"Named forces {n}", forces=["Gwent Police"], at=london(2026, 3, 2 + n, 10))
    for slug in ("essex-police", "gwent-police"):
        publish_response(
            obligation("SC-2019-002-R2", slug),
            status="accepted",
            submitted=london(2021, 7, 20, 12),
            published=london(2021, 7, 28, 9),
        )
    with django_assert_num_queries(queries):
        download(client, name)
