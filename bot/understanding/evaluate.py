"""Figures on the held-out part of the corpus: intent accuracy per intent, and the safety layer's recall and
false alarms. Nothing here trains or tunes: it only reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.understanding import Understanding, corpus
from bot.understanding.safety import KINDS


def evaluate_heldout(understanding: Understanding) -> dict[str, Any]:
    return evaluate(understanding, corpus.load("heldout"))


def evaluate(understanding: Understanding, examples: list[corpus.Example]) -> dict[str, Any]:
    total, right = Counter[str](), Counter[str]()
    alarms = {"found": 0, "of": 0, "false": 0, "ordinary": 0}
    by_kind = Counter[str](), Counter[str]()
    for example in examples:
        heard = understanding.read(example.text)
        total[example.intent] += 1
        right[example.intent] += heard.intent == example.intent
        if example.safety == "none":
            alarms["ordinary"] += 1
            alarms["false"] += heard.alarm is not None
        else:
            alarms["of"] += 1
            alarms["found"] += heard.alarm is not None
            by_kind[1][example.safety] += 1
            by_kind[0][example.safety] += heard.alarm is not None
    accuracy = sum(right.values()) / max(1, sum(total.values()))
    per_intent = {i: round(right[i] / total[i], 3) for i in corpus.INTENTS if total[i]}
    recall = alarms["found"] / max(1, alarms["of"])
    false_alarms = alarms["false"] / max(1, alarms["ordinary"])
    lines = [f"intent accuracy {sum(right.values())}/{sum(total.values())} = {accuracy:.3f}"]
    lines += [f"  {i:13} {right[i]}/{total[i]} = {per_intent[i]:.2f}" for i in per_intent]
    lines.append(f"safety recall {alarms['found']}/{alarms['of']} = {recall:.3f}; false alarms "
                 f"{alarms['false']}/{alarms['ordinary']} = {false_alarms:.3f}")
    lines += [f"  {k:10} {by_kind[0][k]}/{by_kind[1][k]}" for k in KINDS if by_kind[1][k]]
    return {"messages": len(examples), "accuracy": round(accuracy, 4), "per_intent": per_intent,
            "safety_recall": round(recall, 4), "false_alarms": round(false_alarms, 4),
            "safety_by_kind": {k: [by_kind[0][k], by_kind[1][k]] for k in KINDS if by_kind[1][k]},
            "summary": "\n".join(lines)}
