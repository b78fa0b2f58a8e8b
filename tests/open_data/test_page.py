import csv
import io
import re

import pytest

from tests.helpers import assert_valid_html
from tests.public.seed import MARK, seed_unpublished

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

FILES = ["complaints", "recommendations", "obligations", "responses"]
LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def page(client, prefix=""):
    response = client.get(f"{prefix}/open-data/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_each_download(client):
    html = page(client)

    assert re.findall(r'<a class="govuk-link" href="(/open-data/[^"]+)">([^<]+)</a>', html) == [
        ("/open-data/complaints.csv", "Super-complaints (CSV)"),
        ("/open-data/recommendations.csv", "Recommendations (CSV)"),
        ("/open-data/obligations.csv", "Addressees and deadlines (CSV)"),
        ("/open-data/responses.csv", "Responses (CSV)"),
    ]
    assert "<title>Open data – Police super-complaints</title>" in html
    assert '<h1 class="govuk-heading-xl">Open data</h1>' in html


def test_the_page_states_the_open_government_licence(client):
    html = page(client)

    assert f'<a class="govuk-link" href="{LICENCE}" rel="license">Open Government Licence v3.0</a>' in html
    assert '<a class="govuk-link" href="/api/openapi.json">OpenAPI document</a>' in html


@pytest.mark.parametrize("name", FILES)
def test_the_data_dictionary_describes_every_column_of_every_file_in_order(client, name):
    html = page(client)
    header = next(csv.reader(io.StringIO(client.get(f"/open-data/{name}.csv").content.decode("utf-8-sig"))))

    table = re.search(
        rf'<table class="govuk-table app-table--responsive" id="columns-{name}">(.*?)</table>',
        html,
        flags=re.S,
    ).group(1)
    described = re.findall(
        r'<th scope="row" class="govuk-table__header"><code lang="en">([a-z_]+)</code></th>\s*'
        r'<td class="govuk-table__cell" data-label="What it holds">([^<]+)</td>',
        table,
    )

    assert [column for column, _description in described] == header
    assert all(len(description.strip()) > 10 for _column, description in described)


def test_the_welsh_page_links_to_the_welsh_addresses(client):
    html = page(client, prefix="/cy")

    assert '<html lang="cy"' in html
    assert re.findall(r'href="(/cy/open-data/[^"]+\.csv)"', html) == [
        f"/cy/open-data/{name}.csv" for name in FILES
    ]
    assert "open-government-licence-cymraeg/version/3/" in html
    assert "<title>Data agored – " in html


@pytest.mark.parametrize("prefix", ["", "/cy"])
def test_the_page_is_valid_html(client, prefix):
    assert_valid_html(page(client, prefix), name=f"{prefix}/open-data/")


def test_the_page_shows_nothing_unpublished(client):
    seed_unpublished()

    assert MARK not in page(client)
