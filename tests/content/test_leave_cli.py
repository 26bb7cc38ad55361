"""`carecircle leave`, as the contract states it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()
TODAY = ["--today", "2025-12-15"]


def run(*args: str):
    return runner.invoke(app, ["leave", *args, *TODAY])


def test_json_contract_inner_mongolia():
    result = run("--region", "150000", "--birth-date", "2024-05-01", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["region"]["code"] == "150000" and answer["region"]["name"] == "内蒙古自治区"
    kinds = {e["kind"]: e for e in answer["entitlements"]}
    assert list(kinds) == ["maternity", "paternity", "parental", "nursing"]  # nursing: an extra kind
    maternity = kinds["maternity"]
    assert (maternity["days"], maternity["start"], maternity["end"]) == (158, "2024-05-01", "2024-10-05")
    assert [b["days"] for b in maternity["basis"]] == [98, 60]
    assert all(b["title"] and b["article"] for e in answer["entitlements"] for b in e["basis"])
    assert maternity["verified"] is True
    assert (kinds["paternity"]["days"], kinds["paternity"]["verified"]) == (25, True)
    parental = kinds["parental"]
    assert (parental["days_per_year"], parental["until_age_years"], parental["verified"]) == (10, 3, False)
    assert isinstance(answer["notes"], list) and answer["notes"]


def test_json_flags():
    result = run("--region", "内蒙古", "--birth-date", "2024-05-01", "--babies", "2", "--difficult-birth",
                 "--birth-order", "2", "--json")
    assert result.exit_code == 0, result.output
    maternity = json.loads(result.stdout)["entitlements"][0]
    assert [b["days"] for b in maternity["basis"]] == [98, 15, 15, 60]


def test_miscarriage_flag():
    result = run("--region", "上海", "--birth-date", "2025-12-01", "--miscarriage-months", "5", "--json")
    assert result.exit_code == 0, result.output
    assert [(e["kind"], e["days"]) for e in json.loads(result.stdout)["entitlements"]] == [("maternity", 42)]


def test_readable_output_is_chinese_then_english():
    result = run("--region", "内蒙古", "--birth-date", "2024-05-01")
    assert result.exit_code == 0, result.output
    assert "共158天（98 + 60 = 158）" in result.stdout
    assert result.stdout.index("产假") < result.stdout.index("Maternity leave: 158 days")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--region", "陕溪", "--birth-date", "2024-05-01"], ["--region", "陕西省", "山西省"]),
        (["--region", "999999", "--birth-date", "2024-05-01"], ["--region"]),
        (["--region", "内蒙古", "--birth-date", "2024-02-30"], ["--birth-date", "2024-02-30"]),
        (["--region", "内蒙古", "--birth-date", "2026-12-01"], ["--birth-date", "10"]),
        (["--region", "内蒙古", "--birth-date", "2024-05-01", "--babies", "0"], ["--babies"]),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args, words):
    result = run(*args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert all(word in result.stderr for word in words)
