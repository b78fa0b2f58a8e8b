"""The open-data page in a real browser: WCAG 2.2 AA by axe-core, in English and Welsh."""

import pytest

from tests.helpers import assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("url", "heading"), [("/open-data/", "Open data"), ("/cy/open-data/", "Data agored")]
)
def test_the_open_data_page_has_no_accessibility_violations(live_server, page, url, heading):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    response = page.goto(live_server.url + url)

    assert response.status == 200
    assert page.locator("h1").inner_text() == heading
    assert page.locator("table.govuk-table").count() == 4
    assert_accessible(page)
    assert errors == []
