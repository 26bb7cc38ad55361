"""`carecircle guidance …`: list, show, search and plan the parenting guidance (科学育儿) articles."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer

from api.bounds import EARLIEST_DATE, LATEST_DATE, in_date_range
from api.cli.common import fail, print_json, say, store
from api.i18n import msg
from api.reviews import ReviewError, record_review, reviewed_library
from content.guidance import (
    TOPIC_LABELS,
    Article,
    GuidanceError,
    Library,
    Topic,
    UnknownArticle,
    load_library,
    stage_plan,
    subscriber_plan,
)
from content.guidance.render import review_line
from geodata.regions import china_today

guidance_app = typer.Typer(help="科学育儿指导文章 / parenting guidance", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON only on standard output")]


class LocaleChoice(StrEnum):
    zh = "zh"
    en = "en"


def register(app: typer.Typer) -> None:
    app.add_typer(guidance_app, name="guidance")


def _library() -> Library:
    """The bundled articles, with the reviewers' sign-offs recorded in the store."""
    try:
        library = load_library()
    except GuidanceError as exc:
        fail(str(exc))
    return reviewed_library(library, store())


def _date(value: str, option: str) -> dt.date:
    try:
        return in_date_range(dt.date.fromisoformat(value))
    except ValueError:
        fail(msg("cli.bad_date", option=option, value=repr(value), earliest=EARLIEST_DATE.isoformat(),
                 latest=LATEST_DATE.isoformat()).both())


def _age_label(article: Article) -> str:
    if article.before_birth:
        return "孕期"
    if article.age_from_months == article.age_to_months:
        return f"{article.age_from_months}月龄"
    return f"{article.age_from_months}–{article.age_to_months}月龄"


def _describe(article: Article) -> str:
    pushed = f"，出生后第{article.send_at_days}天推送" if article.send_at_days is not None else ""
    if article.send_at_days is not None and article.send_at_days < 0:
        pushed = f"，预产期前{-article.send_at_days}天推送"
    topics = "、".join(TOPIC_LABELS[t] for t in article.topics)
    return f"{article.slug} [{article.locale}]  {article.title}\n    {_age_label(article)}{pushed}；{topics}"


@guidance_app.command("list")
def list_articles(
    age_months: Annotated[int | None, typer.Option(min=0, max=36, help="child's age in months, 0–36")] = None,
    topic: Annotated[Topic | None, typer.Option(help="only articles on this topic")] = None,
    locale: Annotated[LocaleChoice | None, typer.Option(help="only this language (default: all)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Guidance articles, by age and topic."""
    articles = _library().select(age_months=age_months, topic=topic, locale=locale.value if locale else None)
    if as_json:
        print_json({"articles": [a.as_json() for a in articles]})
        return
    say(f"共 {len(articles)} 篇指导文章")
    for article in articles:
        typer.echo(_describe(article))


@guidance_app.command("show")
def show(
    slug: Annotated[str, typer.Argument(help="the article's slug, e.g. safe-sleep")],
    locale: Annotated[LocaleChoice, typer.Option(help="language version")] = LocaleChoice.zh,
    as_json: JsonFlag = False,
) -> None:
    """One article; the Chinese version unless --locale en is given."""
    try:
        article = _library().get(slug, locale.value)
    except UnknownArticle as exc:
        fail(str(exc))
    if as_json:
        print_json(article.as_json(with_body=True))
        return
    typer.echo(f"{article.title}\n{article.summary}\n（{_age_label(article)}）\n")
    typer.echo(article.body)
    typer.echo("\n来源：")
    for source in article.sources:
        typer.echo(f"  《{source.title}》，{source.issuer}，{source.year}")
    typer.echo(review_line(article))


@guidance_app.command("review")
def review(
    slug: Annotated[str, typer.Argument(help="the article's slug, e.g. fever")],
    by: Annotated[str, typer.Option("--by", help="the reviewer's name (and title), e.g. 王医生（儿科主任医师）")],
    locale: Annotated[LocaleChoice, typer.Option(help="the language version reviewed")] = LocaleChoice.zh,
    on: Annotated[str | None, typer.Option("--on", help="date of the sign-off, YYYY-MM-DD (default: today)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Records a named reviewer's sign-off of one article in the audit log."""
    try:
        article = load_library().get(slug, locale.value)
    except UnknownArticle as exc:
        fail(str(exc))
    day = _date(on, "--on") if on is not None else china_today()
    try:
        record_review(store(), article, by, day)
    except ReviewError as exc:
        fail(str(exc))
    signed = _library().get(slug, locale.value)
    if as_json:
        print_json(signed.as_json())
        return
    say(msg("cli.signed_off", slug=slug, locale=locale.value, review=review_line(signed)).both())


@guidance_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="words to look for, e.g. 发烧")],
    locale: Annotated[LocaleChoice | None, typer.Option(help="only this language")] = None,
    limit: Annotated[int, typer.Option(min=1, max=50, help="at most this many")] = 10,
    as_json: JsonFlag = False,
) -> None:
    """Fuzzy search over titles and keywords."""
    found = _library().search(query, locale=locale.value if locale else None, limit=limit)
    if as_json:
        print_json({"query": query, "articles": [a.as_json() for a in found]})
        return
    say(msg("cli.found", n=len(found)).both())
    for article in found:
        typer.echo(_describe(article))


@guidance_app.command("plan")
def plan(
    birth_date: Annotated[str, typer.Option("--birth-date", help="birth (or due) date, YYYY-MM-DD")],
    today: Annotated[
        str | None,
        typer.Option("--today", help="subscribe on this date: only the current item, then later ones"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The stage plan: every article pushed for a child born (or due) on that date, and when."""
    born = _date(birth_date, "--birth-date")
    library = _library()
    items = stage_plan(born, library) if today is None else subscriber_plan(born, _date(today, "--today"), library)
    if as_json:
        print_json({"birth_date": born.isoformat(), "items": [item.as_json() for item in items]})
        return
    say(f"出生（或预产）日期 {born.isoformat()}：共 {len(items)} 条推送")
    for item in items:
        days = (item.send_on - born).days
        when = f"出生后第{days}天" if days >= 0 else f"预产期前{-days}天"
        typer.echo(f"{item.send_on.isoformat()}  {when:<10}  {library.get(item.slug).title}（{item.slug}）")
