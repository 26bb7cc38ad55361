"""Complaint cases (畅通投诉举报渠道): filed by a parent with consent, handled by health staff.

A case keeps the least that works: the centre (matched to the registry where it can be), what happened, the
channel, and a contact only if the parent chose to leave one. `reporter` is a hash of the conversation it came
from, so that the parent can ask "我的投诉怎么样了" without a number; /forget clears it and the contact, and the
anonymised case stays for supervision. Every step is written to the audit log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Engine, ForeignKey, Integer, String, Table, func, select, update

from common import as_utc, metadata, write_audit
from geodata.centre import Centre, clean_text
from geodata.regions import china_today
from geodata.store import Change, centre_events

cases = Table(
    "cases", metadata,
    Column("number", String(20), primary_key=True),
    Column("centre_id", String(64), index=True),
    Column("centre_name", String(200), nullable=False),
    Column("district_code", String(6)),
    Column("what", String(2000), nullable=False),
    Column("category", String(16), nullable=False),
    Column("serious", Boolean, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("contact", String(100)),  # only if the parent chose to leave one; cleared by /forget
    Column("reporter", String(64), index=True),  # hash of the conversation; cleared by /forget
    Column("status", String(16), nullable=False, index=True),
    Column("assignee", String(80)),
    Column("rectify_by", Date),
    Column("outcome", String(500)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
)
# Staff's working notes on a case (never shown to the parent).
case_notes = Table(
    "case_notes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(20), ForeignKey("cases.number", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("action", String(16), nullable=False),
    Column("text", String(2000)),
)


class CaseStatus(StrEnum):
    received = "received"
    in_progress = "in_progress"
    rectifying = "rectifying"  # 限期整改: the centre must put things right by a deadline
    resolved = "resolved"


class Category(StrEnum):
    harm = "harm"  # a child hurt or abused
    safety = "safety"  # a hazard, food, hygiene
    fees = "fees"
    unfiled = "unfiled"  # operating without filing
    service = "service"
    other = "other"


CASE_STATUS_LABELS = {
    CaseStatus.received: ("已受理，等待分派", "received"),
    CaseStatus.in_progress: ("处理中", "being handled"),
    CaseStatus.rectifying: ("已责令限期整改", "ordered to put things right by a deadline"),
    CaseStatus.resolved: ("已办结", "resolved"),
}
CATEGORY_LABELS = {
    Category.harm: ("伤害或虐待儿童", "a child hurt or abused"),
    Category.safety: ("安全隐患", "a safety hazard"),
    Category.fees: ("收费退费", "fees and refunds"),
    Category.unfiled: ("未备案办托", "operating without filing"),
    Category.service: ("服务质量", "quality of care"),
    Category.other: ("其他", "other"),
}
SERIOUS = frozenset({Category.harm, Category.safety, Category.unfiled})
CHANNELS = ("web", "telegram", "wechat", "console")
NUMBER_CHARS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on a phone
CASE_NUMBER = re.compile(r"TS\d{6}-[0-9A-Z]{4}", re.I)
CATEGORY_WORDS = (
    (Category.harm, re.compile(r"打|虐待|体罚|受伤|伤痕|淤青|小黑屋|掐|踢|捆|绑|饿着|性侵|猥亵|"
                               r"abuse|hit|hurt|injur", re.I)),
    (Category.safety, re.compile(r"安全|隐患|消防|食物中毒|变质|过期|卫生|监控|走失|丢了|safety|hazard|food", re.I)),
    (Category.fees, re.compile(r"退费|乱收费|学费|跑路|押金|收费|合同|refund|fee|deposit", re.I)),
    (Category.unfiled, re.compile(r"没有备案|未备案|无证|黑托|黑机构|unfiled|unlicen[cs]ed", re.I)),
    (Category.service, re.compile(r"态度|老师|伙食|吃不饱|服务|照顾|care|teacher", re.I)),
)
MAX_WHAT = 2000
MAX_CONTACT = 100


class CaseError(ValueError):
    """A case request that cannot be done; `field` names the field, and the message is in both languages."""

    def __init__(self, field: str, zh: str, en: str, status: int = 422):
        self.field, self.zh, self.en, self.status = field, zh, en, status
        super().__init__(f"{field}: {zh} / {en}")


@dataclass(frozen=True)
class Case:
    number: str
    centre_id: str | None
    centre_name: str
    district_code: str | None
    what: str
    category: Category
    serious: bool
    channel: str
    contact: str | None
    has_reporter: bool
    status: CaseStatus
    assignee: str | None
    rectify_by: date | None
    outcome: str | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None

    @property
    def open(self) -> bool:
        return self.status is not CaseStatus.resolved

    def public_json(self) -> dict[str, Any]:
        """What the parent (or anyone with the number) may see: the state of the case, never its notes."""
        label = CASE_STATUS_LABELS[self.status]
        return {"number": self.number, "centre_id": self.centre_id, "centre_name": self.centre_name,
                "category": self.category.value, "status": self.status.value,
                "status_label": {"zh": label[0], "en": label[1]},
                "filed_on": china_today(self.created_at).isoformat(),
                "updated_on": china_today(self.updated_at).isoformat(),
                "rectify_by": self.rectify_by.isoformat() if self.rectify_by else None,
                "outcome": self.outcome}

    def staff_json(self) -> dict[str, Any]:
        return {**self.public_json(), "district_code": self.district_code, "what": self.what,
                "serious": self.serious, "channel": self.channel, "contact": self.contact,
                "assignee": self.assignee, "created_at": self.created_at.isoformat(),
                "updated_at": self.updated_at.isoformat(),
                "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None}


def reporter_key(session: str) -> str:
    """The conversation a case came from, as a hash: enough to find "my cases", nothing more."""
    return hashlib.sha256(("case-reporter:" + session).encode("utf-8")).hexdigest()[:64]


def category_of(text: str) -> Category:
    return next((category for category, words in CATEGORY_WORDS if words.search(text)), Category.other)


def _case(row: Any) -> Case:
    return Case(row.number, row.centre_id, row.centre_name, row.district_code, row.what, Category(row.category),
                bool(row.serious), row.channel, row.contact, row.reporter is not None, CaseStatus(row.status),
                row.assignee, row.rectify_by, row.outcome, as_utc(row.created_at), as_utc(row.updated_at),
                as_utc(row.resolved_at) if row.resolved_at else None)


class Cases:
    """The case register over the store; every method is one transaction, and every change is audited."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.engine = engine
        self.clock = clock

    # -- parents ---------------------------------------------------------------------------------------
    def file(self, *, what: str, channel: str, centre: Centre | None = None, centre_name: str | None = None,
             contact: str | None = None, reporter: str | None = None, district_code: str | None = None,
             category: Category | str | None = None, actor: str | None = None) -> Case:
        """A new case, filed with the parent's consent (the caller asked for it)."""
        what = clean_text(what)
        name = clean_text(centre.name if centre else (centre_name or ""))
        contact = clean_text(contact or "") or None
        if len(what) < 2:
            raise CaseError("what", "请说明发生了什么", "say what happened")
        if len(what) > MAX_WHAT:
            raise CaseError("what", f"经过最多 {MAX_WHAT} 个字", f"at most {MAX_WHAT} characters")
        if not name:
            raise CaseError("centre", "请说明是哪家机构", "name the centre")
        if len(name) > 200:
            raise CaseError("centre", "机构名称最多 200 个字", "the centre's name is at most 200 characters")
        if contact and len(contact) > MAX_CONTACT:
            raise CaseError("contact", f"联系方式最多 {MAX_CONTACT} 个字", f"at most {MAX_CONTACT} characters")
        if channel not in CHANNELS:
            raise CaseError("channel", "未知渠道", f"unknown channel {channel!r}")
        chosen = Category(category) if category else category_of(what)
        if chosen is Category.other and centre is None:
            chosen = Category.unfiled if re.search(r"备案|无证|黑托", what) else chosen
        district = centre.district_code if centre else (district_code if district_code and
                                                         re.fullmatch(r"\d{6}", district_code) else None)
        now = self.clock()
        with self.engine.begin() as conn:
            number = self._new_number(conn, now)
            conn.execute(cases.insert().values(
                number=number, centre_id=centre.id if centre else None, centre_name=name, district_code=district,
                what=what, category=chosen.value, serious=chosen in SERIOUS, channel=channel, contact=contact,
                reporter=reporter, status=CaseStatus.received.value, created_at=now, updated_at=now))
            write_audit(conn, actor or f"parent:{channel}", "case.file", number,
                        {"centre_id": centre.id if centre else None, "category": chosen.value,
                         "serious": chosen in SERIOUS, "contact_left": contact is not None})
        found = self.get(number)
        assert found is not None
        return found

    def _new_number(self, conn: Any, now: datetime) -> str:
        day = china_today(now).strftime("%y%m%d")
        while True:
            number = f"TS{day}-" + "".join(secrets.choice(NUMBER_CHARS) for _ in range(4))
            if conn.execute(select(cases.c.number).where(cases.c.number == number)).first() is None:
                return number

    def get(self, number: str) -> Case | None:
        number = number.strip().upper()
        with self.engine.connect() as conn:
            row = conn.execute(select(cases).where(cases.c.number == number)).first()
        return _case(row) if row else None

    def status_for_parent(self, number: str, channel: str) -> Case | None:
        """A case looked up by its number, the lookup recorded (its status reported back)."""
        found = self.get(number)
        if found is not None:
            with self.engine.begin() as conn:
                write_audit(conn, f"parent:{channel}", "case.status_read", found.number,
                            {"status": found.status.value})
        return found

    def for_reporter(self, reporter: str) -> list[Case]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(cases).where(cases.c.reporter == reporter)
                                .order_by(cases.c.created_at.desc()).limit(10)).all()
        return [_case(r) for r in rows]

    def forget_reporter(self, reporter: str) -> int:
        """/forget: the parent's contact and the link to their conversation go; the anonymised case stays."""
        with self.engine.begin() as conn:
            numbers = conn.execute(select(cases.c.number).where(cases.c.reporter == reporter)).scalars().all()
            if numbers:
                conn.execute(update(cases).where(cases.c.reporter == reporter)
                             .values(contact=None, reporter=None, updated_at=self.clock()))
                for number in numbers:
                    write_audit(conn, "parent", "case.forget", number, {"contact_removed": True})
        return len(numbers)

    # -- staff -----------------------------------------------------------------------------------------
    def find(self, *, centre_id: str | None = None, status: str | None = None, open_only: bool = False,
             serious: bool | None = None, limit: int = 200) -> list[Case]:
        query = select(cases)
        if centre_id:
            query = query.where(cases.c.centre_id == centre_id)
        if status:
            query = query.where(cases.c.status == status)
        if open_only:
            query = query.where(cases.c.status != CaseStatus.resolved.value)
        if serious is not None:
            query = query.where(cases.c.serious.is_(serious))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(cases.c.serious.desc(), cases.c.created_at.desc()).limit(limit)).all()
        return [_case(r) for r in rows]

    def open_serious_by_centre(self) -> dict[str, int]:
        """Centres with open serious cases: flagged to staff (never hidden from parents)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(cases.c.centre_id, func.count()).where(
                cases.c.serious.is_(True), cases.c.status != CaseStatus.resolved.value,
                cases.c.centre_id.is_not(None)).group_by(cases.c.centre_id)).all()
        return {row[0]: int(row[1]) for row in rows}

    def notes(self, number: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(case_notes).where(case_notes.c.number == number)
                                .order_by(case_notes.c.id)).all()
        return [{"at": as_utc(r.at).isoformat(), "actor": r.actor, "action": r.action, "text": r.text} for r in rows]

    def update(self, number: str, actor: str, *, assignee: str | None = None, note: str | None = None,
               status: str | None = None, rectify_by: date | None = None, outcome: str | None = None,
               serious: bool | None = None) -> Case:
        """A staff step: assign, note, move on, order 限期整改 by a date, or resolve with an outcome."""
        current = self.get(number)
        if current is None:
            raise CaseError("number", f"没有编号为 {number} 的案件", f"no case {number}", status=404)
        now = self.clock()
        values: dict[str, Any] = {"updated_at": now}
        steps: list[tuple[str, str | None, dict[str, Any]]] = []
        if assignee is not None:
            assignee = clean_text(assignee)[:80] or None
            values["assignee"] = assignee
            if current.status is CaseStatus.received and assignee:
                values["status"] = CaseStatus.in_progress.value
            steps.append(("assign", assignee, {"assignee": assignee}))
        if serious is not None and serious != current.serious:
            values["serious"] = serious
            steps.append(("serious", None, {"serious": serious}))
        if rectify_by is not None:
            if rectify_by < china_today(now):
                raise CaseError("rectify_by", "整改期限不能早于今天", "the deadline cannot be in the past")
            values["rectify_by"], values["status"] = rectify_by, CaseStatus.rectifying.value
            steps.append(("rectify", rectify_by.isoformat(), {"rectify_by": rectify_by.isoformat()}))
        if status is not None:
            try:
                chosen = CaseStatus(status)
            except ValueError:
                allowed = ", ".join(CaseStatus)
                raise CaseError("status", f"状态应为 {allowed} 之一", f"status must be one of {allowed}") from None
            if chosen is CaseStatus.rectifying and rectify_by is None and current.rectify_by is None:
                raise CaseError("rectify_by", "限期整改需要填写整改期限", "rectification needs a deadline")
            if chosen is CaseStatus.resolved and not (outcome or current.outcome):
                raise CaseError("outcome", "办结时请写明处理结果（会告知投诉人）",
                                "a resolved case needs its outcome (the parent is told it)")
            values["status"] = chosen.value
            values["resolved_at"] = now if chosen is CaseStatus.resolved else None
            steps.append(("resolve" if chosen is CaseStatus.resolved else "status", chosen.value,
                          {"status": chosen.value}))
        if outcome is not None:
            values["outcome"] = clean_text(outcome)[:500] or None
            steps.append(("outcome", values["outcome"], {"outcome": bool(values["outcome"])}))
        if note:
            steps.append(("note", clean_text(note)[:2000], {}))
        if not steps:
            raise CaseError("body", "没有要修改的内容", "nothing to change")
        with self.engine.begin() as conn:
            conn.execute(update(cases).where(cases.c.number == current.number).values(**values))
            for action, text, detail in steps:
                conn.execute(case_notes.insert().values(number=current.number, at=now, actor=actor, action=action,
                                                        text=text))
                write_audit(conn, actor, f"case.{action}", current.number, detail or None)
            if rectify_by is not None and current.centre_id:
                _rectification_event(conn, current, rectify_by, actor, now)
        updated = self.get(current.number)
        assert updated is not None
        return updated


def _rectification_event(conn: Any, case: Case, rectify_by: date, actor: str, now: datetime) -> None:
    """限期整改 is public supervision information: it goes into the centre's dated history."""
    change = Change(source="edit", actor=actor, reason="责令限期整改（投诉处理）")
    conn.execute(centre_events.insert().values(
        centre_id=case.centre_id, on_date=china_today(now), at=now, field="rectify_by",
        from_value=case.rectify_by.isoformat() if case.rectify_by else None, to_value=rectify_by.isoformat(),
        reason=change.reason, source=change.source, actor=change.actor))
