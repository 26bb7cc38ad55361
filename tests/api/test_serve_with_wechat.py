"""`carecircle serve` with the WeChat channel, as real servers on loopback against the fake WeChat API.

Two replicas on one PostgreSQL store: parents write to either of them, they share one access token (fetched once),
and a staff broadcast reaches each parent exactly once, whichever replica's sender takes the row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.services import Services, build_services
from api.settings import Settings
from common import Recipient
from messaging.outbox import Broadcasts, Segment
from tests.fakes.server import served_in_thread
from tests.fakes.wechat import APP_ID, APP_SECRET, TOKEN, FakeWeChatApi, reply_text, signed, text_xml

PARENTS = [f"o-parent-{i:02d}" for i in range(24)]


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    server = FakeWeChatApi(token_delay=0.3).start()  # a slow token server: two fetches at once would overlap
    yield server
    server.stop()


def replica(database_url: str, fake: FakeWeChatApi) -> tuple[Any, Services]:
    settings = Settings(database_url=database_url, wechat_token=TOKEN, wechat_app_id=APP_ID,  # type: ignore[arg-type]
                        wechat_app_secret=APP_SECRET, wechat_api_url=fake.base_url, quiet_hours="",
                        public_url="https://cc.example.org")
    services = build_services(settings)
    return create_app(settings, services), services


@pytest.mark.postgres
def test_two_replicas_share_one_token_and_deliver_each_message_once(pg_url: str, fake: FakeWeChatApi) -> None:
    with ExitStack() as stack:
        bases, wired = [], []
        for _ in range(2):
            app, services = replica(pg_url, fake)
            stack.callback(services.engine.dispose)
            bases.append(stack.enter_context(served_in_thread(app)))
            wired.append(services)
        for index, openid in enumerate(PARENTS):  # each parent writes to one replica: the window opens
            request = signed(text_xml(openid, "你好"))
            answer = httpx.post(f"{bases[index % 2]}/wechat?{request.query}", content=request.body, timeout=10)
            assert answer.status_code == 200 and reply_text(answer.text)
            wired[0].subscriptions.subscribe(Recipient("wechat", openid), date(2025, 3, 1), "150627", "zh",
                                             datetime.now(UTC))
        broadcasts = Broadcasts(wired[0].engine)
        broadcast_id = broadcasts.send(broadcasts.create("流感疫苗开始接种", Segment(), "wang")).id
        fake.wait_for(lambda: Broadcasts(wired[1].engine).report(broadcast_id).status == "done", timeout=30)
    notices = Counter(c.touser for c in fake.delivered() if "流感疫苗" in c.text)
    assert notices == dict.fromkeys(PARENTS, 1)
    assert len(fake.calls_to("token")) == 1
