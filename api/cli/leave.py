"""`carecircle leave`: the maternity, paternity and parental leave that applies to a birth."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from api.cli.common import fail, print_json
from api.i18n import Msg
from common import china_today
from content.leave import LeaveInputError, leave_answer
from content.leave.answer import read_date


def register(app: typer.Typer) -> None:
    """Adds the leave command to the app."""
    app.command("leave")(leave)


def leave(
    region: Annotated[str, typer.Option(help="省份代码或名称，如 150000、内蒙古 / province code or name")],
    birth_date: Annotated[str, typer.Option(help="出生日期或预产期 YYYY-MM-DD / birth or due date")],
    babies: Annotated[int, typer.Option(help="本次生育的婴儿数 / babies born at this birth")] = 1,
    difficult_birth: Annotated[bool, typer.Option("--difficult-birth", help="难产 / a difficult birth")] = False,
    birth_order: Annotated[int, typer.Option(help="第几个孩子 / 1st, 2nd, 3rd child")] = 1,
    miscarriage_months: Annotated[int | None, typer.Option(
        help="流产时怀孕的月数（此时 --birth-date 为流产日期）/ months of pregnancy at a miscarriage")] = None,
    today: Annotated[str | None, typer.Option(hidden=True, help="the date taken as today (for checks)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only on standard output")] = False,
) -> None:
    """Explain the leave for a birth: 产假、陪产假（护理假）、育儿假, with the document behind each figure."""
    try:
        answer = leave_answer(
            region, birth_date, today=_today(today), babies=babies, difficult_birth=difficult_birth,
            birth_order=birth_order, miscarriage_months=miscarriage_months,
        )
    except LeaveInputError as exc:
        fail(f"--{exc.field.replace('_', '-')}: {Msg.of(exc).both()}")
    if as_json:
        print_json(answer)
    else:
        typer.echo(answer["explanation"]["zh"])
        typer.echo("")
        typer.echo(answer["explanation"]["en"])


def _today(text: str | None) -> date:
    if text is None:
        return china_today()
    try:
        return read_date(text, "today")
    except LeaveInputError as exc:
        fail(f"--today: {Msg.of(exc).both()}")
