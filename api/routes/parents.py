"""JSON API for parents: leave, guidance and chat. Routes parse and render; the domain decides."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api.bounds import DATE_RANGE, ChatSession, CleanText, SaneDate
from api.deps import ServicesDep
from api.errors import ApiError
from api.i18n import msg
from api.reviews import reviewed_library
from api.schemas import ArticleWithBody, ChatOut, GuidanceOut, LeaveOut, PlanOut
from bot.replies import typed
from common import china_today
from content.guidance.library import GuidanceError
from content.guidance.plan import stage_plan
from content.leave import LeaveInputError, leave_answer

router = APIRouter(prefix="/api", tags=["parents"])
BirthDateQuery = Annotated[SaneDate, Query(description=f"birth or due date, YYYY-MM-DD, {DATE_RANGE}",
                                           examples=["2025-03-01"])]


@router.get("/leave", summary="The leave that applies to a birth, with the document behind each figure",
            responses={422: {"description": "unknown region or impossible date"}}, response_model=LeaveOut)
def leave(
    region: Annotated[str, Query(description="province code or name (150000, 内蒙古)", examples=["内蒙古"])],
    birth_date: Annotated[str, Query(description="birth or due date, YYYY-MM-DD", examples=["2025-03-01"])],
    babies: Annotated[int, Query(ge=1, le=9)] = 1,
    difficult_birth: bool = False,
    birth_order: Annotated[int, Query(ge=1, le=20)] = 1,
) -> Any:
    try:
        return leave_answer(region, birth_date, today=china_today(), babies=babies,
                            difficult_birth=difficult_birth, birth_order=birth_order)
    except LeaveInputError as exc:
        raise ApiError(422, exc.message_zh, exc.message_en, field=exc.field) from None


@router.get("/guidance", summary="Guidance articles, by the child's age, topic and language",
            response_model=GuidanceOut)
def guidance_list(
    services: ServicesDep,
    age_months: Annotated[int | None, Query(ge=0, le=36)] = None,
    topic: str | None = None,
    locale: Annotated[str | None, Query(pattern="^(zh|en)$")] = None,
    q: Annotated[str | None, Query(max_length=100, description="fuzzy search over titles and keywords")] = None,
) -> dict[str, Any]:
    try:
        found = reviewed_library(services.library, services.engine).find(q, age_months=age_months, topic=topic,
                                                                        locale=locale)
    except GuidanceError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"articles": [a.as_json() for a in found]}


@router.get("/guidance/plan", summary="The stage plan for a child born (or due) on a date", response_model=PlanOut)
def guidance_plan(services: ServicesDep, birth_date: BirthDateQuery) -> dict[str, Any]:
    return {"birth_date": birth_date.isoformat(),
            "items": [item.as_json() for item in stage_plan(birth_date, services.library)]}


@router.get("/guidance/{slug}", summary="One article, with its Markdown body",
            responses={404: {"description": "unknown article"}}, response_model=ArticleWithBody)
def guidance_article(services: ServicesDep, slug: str,
                     locale: Annotated[str, Query(pattern="^(zh|en)$")] = "zh") -> dict[str, Any]:
    try:
        return reviewed_library(services.library, services.engine).get(slug, locale).as_json(with_body=True)
    except GuidanceError:
        raise HTTPException(404, msg("api.no_article", slug=slug, locale=locale).both()) from None


class ChatIn(BaseModel):
    session: ChatSession
    text: CleanText = Field(max_length=10_000, description="the parent's message; control characters are dropped",
                            examples=["附近有普惠托育吗"])



@router.post("/chat", summary="One message to the dialogue engine the bot uses")
async def chat(services: ServicesDep, body: ChatIn) -> ChatOut:
    turn = await services.in_dialogue_pool(services.dialogue.handle, f"web:{body.session}", typed(body.text))
    replies = [{"text": r.text, "html": r.html, "request_location": r.request_location,
                "buttons": [[{"label": b.label, "data": b.data, "url": b.url} for b in row] for row in r.buttons]}
               for r in turn.replies]
    return ChatOut(session=body.session, intent=turn.intent, text=turn.text, replies=replies)
