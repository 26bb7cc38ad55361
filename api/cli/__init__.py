"""The `carecircle` command. Each group of commands lives in its own module, imported only when it runs.

`carecircle leave …` imports the leave rules and nothing else: no web framework, bot, Telegram library, scipy or
networkx (tests/api/test_cli_startup.py guards this with `python -X importtime`). The table below names each
command's module and its one-line help, so `carecircle --help` lists every command without importing any of them.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

# name → (module that registers it, one line of help for `carecircle --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("api.cli.service", "Start the whole service on a fresh demo store holding the bundled SAMPLE registry."),
    "serve": ("api.cli.service", "Start the web service (JSON API, pages, admin) on the configured store."),
    "bot": ("api.cli.bot", "Run the Telegram bot (polling) and the broadcast sender, until Ctrl+C or SIGTERM."),
    "centres": ("api.cli.centres", "登记在册的托育机构 / the registry of filed centres"),
    "streets": ("api.cli.streets", "街道网络 / the street network that walks follow (import an OSM extract)"),
    "leave": ("api.cli.leave", "Explain the leave for a birth: 产假、陪产假（护理假）、育儿假, with the documents."),
    "guidance": ("api.cli.guidance", "科学育儿指导文章 / parenting guidance"),
    "chat": ("api.cli.chat", "A console conversation with the dialogue engine; one message a line."),
    "dialogue": ("api.cli.dialogue", "对话理解模型 / train and evaluate the dialogue's intent and safety model"),
    "population": ("api.cli.coverage", "居住区人口 / import residential areas with their population"),
    "coverage": ("api.cli.coverage", "Coverage of a region against its targets, gaps and where to build next."),
    "wechat": ("api.cli.wechat", "微信公众号 / the WeChat Official Account: menu and QR codes"),
    "tokens": ("api.cli.tokens", "工作人员令牌 / staff tokens"),
}


class LazyGroup(TyperGroup):
    """A command group whose subcommands are imported when they are asked for, not when the program starts."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        return load_command(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # Plain help (rich help would import every command module to read its help): usage, text, options, and
        # format_commands below, from the table.
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


def load_command(name: str) -> Any:
    """The click command `name`, built from its module's `register(app)`."""
    module = importlib.import_module(COMMANDS[name][0])
    holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    holder.callback()(lambda: None)  # a group, even when the module registers one command
    module.register(holder)
    group = typer.main.get_group(holder)
    return group.get_command(None, name)  # type: ignore[arg-type]


app = typer.Typer(
    cls=LazyGroup,
    help="托育圈 carecircle: filed childcare in the 15-minute circle, leave and parenting guidance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """托育圈 carecircle: filed childcare in the 15-minute circle, leave and parenting guidance."""


def main() -> None:
    app()
