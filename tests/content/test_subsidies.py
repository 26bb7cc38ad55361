"""Subsidies: who receives each payment, how to apply where the document says, and the right citations."""

from __future__ import annotations

import pytest

from content.subsidies import Recipient, all_subsidies, subsidies_for, subsidy_answer


def by_id(item_id: str):  # type: ignore[no-untyped-def]
    return next(s for s in all_subsidies() if s.id == item_id)


def test_every_item_says_who_receives_it() -> None:
    for item in all_subsidies():
        assert item.recipient in Recipient
        assert item.recipient_label("zh") and item.recipient_label("en")


@pytest.mark.parametrize(("item_id", "recipient"), [
    ("ejin-horo-inclusive-per-child", Recipient.centres),  # 每生每年300元 goes to the centre
    ("ejin-horo-centre-grants", Recipient.centres),
    ("ejin-horo-carer-bonus", Recipient.carers),
    ("yuncheng-employer-fee", Recipient.parents),
    ("yuncheng-priority", Recipient.parents),
    ("yuncheng-employer-tax", Recipient.employers),
    ("hanggin-utilities", Recipient.centres),
    ("guangyuan-tax-relief", Recipient.centres),
    ("guangyuan-public-posts", Recipient.carers),
    ("guangyuan-family-health", Recipient.parents),
])
def test_who_receives_each_payment(item_id: str, recipient: Recipient) -> None:
    assert by_id(item_id).recipient is recipient


def test_money_for_centres_never_reads_as_money_for_families() -> None:
    per_child = by_id("ejin-horo-inclusive-per-child")
    assert "300" in per_child.text("zh") and "托育机构" in per_child.text("zh") and "不发给家庭" in per_child.text("zh")
    assert "not paid to families" in per_child.text("en")
    answer = subsidy_answer("150627")
    assert per_child not in answer.for_families
    assert [g.recipient for g in answer.groups()] == [Recipient.parents, Recipient.centres, Recipient.carers]


def test_how_to_apply_where_the_seed_says() -> None:
    utilities = by_id("hanggin-utilities")
    assert utilities.how_to_apply is not None
    assert "向水、电、气、热企业提出申请" in utilities.text("zh")
    assert "How to apply" in utilities.text("en")
    assert by_id("yuncheng-priority").how_to_apply is None  # the seed does not say: we do not guess


def test_citations_name_the_seed_article() -> None:
    assert by_id("hanggin-utilities").source.article.startswith("三、（四）1.")
    assert by_id("yuncheng-employer-fee").source.article.startswith("二、（三）8.")
    assert by_id("ejin-horo-inclusive-per-child").source.article.startswith("二、（三）7.")
    assert by_id("inner-mongolia-utilities").source.article.startswith("二、（四）10.")


def test_guangyuan_has_its_support_policies() -> None:
    ids = {s.id for s in subsidies_for("510802")}  # 利州区, 广元市
    assert {"guangyuan-tax-relief", "guangyuan-public-posts", "guangyuan-venues", "guangyuan-insurance",
            "guangyuan-special-funds", "guangyuan-land", "guangyuan-professional-titles",
            "guangyuan-family-health"} <= ids
    tax = by_id("guangyuan-tax-relief").text("zh")
    assert "免征增值税" in tax and "减按90%计入收入总额" in tax and "免征房产税、城镇土地使用税" in tax
    assert subsidy_answer("510802").has_local


def test_a_county_gets_its_own_its_city_s_its_province_s_and_the_national_items_families_first() -> None:
    items = subsidies_for("150627")
    regions = {s.region for s in items}
    assert regions == {"150627", "150000", "000000"}
    recipients = [s.recipient for s in items]
    assert recipients == sorted(recipients, key=list(Recipient).index)
    assert not subsidy_answer("440100").has_local  # 广州: only the national item
    assert subsidies_for(None) == [by_id("national-childcare-subsidy")]


def test_what_the_seeds_leave_open_is_said_to_be_open() -> None:
    funding = by_id("yuncheng-centre-funding")
    assert "制定扶持托育机构发展的政策" in funding.zh and "文件未定金额和申请办法" in funding.zh
    assert "no amounts and no way to apply" in funding.en and funding.how_to_apply is None
    special = by_id("guangyuan-special-funds")
    assert "文件没有写明这些资金发给谁" in special.zh and "does not say who receives" in special.en
    assert "组织申报" in special.zh
    training = by_id("yuncheng-carer-training")
    assert "vocational training subsidy (职业培训补贴)" in training.en and "certification" not in training.en


@pytest.mark.parametrize("item_id", ["guangyuan-insurance", "yuncheng-insurance"])
def test_insurance_items_encourage_insurers_and_pay_no_one(item_id: str) -> None:
    item = by_id(item_id)
    assert "鼓励" in item.zh and "不是发给托育机构或家庭的钱" in item.zh
    assert "encourages" in item.en and "not money paid to centres or families" in item.en


@pytest.mark.parametrize(("item_id", "article"), [
    ("yuncheng-tax-relief", "二、（三）8."),
    ("yuncheng-insurance", "二、（三）8."),
    ("yuncheng-community-venues", "二、（二）5."),
    ("yuncheng-land", "二、（三）9."),
    ("hanggin-land", "三、（四）2."),
    ("hanggin-medical-staff", "三、（四）1."),
    ("inner-mongolia-community", "二、（一）2."),
    ("inner-mongolia-sector-support", "二、（四）10."),
    ("inner-mongolia-medical-staff", "二、（四）10."),
    ("inner-mongolia-land", "二、（四）11."),
])
def test_the_items_once_missing_are_there_with_their_article(item_id: str, article: str) -> None:
    item = by_id(item_id)
    assert item.source.article.startswith(article) and item.verified and item.quote
    assert item.recipient is (Recipient.unnamed if item_id == "yuncheng-insurance" else Recipient.centres)


def test_encouragement_and_unnamed_funds_are_not_labelled_as_paid_to_anyone() -> None:
    for item_id in ("yuncheng-insurance", "guangyuan-insurance", "guangyuan-special-funds"):
        item = by_id(item_id)
        assert item.recipient is Recipient.unnamed and not item.for_families
        assert item.text("zh").startswith("【政策导向（文件未写明发给谁") and "not paid to families" in item.text("en")


def test_land_allocation_is_stated_for_each_region_whose_seed_has_it() -> None:
    for item_id in ("yuncheng-land", "hanggin-land", "inner-mongolia-land"):
        item = by_id(item_id)
        assert "划拨" in item.zh and "(划拨)" in item.en
    assert "以较低的租赁价格或协议出让方式" in by_id("yuncheng-land").zh
