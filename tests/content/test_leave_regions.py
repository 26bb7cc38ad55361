"""Reading a region: code, full or short name, county code; close matches for the rest."""

from __future__ import annotations

import pytest

from geodata.regions import UnknownRegion, confusable_with, find_province, province_of, resolve_province


@pytest.mark.parametrize(
    ("text", "code"),
    [("150000", "150000"), ("内蒙古", "150000"), ("内蒙古自治区", "150000"), (" 山西 ", "140000"),
     ("陕西省", "610000"), ("Shaanxi", "610000"), ("150627", "150000"), ("510802", "510000")],
)
def test_resolve(text, code):
    assert resolve_province(text).code == code


@pytest.mark.parametrize(("text", "first"), [("内蒙", "150000"), ("四 川", "510000"), ("陕溪", "610000")])
def test_close_matches(text, first):
    with pytest.raises(UnknownRegion) as err:
        resolve_province(text)
    assert err.value.suggestions[0].code == first


def test_shaanxi_suggestion_brings_shanxi_along():
    with pytest.raises(UnknownRegion) as err:
        resolve_province("陕溪")
    assert [p.code for p in err.value.suggestions] == ["610000", "140000"]
    assert "山西省" in str(err.value)


@pytest.mark.parametrize("text", ["", "990000", "12345"])
def test_nothing_close(text):
    with pytest.raises(UnknownRegion) as err:
        resolve_province(text)
    assert err.value.suggestions == []


def test_existing_functions_still_work():
    assert find_province("150627") is None
    assert province_of("150627").code == "150000"
    assert confusable_with(resolve_province("山西")).code == "610000"
    assert confusable_with(resolve_province("四川")) is None
