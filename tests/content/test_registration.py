"""Registration routes per region, from each region's document, and the article that states them."""

from __future__ import annotations

import pytest

from content.guidance import load_library
from content.registration import local_routes, route_for


def offices(code: str) -> list[str]:
    return [step.office.zh for step in route_for(code).registration]


def test_yuncheng_routes_both_non_profit_and_for_profit_to_the_approval_service_department() -> None:
    route = route_for("140802")  # 盐湖区
    assert route.region == "140800" and route.source.number == "运政办发〔2020〕37号"
    assert route.source.article.startswith("二、（四）11.")
    steps = {s.provider.zh: s.office.zh for s in route.registration}
    assert "机构编制部门" in steps["事业单位性质的托育机构"]
    assert "审批服务管理部门" in steps["非营利性、营利性的托育机构"]
    assert "卫生健康部门备案" in route.filing.zh


@pytest.mark.parametrize(("code", "non_profit", "for_profit", "number"), [
    ("150625", "旗委编办或民政局", "旗市场监管局", "杭政办发〔2021〕62号"),
    ("150627", "机构编制部门或民政部门", "市场监管部门", "内政办发〔2019〕31号"),  # 伊金霍洛旗 follows the region
    ("510822", "机构编制部门或社会组织登记管理机关", "市场监管部门", "广府办发〔2020〕17号"),  # 青川县, 广元
])
def test_other_seed_regions(code: str, non_profit: str, for_profit: str, number: str) -> None:
    route = route_for(code)
    assert route.verified and route.source.number == number
    first, second = offices(code)[:2]
    assert non_profit in first and for_profit in second


def test_elsewhere_the_national_route_is_marked_unverified() -> None:
    route = route_for("440100")
    assert route.national and not route.verified
    assert route_for(None).national and route_for("not a code").national


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_choosing_childcare_states_each_region_s_route_from_the_data(locale: str) -> None:
    body = load_library().get("choosing-childcare", locale).body
    for route in local_routes():
        assert route.name(locale) in body
        assert route.source.number in body
        for step in route.registration:
            assert step.office(locale) in body, (route.region, step.office(locale))
    # the old one-size route is no longer stated for everyone
    assert "非营利性的在编办或民政部门登记，营利性的在市场监管部门登记" not in body
