"""Plain, warm explanations of a leave result, in simplified Chinese and in English, for the bot and the web."""

from __future__ import annotations

from content.leave.calculator import LeaveResult, Part
from content.leave.rules import Counting, Provision, Text, Unit

UNIT_ZH = {Unit.days: "天", Unit.working_days: "个工作日"}
UNIT_EN = {Unit.days: "days", Unit.working_days: "working days"}


def _source_zh(p: Provision) -> str:
    """The law first, then any document that cites it (the 杭锦旗 seed cites Inner Mongolia's 条例)."""
    cited = "".join(f"；{c.title}（{c.number}）{c.article}引用" for c in p.cited_by)
    return f"{p.title}{p.article}{cited}" + ("" if p.verified else "【未核实】")


def _source_en(p: Provision) -> str:
    cited = "".join(f"; cited in {c.title} ({c.number}) {c.article}" for c in p.cited_by)
    return f"{p.title}, {p.article}{cited}" + ("" if p.verified else " [unverified]")


def explain(result: LeaveResult) -> Text:
    return Text(zh=explain_zh(result), en=explain_en(result))


def explain_zh(result: LeaveResult) -> str:
    req, province = result.request, result.request.province
    lines = [_opening_zh(result), f"地区：{province.name}（{province.code}）　日期：{req.birth_date.isoformat()}", ""]
    m = result.maternity
    if m is not None:
        sum_text = " + ".join(str(part.days) for part in m.parts)
        total = f"共{m.days}天（{sum_text} = {m.days}）" if len(m.parts) > 1 else f"共{m.days}天"
        lines.append(f"【产假】{total}" + ("" if m.verified else "，其中部分天数未核实"))
        lines += [f"  · {_part_zh(part)}" for part in m.parts]
        estimate = "（估算）" if m.end_is_estimate else ""
        lines.append(f"  时间：{m.start.isoformat()} 至 {m.end.isoformat()}{estimate}")
    if result.paternity is not None:
        p = result.paternity
        lines.append(f"【陪产假（护理假）】{p.days}{UNIT_ZH[p.unit]}，由配偶休：{_source_zh(p.provision)}")
    if result.parental is not None:
        q = result.parental
        lines.append(f"【育儿假】父母每人每年{q.days_per_year}{UNIT_ZH[q.unit]}，直到孩子满{q.until_age_years}周岁"
                     f"（{q.until.isoformat()}）：{_source_zh(q.provision)}")
    if result.nursing is not None:
        lines += _nursing_zh(result)
    if result.notes:
        lines += ["", "请注意："] + [f"  · {note.text.zh}" for note in result.notes]
    return "\n".join(lines)


def explain_en(result: LeaveResult) -> str:
    req, province = result.request, result.request.province
    lines = [_opening_en(result), f"Region: {province.name_en} ({province.code})   Date: {req.birth_date.isoformat()}",
             ""]
    m = result.maternity
    if m is not None:
        sum_text = " + ".join(str(part.days) for part in m.parts)
        total = f"{m.days} days ({sum_text} = {m.days})" if len(m.parts) > 1 else f"{m.days} days"
        lines.append(f"Maternity leave: {total}" + ("" if m.verified else ", some of it unverified"))
        lines += [f"  - {_part_en(part)}" for part in m.parts]
        estimate = " (estimate)" if m.end_is_estimate else ""
        lines.append(f"  Dates: {m.start.isoformat()} to {m.end.isoformat()}{estimate}")
    if result.paternity is not None:
        p = result.paternity
        lines.append(f"Paternity leave (for the spouse): {p.days} {UNIT_EN[p.unit]}: {_source_en(p.provision)}")
    if result.parental is not None:
        q = result.parental
        lines.append(f"Parental leave: {q.days_per_year} {UNIT_EN[q.unit]} a year for each parent, until the child "
                     f"turns {q.until_age_years} ({q.until.isoformat()}): {_source_en(q.provision)}")
    if result.nursing is not None:
        lines += _nursing_en(result)
    if result.notes:
        lines += ["", "Please note:"] + [f"  - {note.text.en}" for note in result.notes]
    return "\n".join(lines)


def _nursing_zh(result: LeaveResult) -> list[str]:
    n, province = result.nursing, result.request.province
    assert n is not None
    lines = [f"【哺乳时间】孩子满{n.until_age_years}周岁前（{n.until.isoformat()}），"
             f"每天在劳动时间内有{n.hours_per_day}小时哺乳时间，单位不得安排加班或夜班：{_source_zh(n.provision)}"]
    if n.leave is not None:
        lines.append(f"【哺乳假】{n.leave.days}天：{_source_zh(n.leave)}")
    else:
        lines.append(f"【哺乳假】本服务未收录{province.name}的哺乳假规定：有没有、有多长，未知，请向单位或当地人社部门咨询。")
    return lines


def _nursing_en(result: LeaveResult) -> list[str]:
    n, province = result.nursing, result.request.province
    assert n is not None
    hours = "1 hour" if n.hours_per_day == 1 else f"{n.hours_per_day} hours"
    lines = [f"Nursing time: {hours} a day within working hours until the child turns {n.until_age_years} "
             f"({n.until.isoformat()}), with no overtime or night shifts: {_source_en(n.provision)}"]
    if n.leave is not None:
        lines.append(f"Nursing leave: {n.leave.days} days: {_source_en(n.leave)}")
    else:
        lines.append(f"Nursing leave (哺乳假): {province.name_en}'s rule, if any, is not recorded here: unknown. "
                     "Ask your employer or the local human resources bureau.")
    return lines


def _part_zh(part: Part) -> str:
    return f"{part.label.zh} {part.days}天：{_source_zh(part.provision)}"


def _part_en(part: Part) -> str:
    return f"{part.label.en}, {part.days} days: {_source_en(part.provision)}"


def _opening_zh(result: LeaveResult) -> str:
    if result.request.miscarriage_months is not None:
        return "很遗憾听到这个消息。请好好休息，照顾好自己。下面是您可以休的假："
    if result.is_due_date:
        return f"祝您孕期顺利！按预产期，您在{result.request.province.name}可以享受这些假期："
    return f"恭喜宝宝出生！您在{result.request.province.name}可以享受这些假期："


def _opening_en(result: LeaveResult) -> str:
    if result.request.miscarriage_months is not None:
        return "We are so sorry for your loss. Please rest and take care of yourself. This is the leave you can take:"
    if result.is_due_date:
        return f"Wishing you a good pregnancy! By the due date, your leave in {result.request.province.name_en} is:"
    return f"Congratulations on your baby! This is your leave in {result.request.province.name_en}:"


def counting(result: LeaveResult, asked: str | None) -> Text:
    """How the days of the leave asked about run ("是工作日还是自然日", "遇到国庆怎么算"), each with its document.
    Where the data does not say, the answer says so rather than guess."""
    zh: list[str] = []
    en: list[str] = []
    m = result.maternity
    if asked in (None, "maternity") and m is not None:
        for part in m.parts:
            how_zh, how_en = COUNTING_WORDS[part.provision.counting]
            zh.append(f"产假中{part.label.zh}{part.days}天：{how_zh}（{part.provision.title}）")
            en.append(f"Of the maternity leave, {part.label.en} ({part.days} days): {how_en} ({part.provision.title})")
    for kind, leave, zh_name, en_name in (("paternity", result.paternity, "陪产假", "Paternity leave"),
                                          ("parental", result.parental, "育儿假", "Parental leave")):
        if asked not in (None, kind) or leave is None:
            continue
        p = leave.provision
        if leave.unit is Unit.working_days:
            how_zh = "按工作日计算，周末和法定节假日不占用假期"
            how_en = "counted in working days, so weekends and public holidays are not used up"
        else:
            how_zh, how_en = COUNTING_WORDS[p.counting]
        zh.append(f"{zh_name}：{how_zh}（{p.title}）")
        en.append(f"{en_name}: {how_en} ({p.title})")
    if not zh:
        zh.append("这一项在该地区的规定还没有收录，请向单位人事或当地人社部门确认。")
        en.append("We have no figure for that here yet; ask your employer or the local social-security office.")
    return Text(zh="\n".join(zh), en="\n".join(en))


COUNTING_WORDS = {
    Counting.calendar: ("按日历日（自然日）连续计算，周末和法定节假日都算在内",
                        "calendar days in a row, weekends and public holidays included"),
    Counting.push_back: ("遇法定节假日顺延", "public holidays push it back (遇法定节假日顺延)"),
    Counting.unknown: ("规定只写了天数，是否包含节假日没有写明，以单位和当地人社部门的解释为准",
                       "the rule gives only the number of days and does not say whether holidays count: ask your "
                       "employer or the local social-security office"),
}
