"""Checking a centre by name: typos, missing words, short forms and partial names."""

from __future__ import annotations

import pytest

from geodata.centre import Centre, Kind, Status
from geodata.names import NameIndex, short_forms_of


def centre(cid: str, name: str, address: str = "伊金霍洛旗阿勒腾席热镇", status: Status = Status.active) -> Centre:
    return Centre(id=cid, name=name, address=address, lat=39.6, lon=109.76, district_code="150627",
                  kind=Kind.centre, inclusive=True, status=status)


NAMES = NameIndex([
    centre("1", "伊金霍洛旗阿勒腾席热镇小星星托育园有限公司"),
    centre("2", "萌宝驿站·天骄社区点", "阿勒腾席热镇天骄社区"),
    centre("3", "萌宝驿站·铜川社区点", "阿勒腾席热镇铜川社区"),
    centre("4", "金色童年托育中心", status=Status.closed),
    centre("5", "彩虹桥家庭托育点"),
    centre("6", "运城市盐湖区阳光宝贝托育园", "运城市盐湖区"),
])


def best(query: str) -> str:
    found = NAMES.search(query)
    assert found, query
    return found[0].centre.id


@pytest.mark.parametrize(("query", "expected"), [
    ("伊金霍洛旗阿勒腾席热镇小星星托育园有限公司", "1"),   # exact
    ("小星星托育园", "1"),                                # missing words
    ("阿镇小星星托育园", "1"),                            # short form of the town
    ("伊旗小星星", "1"),                                  # short form of the banner
    ("小猩猩托育园", "1"),                                # typo
    ("萌宝驿站天骄", "2"),                                # partial
    ("金色童年", "4"),                                    # closed centres are still found, with their status
    ("彩虹桥托育", "5"),
    ("阳光宝贝", "6"),
])
def test_best_candidate(query: str, expected: str) -> None:
    assert best(query) == expected


def test_a_partial_name_lists_every_point_of_that_name() -> None:
    assert {m.centre.id for m in NAMES.search("萌宝驿站")[:2]} == {"2", "3"}


def test_unknown_names_find_nothing() -> None:
    assert NAMES.search("蓝天白云早教") == []


def test_closed_status_is_returned() -> None:
    assert NAMES.search("金色童年托育中心")[0].centre.status is Status.closed


def test_short_forms() -> None:
    assert short_forms_of(["伊金霍洛旗阿勒腾席热镇天骄社区"]) == {"伊旗": "伊金霍洛旗", "阿镇": "阿勒腾席热镇"}


def test_a_places_short_name_inside_a_centres_name_is_not_expanded() -> None:
    index = NameIndex([centre("1", "育才幼儿园托班", "杭锦旗锡尼镇团结路67号")],
                      short_forms={"育才": "育才小区", "阿镇": "阿勒腾席热镇"})
    assert index.expand("育才幼儿园托班") == "育才幼儿园托班"
    assert index.expand("阿镇的托班") == "阿勒腾席热镇的托班"
    assert index.search("育才幼儿园托班", limit=1)[0].score >= 95
