"""The `carecircle` command. Each group of commands lives in its own module and registers itself here."""

from __future__ import annotations

import typer

from api.cli import bot, centres, chat, coverage, dialogue, guidance, leave, service, tokens, wechat

app = typer.Typer(
    help="托育圈 carecircle: filed childcare in the 15-minute circle, leave and parenting guidance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (service, bot, centres, leave, guidance, chat, dialogue, tokens, coverage, wechat):
    module.register(app)


def main() -> None:
    app()
