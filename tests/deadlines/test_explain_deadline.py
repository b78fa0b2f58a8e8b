"""manage.py explain_deadline: every rule, as text and as JSON lines, and its refusals."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    out = StringIO()
    call_command("explain_deadline", *args, stdout=out)
    return out.getvalue()


def run_json(*args):
    return [json.loads(line) for line in run(*args, "--json").splitlines()]


def test_reg5_text_is_the_explanation():
    text = run("reg5", "--from", "2019-05-31")
    assert "Received: Friday 31 May 2019." in text
    assert "- Saturday 1 June 2019: Saturday" in text
    assert text.rstrip().endswith(
        "Due: by the end of Thursday 6 June 2019, the 5th working day counting Friday 31 May 2019 as the first."
    )


def test_reg5_json_line():
    [line] = run_json("reg5", "--from", "2019-05-31")
    assert line["rule"] == "reg5"
    assert line["basis"] == "SI 2018/748 reg 5"
    assert (line["received"], line["start"], line["due"]) == ("2019-05-31", "2019-05-31", "2019-06-06")
    assert line["skipped"] == ["2019-06-01", "2019-06-02"]
    assert line["skipped_reasons"] == [
        {"date": "2019-06-01", "reason": "Saturday"},
        {"date": "2019-06-02", "reason": "Sunday"},
    ]
    assert line["explanation"].startswith("Acknowledgement (SI 2018/748 reg 5)")


@pytest.mark.parametrize("moment", ["2019-06-01T00:30:00+01:00", "2019-05-31T23:30:00Z"])
def test_reg5_at_a_moment_uses_the_london_date(moment):
    [line] = run_json("reg5", "--at", moment)
    # Saturday 1 June 2019 in London: start Mon 3, due Fri 7 June.
    assert (line["received"], line["start"], line["due"]) == ("2019-06-01", "2019-06-03", "2019-06-07")
    assert "Received: Saturday 1 June 2019, at 12:30am BST in London." in line["explanation"]


def test_reg7_prints_one_line_per_period():
    lines = run_json("reg7", "--from", "2019-10-01", "--periods", "3")
    assert [(p["period"], p["start"], p["due"]) for p in lines] == [
        (1, "2019-10-01", "2019-12-17"),
        (2, "2019-12-18", "2020-03-09"),
        (3, "2020-03-10", "2020-06-01"),
    ]
    text = run("reg7", "--from", "2019-10-01", "--periods", "2")
    assert "Due: progress report 1 by the end of Tuesday 17 December 2019" in text
    assert "Due: progress report 2 by the end of Monday 9 March 2020" in text


def test_days_and_working_days():
    [calendar] = run_json("days", "--from", "2024-09-27", "--days", "56")
    assert (calendar["rule"], calendar["start"], calendar["due"], calendar["skipped"]) == (
        "calendar-days",
        "2024-09-28",
        "2024-11-22",
        [],
    )
    [working] = run_json("working-days", "--from", "2022-09-16", "--days", "3")
    assert (working["rule"], working["start"], working["due"]) == ("working-days", "2022-09-20", "2022-09-22")
    assert working["skipped"] == ["2022-09-17", "2022-09-18", "2022-09-19"]
    assert "Due: by the end of Friday 22 November 2024" in run("days", "--from", "2024-09-27", "--days", "56")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["reg5", "--from", "2019-13-01"], "'2019-13-01' is not a date: write it as YYYY-MM-DD"),
        (["reg5", "--from", "31/05/2019"], "'31/05/2019' is not a date"),
        (["reg5"], "one of the arguments --from --at is required"),
        (["reg5", "--at", "2019-06-01T00:30:00"], "'2019-06-01T00:30:00' has no UTC offset"),
        (["reg5", "--at", "yesterday"], "'yesterday' is not a date and time"),
        (["reg5", "--from", "2019-05-31", "--at", "2019-06-01T00:30:00+01:00"], "not allowed with argument"),
        (["reg7", "--from", "2019-10-01"], "reg7 needs --periods N"),
        (["reg7", "--from", "2019-10-01", "--periods", "0"], "'0' must be 1 or more"),
        (["reg7", "--from", "2019-10-01", "--periods", "two"], "'two' is not a whole number"),
        (["days", "--from", "2024-09-27"], "days needs --days N."),
        (["working-days", "--from", "2024-09-27"], "working-days needs --days N."),
        (["reg5", "--from", "2019-05-31", "--days", "3"], "--days is only for days and working-days."),
        (["days", "--from", "2024-09-27", "--days", "3", "--periods", "2"], "--periods is only for reg7."),
        (["reg6", "--from", "2019-05-31"], "invalid choice: 'reg6'"),
        (["days", "--from", "9999-12-30", "--days", "56"], "Cannot work out this deadline"),
    ],
)
def test_bad_input_is_a_clear_command_error(args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)


def test_bad_input_on_the_command_line_prints_no_traceback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "explain_deadline", "reg5", "--at", "2019-06-01T00:30:00"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "has no UTC offset" in result.stderr
    assert "Traceback" not in result.stderr
