"""`carecircle dialogue train` rebuilds the intent and safety model from the corpus; `dialogue evaluate`
prints its figures on the held-out part, which it was never trained or tuned on."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import print_json


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="对话理解模型 / the dialogue's intent and safety model", no_args_is_help=True)
    group.command("train")(train)
    group.command("evaluate")(evaluate)
    app.add_typer(group, name="dialogue")


def train() -> None:
    """Rebuild the model from bot/understanding/corpus/train (deterministic) and write it as package data."""
    from bot.understanding import corpus
    from bot.understanding.model import MODEL_FILE, build
    from bot.understanding.text import SEGMENTER_DICT, segmenter_dictionary

    SEGMENTER_DICT.write_text(segmenter_dictionary(e.text for e in corpus.load("train")), encoding="utf-8")
    model = build().export()
    model.save()
    typer.echo(f"{MODEL_FILE} ({MODEL_FILE.stat().st_size // 1024} KiB), corpus {model.corpus_digest[:12]}", err=True)


def evaluate(as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False) -> None:
    """Intent accuracy and safety recall on the held-out part of the corpus."""
    from bot.understanding import Understanding
    from bot.understanding.evaluate import evaluate_heldout

    figures = evaluate_heldout(Understanding.shared())
    if as_json:
        print_json(figures)
        return
    typer.echo(figures["summary"])
