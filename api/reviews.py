"""Guidance review: a named reviewer's sign-off of an article, kept in the audit log (contract: "Guidance review").

    record_review(engine, article, "王医生", date(2026, 12, 1))   # `carecircle guidance review SLUG --by NAME`
    library = reviewed_library(services.library, engine)         # articles with their sign-offs applied

A sign-off holds for the text it was given to (its content hash): when an article changes, it awaits review again.
Until then `reviewed_by` and `reviewed_on` are null, and pages say 待专家审核.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from api.auth import audit
from api.store import audit_log
from content.guidance import Article, Library, SignOff

REVIEW_ACTION = "guidance.review"
MAX_NAME = 80


class ReviewError(ValueError):
    """A sign-off that cannot be recorded; names the option at fault."""


def record_review(engine: Engine, article: Article, by: str, on: date, actor: str = "cli") -> SignOff:
    name = by.strip()
    if not name or len(name) > MAX_NAME:
        raise ReviewError(f"--by: the reviewer's name, 1 to {MAX_NAME} characters")
    sign_off = SignOff(article.slug, article.locale, name, on, article.content_hash())
    audit(engine, actor, REVIEW_ACTION, f"{article.slug}.{article.locale}", {
        "slug": article.slug, "locale": article.locale, "reviewed_by": name, "reviewed_on": on.isoformat(),
        "sha256": sign_off.content_hash})
    return sign_off


def sign_offs(engine: Engine) -> list[SignOff]:
    """Every sign-off in the audit log, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.detail).where(audit_log.c.action == REVIEW_ACTION)
                            .order_by(audit_log.c.id)).all()
    return [s for (detail,) in rows if (s := _sign_off(detail)) is not None]


def _sign_off(detail: Any) -> SignOff | None:
    try:
        return SignOff(str(detail["slug"]), str(detail["locale"]), str(detail["reviewed_by"]),
                       date.fromisoformat(str(detail["reviewed_on"])), str(detail["sha256"]))
    except (KeyError, TypeError, ValueError):
        return None


def reviewed_library(library: Library, engine: Engine) -> Library:
    """The library with the sign-offs recorded in the store applied."""
    return library.with_sign_offs(sign_offs(engine))
