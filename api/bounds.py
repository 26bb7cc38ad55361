"""Explicit bounds on what the API takes: dates in a sane range, strings that fit their columns and carry no
control characters. Anything outside is refused with 422 before it reaches the domain or the store.

PostgreSQL refuses a NUL byte in any text, and a VARCHAR(n) refuses n + 1 characters: both would otherwise
surface as server errors. Plain pydantic: the command line (`guidance plan`) reads the same bounds without the web
framework.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_RANGE = f"from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"

# No C0 control character, DEL or C1 control character: a single line of printable text (titles, names, ids).
SINGLE_LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
# Text that may run over lines (messages): tabs and line breaks are kept, other control characters are not.
MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

CHANNEL_PREFIX = "web:"  # the web chat's sessions are stored as web:<session>
CONVERSATION_KEY_LENGTH = 80  # bot.store.conversations.session is VARCHAR(80)
SESSION_MAX_LENGTH = CONVERSATION_KEY_LENGTH - len(CHANNEL_PREFIX)


CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(value: str) -> str:
    """Text without control characters other than tabs and line breaks (NUL included)."""
    return CONTROLS.sub("", value)


def in_date_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"应为 {EARLIEST_DATE.isoformat()} 至 {LATEST_DATE.isoformat()} 之间的日期 / "
                         f"must be a date {DATE_RANGE}")
    return value


SaneDate = Annotated[date, AfterValidator(in_date_range)]
CleanText = Annotated[str, AfterValidator(strip_controls)]
ChatSession = Annotated[str, Field(min_length=1, max_length=SESSION_MAX_LENGTH, pattern=SINGLE_LINE,
                                   description="the client's own id for the conversation: printable, "
                                               f"1 to {SESSION_MAX_LENGTH} characters", examples=["web-3f2a"])]
