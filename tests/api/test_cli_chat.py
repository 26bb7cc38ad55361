"""`carecircle chat --json`: one JSON reply per input line, sessions kept apart."""

from __future__ import annotations

import json


def test_chat_json_lines(cli) -> None:  # type: ignore[no-untyped-def]
    lines = "\n".join([
        "你好",
        json.dumps({"session": "a", "text": "产假多少天"}, ensure_ascii=False),
        json.dumps({"session": "a", "text": "内蒙古 2026-01-10"}, ensure_ascii=False),
        json.dumps({"session": "b", "text": "我要投诉"}, ensure_ascii=False),
    ]) + "\n"
    result = cli("chat", "--json", input=lines)
    assert result.exit_code == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["session"], r["intent"]) for r in replies] == [
        ("console", "help"), ("a", "leave"), ("a", "leave"), ("b", "complaint")]
    assert "158" in replies[2]["text"]


def test_typed_commands_and_forget_words_work_in_the_console(cli) -> None:  # type: ignore[no-untyped-def]
    lines = "\n".join(json.dumps({"session": "c", "text": t}, ensure_ascii=False)
                      for t in ["内蒙古产假多少天", "/forget", "把我的信息都删掉", "/help"]) + "\n"
    result = cli("chat", "--json", input=lines)
    assert result.exit_code == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["intent"] for r in replies] == ["leave", "unsubscribe", "unsubscribe", "help"]
