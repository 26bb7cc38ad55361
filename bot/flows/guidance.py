"""Guidance: an article for the words and the child's age, or the articles for that age."""

from __future__ import annotations

from bot import answers
from bot.conversations import State
from bot.flows import Context
from bot.replies import Message, Reply, Turn
from bot.slots import find_age_months, is_choking, without_age
from content.guidance.library import GuidanceError
from content.guidance.model import Article
from geodata.policy import MAX_CHILD_AGE_MONTHS


def guidance(ctx: Context, state: State, message: Message, text: str, *, age_given: int | None = None) -> Turn:
    lang = state.language
    age = age_given if age_given is not None else find_age_months(text)
    if age is not None and age <= MAX_CHILD_AGE_MONTHS:
        state.age_months = age
    state.topic = "guidance"
    if text:
        state.guide_query = without_age(text)[:200]
    found = articles_for(ctx, text, state.age_months)
    replies: list[Reply] = []
    if found:
        best = localised(ctx, found[0].slug, lang)
        replies.extend(answers.article(lang, best, ctx.web_url, best.passage_about(without_age(text))))
        if len(found) > 1:
            replies.append(answers.more_articles(lang, found[1:]))
        return Turn("guidance", tuple(replies))
    if state.age_months is not None:
        chosen = list(ctx.library.select(age_months=state.age_months, locale="zh"))[:8]
        return Turn("guidance", (answers.articles_for_age(lang, state.age_months, chosen),))
    return Turn("guidance", (answers.ask_age_or_topic(lang),))


def names_a_topic(ctx: Context, text: str) -> bool:
    """Whether the words name a parenting topic an article is about ("啥时候加辅食"), whatever the model read."""
    lower = text.lower()
    return any(word in lower for word in ctx.library.topic_words)


def first_aid(ctx: Context, state: State, text: str) -> list[Reply]:
    """The first-aid article that follows an emergency's call to 120."""
    slug = "choking-first-aid" if is_choking(text) else "when-to-see-a-doctor"
    return answers.article(state.language, localised(ctx, slug, state.language), ctx.web_url)


def articles_for(ctx: Context, text: str, age_months: int | None) -> list[Article]:
    """Best matches for the words; a stated age keeps to that age."""
    if not text:
        return []
    # The age picks among the matches; left in the words, "8个月" would match the 8-month check-up first.
    words = without_age(text) or text
    found = ctx.library.search(words, locale="zh", limit=10)
    if age_months is not None:
        # "8个月要打什么疫苗" must not end on the 18-month article because "8" is inside "18".
        found = [a for a in found if a.covers_age(age_months)] or found
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
