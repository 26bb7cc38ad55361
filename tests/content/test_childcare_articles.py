"""The childcare articles state each region's rule as that region's, with its document and article, and mark
what the documents we hold do not say (the national 3600元, the 个税 deduction) as unverified."""

from __future__ import annotations

import re

import pytest

from content.guidance import load_library

LIBRARY = load_library()


def body(slug: str, locale: str = "zh") -> str:
    return LIBRARY.get(slug, locale).body


def sentence_with(text: str, words: str) -> str:
    """The sentence (or list item) that holds the words."""
    return next(s for s in re.split(r"[。\n]", text) if words in s)


def test_national_figures_not_in_the_documents_held_are_marked_unverified() -> None:
    text = body("childcare-subsidies")
    for figure in ("每孩每年3600元", "每月2000元"):
        assert "未核实" in sentence_with(text, figure), figure
    summary = LIBRARY.get("childcare-subsidies").summary
    assert "未核实" in summary


def test_inclusive_centres_are_described_as_the_seed_describes_them() -> None:
    text = body("childcare-subsidies")
    assert "收费也相应较低" not in text and "收费更低" not in text  # no seed says so
    assert "同时享受价格优惠、税收优惠、租金减免等政策（伊政办发〔2024〕28号 二、（三）7.）" in text
    assert "**伊金霍洛旗**（伊政办发〔2024〕28号 二、（三）7.）" in text
    assert "社会办托机构" in text and "示范托育机构" in text


@pytest.mark.parametrize(("slug", "locale"), [
    ("choosing-childcare", "zh"), ("choosing-childcare", "en"), ("childcare-complaints", "zh")])
def test_the_blacklist_and_the_filing_rule_are_regional(slug: str, locale: str) -> None:
    text = body(slug, locale)
    assert "杭政办发〔2021〕62号" in sentence_with(text, "黑名单制度" if locale == "zh" else "blacklist")
    assert "国家建立了" not in text and "国家对托育机构" not in text and "China keeps" not in text
    assert "没有备案的机构不能开展托育服务" not in text and "A nursery that has not filed may not operate" not in text
    if locale == "zh":
        assert "杭锦旗要求依法建立托育机构及其工作人员黑名单制度" in text and "三、（三）4.）" in text
        assert "经现场勘验同意后方可开展服务" in text
        assert "查处未取得营业执照、未经备案而擅自运行的婴幼儿照护服务机构" in text and "附件1" in text
    else:
        assert "on-site inspection" in text and "without a business licence or without filing" in text


def test_service_modes_in_the_business_scope_are_hanggin_s_rule() -> None:
    text = body("childcare-service-forms")
    assert "例如杭锦旗要求注册经营范围注明全日制、半日制或计时制等托育服务模式" \
           "（杭政办发〔2021〕62号 三、（三）1.）" in text
