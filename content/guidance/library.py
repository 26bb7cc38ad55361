"""Loading, checking, selecting and searching the guidance articles.

Articles live in `articles/` as `<slug>.<locale>.md`: YAML front matter between `---` lines, then Markdown.
A slug names one article across languages: `safe-sleep.zh.md` and `safe-sleep.en.md` are translations of each
other, and each lists the other's locale under `translations`. Chinese is the canonical version: every slug has
one, and pushed messages are scheduled from it. Articles link to each other as `[text](guidance:<slug>)`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy
import yaml
from pydantic import ValidationError
from rapidfuzz import fuzz, process, utils

from content.guidance.model import LOCALES, MAX_AGE_MONTHS, Article, Locale, SignOff, Topic

ARTICLES_DIR = Path(__file__).parent / "articles"
CANONICAL_LOCALE: Locale = "zh"
DAYS_PER_MONTH = 365.25 / 12

INTERNAL_LINK = re.compile(r"\]\(guidance:([^)\s]*)\)")
# Anything that reads like an amount of a medicine: a number with a dose unit, or an amount per body weight.
DOSE_PATTERN = re.compile(
    r"\d\s*(?:mg|ml|µg|μg|ug|iu|毫克|毫升|微克|国际单位)(?![a-z])"
    r"|(?:mg|ml|毫克|毫升|克|g)\s*(?:/|每|per)\s*(?:kg|公斤|千克)"
    r"|(?:每|per\s*)(?:公斤|千克|kg)(?:体重|\s*of\s*body\s*weight)?",
    re.IGNORECASE,
)
# A nutrition recommendation is not a medicine dose. The one allowed: vitamin D for infants, 400 IU a day
# (中国居民膳食指南（2022）). Any other amount, or any other substance with an amount, is still refused.
NUTRITION_RECOMMENDATIONS = re.compile(r"维生素\s*D\s*400\s*国际单位(?:（IU）)?|vitamin\s+D\s+400\s*IU", re.IGNORECASE)
SEARCH_CUTOFF = 70
SUMMARY_WEIGHT = 0.85
NEVER_PUSHED = 10**6  # sorts never-pushed articles after the pushed ones of the same age


class GuidanceError(ValueError):
    """The library, or a request to it, is not valid."""


class UnknownArticle(GuidanceError):
    def __init__(self, slug: str, locale: str | None = None, available: Sequence[str] = ()) -> None:
        self.slug, self.locale, self.available = slug, locale, tuple(available)
        if available:
            message = f"文章 {slug!r} 没有 {locale} 版本（现有：{', '.join(available)}）/ no {locale} version"
        else:
            message = f"没有这篇文章 / no such article: {slug!r}"
        super().__init__(message)


class LibraryProblems(GuidanceError):
    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("指导文章库有误 / the guidance library has problems:\n  " + "\n  ".join(problems))


def parse_article(text: str, filename: str = "<article>") -> Article:
    """One article file: front matter and body. Errors name the file and the field."""
    if not text.startswith("---\n"):
        raise GuidanceError(f"{filename}: does not start with front matter ('---')")
    head, separator, body = text[4:].partition("\n---\n")
    if not separator:
        raise GuidanceError(f"{filename}: front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load(head)
    except yaml.YAMLError as exc:
        raise GuidanceError(f"{filename}: front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise GuidanceError(f"{filename}: front matter must be a mapping of fields")
    try:
        return Article.model_validate({**meta, "body": body.strip()})
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'article'}: {e['msg']}" for e in exc.errors())
        raise GuidanceError(f"{filename}: {reasons}") from None


def read_articles(directory: Path) -> list[Article]:
    """Every `*.md` file of the directory, parsed; the file name must be `<slug>.<locale>.md`."""
    articles, problems = [], []
    for path in sorted(directory.glob("*.md")):
        try:
            article = parse_article(path.read_text(encoding="utf-8"), path.name)
        except GuidanceError as exc:
            problems.append(str(exc))
            continue
        if path.name != f"{article.slug}.{article.locale}.md":
            problems.append(f"{path.name}: file name should be {article.slug}.{article.locale}.md")
        articles.append(article)
    if problems:
        raise LibraryProblems(problems)
    return articles


def library_problems(articles: Sequence[Article]) -> list[str]:
    """Everything wrong across articles: duplicates, translations, links, doses, send days."""
    problems: list[str] = []
    keys = Counter((a.slug, a.locale) for a in articles)
    problems += [f"{slug} ({locale}): the slug appears {n} times" for (slug, locale), n in keys.items() if n > 1]
    by_key = {(a.slug, a.locale): a for a in articles}
    for a in articles:
        name = f"{a.slug}.{a.locale}"
        if (a.slug, CANONICAL_LOCALE) not in by_key:
            problems.append(f"{name}: has no {CANONICAL_LOCALE} version")
        for other in LOCALES:
            if other == a.locale:
                continue
            twin = by_key.get((a.slug, other))
            if other in a.translations and twin is None:
                problems.append(f"{name}: translations lists {other!r}, but {a.slug}.{other} does not exist")
            if twin is not None and other not in a.translations:
                problems.append(f"{name}: {a.slug}.{other} exists but translations does not list {other!r}")
            if twin is not None and _shared_fields(a) != _shared_fields(twin):
                problems.append(f"{name}: age window, send_at_days or topics differ from {a.slug}.{other}")
        for target in INTERNAL_LINK.findall(a.body):
            if (target, a.locale) not in by_key:
                problems.append(f"{name}: link to guidance:{target} has no {a.locale} article")
        for text in (a.title, a.summary, a.body):
            if match := DOSE_PATTERN.search(NUTRITION_RECOMMENDATIONS.sub("", text)):
                problems.append(f"{name}: reads like a medicine dose: {match.group(0)!r}")
        if a.send_at_days is not None and a.send_at_days >= 0:
            month = int(a.send_at_days // DAYS_PER_MONTH)
            if not a.covers_age(min(month, MAX_AGE_MONTHS)):
                problems.append(f"{name}: send_at_days {a.send_at_days} (month {month}) is outside its age window")
    pushed = Counter(a.send_at_days for a in articles if a.locale == CANONICAL_LOCALE and a.pushed)
    problems += [f"send_at_days {day} is used by {n} articles" for day, n in pushed.items() if n > 1]
    return problems


def _shared_fields(article: Article) -> tuple[object, ...]:
    return (article.age_from_months, article.age_to_months, article.send_at_days, tuple(article.topics))


# The articles about the childcare service, and words of the service, which name no parenting topic.
SERVICE = ("childcare-", "choosing-childcare", "starting-childcare", "returning-to-work")
SERVICE_WORDS = frozenset({"托育", "托儿所", "托班", "普惠", "普惠托育", "备案", "查备案", "未备案", "投诉", "举报",
                           "入托",
                           "全日托", "半日托", "临时托", "托育机构", "托育费", "家庭托育点", "幼儿园托班", "优先入托",
                           "保教费", "正规", "单位托育", "上班", "产假结束", "为什么", "准备", "学习", "120", "12345"})
AGE_WORD = re.compile(r"\d|[一二两三四五六七八九十半]\s*(?:个月|岁|周岁)|新生儿|满月")


@dataclass(frozen=True)
class Library:
    """The checked set of articles, in reading order (by age, then push day, then slug)."""

    articles: tuple[Article, ...]

    @classmethod
    def of(cls, articles: Iterable[Article]) -> Library:
        articles = list(articles)
        if problems := library_problems(articles):
            raise LibraryProblems(problems)

        def reading_order(a: Article) -> tuple[int, int, str, str]:
            return (a.age_from_months, NEVER_PUSHED if a.send_at_days is None else a.send_at_days, a.slug, a.locale)

        return cls(tuple(sorted(articles, key=reading_order)))

    def with_sign_offs(self, sign_offs: Iterable[SignOff]) -> Library:
        """The library with each article's latest sign-off applied, where it was given to the text as it is now.

        A sign-off of an earlier text (the article changed since) is not applied: the article awaits review again."""
        latest: dict[tuple[str, str], SignOff] = {}
        for sign_off in sign_offs:  # oldest first: a later sign-off replaces an earlier one
            latest[(sign_off.slug, sign_off.locale)] = sign_off
        if not latest:
            return self

        def signed(article: Article) -> Article:
            found = latest.get((article.slug, article.locale))
            if found is None or found.content_hash != article.content_hash():
                return article
            return article.signed_off(found.reviewed_by, found.reviewed_on)

        return Library(tuple(signed(a) for a in self.articles))

    def get(self, slug: str, locale: str = CANONICAL_LOCALE) -> Article:
        """The article `slug` in `locale` (Chinese unless asked); UnknownArticle names the locales it has."""
        for article in self.articles:
            if article.slug == slug and article.locale == locale:
                return article
        raise UnknownArticle(slug, locale, self.locales_of(slug))

    def locales_of(self, slug: str) -> list[str]:
        return [a.locale for a in self.articles if a.slug == slug]

    def select(
        self, *, age_months: int | None = None, topic: Topic | str | None = None, locale: str | None = None
    ) -> list[Article]:
        """Articles for a child of `age_months` (0–36), on `topic`, in `locale`; each filter is optional."""
        check_locale(locale)
        if age_months is not None and not 0 <= age_months <= MAX_AGE_MONTHS:
            raise GuidanceError(f"age_months: must be 0–{MAX_AGE_MONTHS}, got {age_months}")
        wanted_topic = parse_topic(topic) if topic is not None else None
        return [
            a
            for a in self.articles
            if (age_months is None or a.covers_age(age_months))
            and (wanted_topic is None or wanted_topic in a.topics)
            and (locale is None or a.locale == locale)
        ]

    def find(self, query: str | None = None, *, age_months: int | None = None, topic: Topic | str | None = None,
             locale: str | None = None, limit: int = 20) -> list[Article]:
        """A search (best first) or a listing, kept to the child's age and topic when they are given."""
        allowed = self.select(age_months=age_months, topic=topic, locale=locale)
        if not query or not query.strip():
            return allowed
        keep = {(a.slug, a.locale) for a in allowed}
        return [a for a in self.search(query, locale=locale, limit=limit) if (a.slug, a.locale) in keep]

    def pushed(self) -> list[Article]:
        """The canonical versions of the articles sent as stage messages, in sending order."""
        chosen = [a for a in self.articles if a.locale == CANONICAL_LOCALE and a.send_at_days is not None]
        return sorted(chosen, key=lambda a: (a.send_at_days, a.slug))

    def search(self, query: str, *, locale: str | None = None, limit: int = 10) -> list[Article]:
        """Fuzzy search (rapidfuzz) over titles, keywords and summaries, best match first."""
        check_locale(locale)
        wanted = utils.default_process(query)
        if not wanted:
            return []
        index = self._search_index
        # One pass in C over every field. Scores under the cut-off count as 0: an article below it is dropped
        # unless one of its keywords is in the question, and that keyword alone scores 100.
        heads = process.cdist([wanted], index.heads, scorer=fuzz.partial_ratio, score_cutoff=SEARCH_CUTOFF,
                              dtype=numpy.float64)[0]
        summaries = process.cdist([wanted], index.summaries, scorer=fuzz.partial_ratio, dtype=numpy.float64,
                                  score_cutoff=SEARCH_CUTOFF / SUMMARY_WEIGHT)[0] * SUMMARY_WEIGHT
        score = summaries.copy()
        numpy.maximum.at(score, index.owner, heads)
        # How much of the question the article's own keywords cover ("还不会说话" holds 说话) comes first;
        # the fuzzy score ranks the rest, and finds articles for questions no keyword holds.
        covered = numpy.zeros(len(self.articles))
        for field in numpy.flatnonzero((heads == 100) & index.is_keyword):
            if index.heads[field] in wanted:
                covered[index.owner[field]] += len(index.heads[field])
        scored = []
        for i in numpy.flatnonzero((covered > 0) | (score >= SEARCH_CUTOFF)):
            article = self.articles[i]
            if locale is None or article.locale == locale:
                tie_break = fuzz.ratio(wanted, index.heads[index.title_of[i]])
                scored.append((-covered[i], -score[i], -tie_break, article.slug, article))
        return [article for *_, article in sorted(scored, key=lambda s: s[:4])[:limit]]

    @cached_property
    def topic_words(self) -> frozenset[str]:
        """The keywords that name a parenting topic ("辅食", "夜醒", "访视"): not an age ("8个月") and not the
        childcare service itself ("托育", "备案"), which the articles on choosing a centre also carry."""
        return frozenset(k for a in self.articles if a.locale == CANONICAL_LOCALE and not a.slug.startswith(SERVICE)
                         for k in a.keywords if len(k) >= 2 and not AGE_WORD.search(k) and k not in SERVICE_WORDS)

    @cached_property
    def _search_index(self) -> SearchIndex:
        return SearchIndex.of(self.articles)


@dataclass(frozen=True)
class SearchIndex:
    """The searched fields of every article, prepared once: titles and keywords ("heads"), each with its
    article's position, and the summaries, one an article, weighed lower."""

    heads: tuple[str, ...]
    owner: numpy.ndarray
    is_keyword: numpy.ndarray
    title_of: tuple[int, ...]
    summaries: tuple[str, ...]

    @classmethod
    def of(cls, articles: Sequence[Article]) -> SearchIndex:
        heads: list[str] = []
        owner: list[int] = []
        is_keyword: list[bool] = []
        title_of: list[int] = []
        for i, article in enumerate(articles):
            title_of.append(len(heads))
            for position, text in enumerate((article.title, *article.keywords)):
                heads.append(utils.default_process(text))
                owner.append(i)
                is_keyword.append(position > 0 and len(heads[-1]) >= 2)
        return cls(tuple(heads), numpy.array(owner), numpy.array(is_keyword), tuple(title_of),
                   tuple(utils.default_process(a.summary) for a in articles))


def check_locale(locale: str | None) -> None:
    if locale is not None and locale not in LOCALES:
        raise GuidanceError(f"locale: must be one of {', '.join(LOCALES)}, got {locale!r}")


def parse_topic(value: Topic | str) -> Topic:
    try:
        return Topic(value)
    except ValueError:
        known = ", ".join(t.value for t in Topic)
        raise GuidanceError(f"topic: unknown topic {value!r}; known topics: {known}") from None


def read_library(directory: Path) -> Library:
    """The library in `directory`, read and checked afresh."""
    return Library.of(read_articles(directory))


@cache
def load_library() -> Library:
    """The bundled library, read once per process."""
    return read_library(ARTICLES_DIR)
