"""Parenting guidance (科学育儿): articles, their checks, selection, search, rendering and the stage plan.

Pure domain: no web, bot or template library is imported here.
"""

from content.guidance.library import (
    ARTICLES_DIR,
    GuidanceError,
    Library,
    LibraryProblems,
    UnknownArticle,
    library_problems,
    load_library,
    parse_article,
    parse_topic,
    read_library,
)
from content.guidance.model import LOCALES, TOPIC_LABELS, Article, Locale, SignOff, Source, Topic
from content.guidance.plan import PlanItem, current_item, gap_problems, stage_plan, subscriber_plan
from content.guidance.render import render_html, web_link

__all__ = [
    "ARTICLES_DIR",
    "LOCALES",
    "TOPIC_LABELS",
    "Article",
    "GuidanceError",
    "Library",
    "LibraryProblems",
    "Locale",
    "PlanItem",
    "SignOff",
    "Source",
    "Topic",
    "UnknownArticle",
    "current_item",
    "gap_problems",
    "library_problems",
    "load_library",
    "parse_article",
    "parse_topic",
    "read_library",
    "render_html",
    "stage_plan",
    "subscriber_plan",
    "web_link",
]
