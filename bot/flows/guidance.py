"""Guidance: an article for the words and the child's age, or the articles for that age."""

from __future__ import annotations

import re

from bot import answers
from bot.conversations import State
from bot.flows import Context
from bot.replies import Message, Reply, Turn
from bot.slots import find_age_months, is_choking, looks_english, without_age
from content.guidance.library import GuidanceError
from content.guidance.model import Article
from geodata.policy import MAX_CHILD_AGE_MONTHS

# The first-aid articles by what happened ("身上烫", "摸着烫" is a fever, not a burn).
FIRST_AID = (("burns-prevention", re.compile(r"(?<![上头着好发滚很])烫|烧伤|开水|水泡|水疱|\bscald|\bburn", re.I)),
             ("fever", re.compile(r"抽搐|抽风|惊厥|抽了|一直抽|在抽|\bseizure|\bfitting\b|\bconvuls", re.I)),  # a fit
             ("head-injury", re.compile(r"摔\S{0,6}头|头\S{0,2}(?:先)?着地|(?:磕|撞|碰)(?:到|了|伤)\S{0,2}头|"
                                        r"头\S{0,2}(?:磕|撞)|"
                                        r"\bhead injur|\b(?:hit|bump\w*|bang\w*) (?:his|her|their|the) head|"
                                        r"\bfell on (?:his|her|their) head", re.I)),
             ("drowning-prevention", re.compile(r"溺水|呛水|掉(?:进|到)?水|淹|\bdrown", re.I)),
             # a battery or a magnet swallowed: when to see a doctor
             ("poisoning-prevention", re.compile(r"误服|中毒|(?:喝|吃|吞)了\S{0,6}(?:消毒|洗|药|酒|油|凝珠|清洁剂)|"
                                                 r"药\S{0,2}吃了|\bpoison", re.I)))


OWN_QUESTION = 8  # characters: a follow-up this long is searched on its own words first


def guidance(ctx: Context, state: State, message: Message, text: str, *, age_given: int | None = None,
             context: str = "") -> Turn:
    """The article for the question; `context` is the question it follows up ("还能吃奶不" after diarrhoea)."""
    lang = state.language
    age = age_given if age_given is not None else find_age_months(text)
    if age is not None and age <= MAX_CHILD_AGE_MONTHS:
        state.age_months = age
    state.topic = "guidance"
    # An age said now picks among the matches; one said earlier does not outweigh the topic asked about now.
    # A follow-up is searched with the question it follows, unless it is a question of its own (a topic named, or
    # a whole sentence: "晚上老是醒好几次 睡不踏实咋整" after the weaning article); the passage is about what is asked.
    said_age = age if age is not None and age <= MAX_CHILD_AGE_MONTHS else None
    on_its_own = names_a_topic(ctx, text) or len(text.replace(" ", "")) >= OWN_QUESTION
    own = articles_for(ctx, text, said_age) if context and on_its_own else []
    asked = text if own else f"{context} {text}".strip()  # what a later "那要是3个月以下呢" asks again
    if asked:
        state.guide_query = without_age(asked)[-200:]
    found = own or articles_for(ctx, asked, said_age)
    replies: list[Reply] = []
    if found:
        state.guide_slug = found[0].slug
        best = localised(ctx, found[0].slug, lang)
        replies.extend(answers.article(lang, best, ctx.web_url, best.passage_about(without_age(text))))
        if len(found) > 1:
            replies.append(answers.more_articles(lang, [localised(ctx, a.slug, lang) for a in found[1:]]))
        return Turn("guidance", tuple(replies))
    if state.age_months is not None:
        chosen = list(ctx.library.select(age_months=state.age_months, locale="zh"))[:8]
        return Turn("guidance", (answers.articles_for_age(lang, state.age_months, chosen),))
    return Turn("guidance", (answers.ask_age_or_topic(lang),))


def whole_article(ctx: Context, state: State) -> Turn:
    """"全文", "说具体点": the last article shown, whole, in the chat's language."""
    return Turn("guidance", tuple(answers.article_whole(localised(ctx, state.guide_slug or "", state.language))))


def names_a_topic(ctx: Context, text: str) -> bool:
    """Whether the words name a parenting topic an article is about ("啥时候加辅食"), whatever the model read."""
    lower = text.lower()
    return any(word in lower for word in ctx.library.topic_words)


def first_aid(ctx: Context, state: State, text: str) -> list[Reply]:
    """The first-aid article that follows an emergency's call to 120: choking, a burn, poisoning or drowning, else
    when to see a doctor."""
    slug = first_aid_slug(text) or "when-to-see-a-doctor"
    state.guide_query = text[:200]  # what happened, for the questions of the next minutes
    item = localised(ctx, slug, state.language)
    return answers.article(state.language, item, ctx.web_url, item.passage_about(text))  # "抽了": what to do


def first_aid_passage(ctx: Context, state: State, text: str) -> Reply | None:
    """After an emergency, the first-aid paragraph a question asks about ("能抹牙膏吗" → 不要涂牙膏、酱油…)."""
    slug = first_aid_slug(text) or first_aid_slug(state.guide_query or "")  # "能抹牙膏吗" after a scald
    passage = localised(ctx, slug, state.language).passage_about(text) if slug else None
    return Reply(passage) if passage else None


def first_aid_slug(text: str) -> str | None:
    if is_choking(text):
        return "choking-first-aid"
    return next((slug for slug, words in FIRST_AID if words.search(text)), None)


def articles_for(ctx: Context, text: str, age_months: int | None) -> list[Article]:
    """Best matches for the words; a stated age keeps to that age."""
    if not text:
        return []
    # The age picks among the matches; left in the words, "8个月" would match the 8-month check-up first.
    words = without_age(text) or text
    found = ctx.library.search(words, locale="zh", limit=10)
    if looks_english(text):  # "my baby has a rash": the English articles' own words, then their Chinese originals
        english = [ctx.library.get(a.slug) for a in ctx.library.search(words, locale="en", limit=10)]
        found = english + [a for a in found if a not in english]
    if age_months is not None:
        # "8个月要打什么疫苗" must not end on the 18-month article because "8" is inside "18"; when none covers
        # the age, the one made for the nearest age ("4个月宝宝需要喝水吗": the first months', not the 2-year-olds').
        found = [a for a in found if a.covers_age(age_months)] or sorted(found, key=lambda a: a.months_from(age_months))
        # An article made for the very age said ("8个月" is its keyword) leads, when it is on the topic too.
        timed = [a for a in found if any(k in text and k not in words for k in a.keywords)
                 and any(len(k) >= 2 and k in words for k in a.keywords)]
        found = timed[:1] + [a for a in found if a not in timed[:1]]
    return found[:3]


def article(ctx: Context, state: State, slug: str) -> Turn:
    try:
        item = localised(ctx, slug, state.language)
    except GuidanceError:
        return Turn("guidance", (answers.not_understood(state.language),))
    state.topic = "guidance"
    return Turn("guidance", tuple(answers.article(state.language, item, ctx.web_url)))


def localised(ctx: Context, slug: str, lang: str) -> Article:
    locale = lang if lang in ctx.library.locales_of(slug) else "zh"
    return ctx.library.get(slug, locale)
