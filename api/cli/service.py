"""`carecircle demo` and `carecircle serve`: run the web service."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from api.auth import Role, create_token
from api.cli.common import fail, say, settings, wire
from api.i18n import msg
from api.services import Services
from api.settings import Settings
from geodata.upkeep import import_file

SAMPLE_REGISTRY = Path(__file__).resolve().parents[2] / "geodata" / "data" / "sample_centres.csv"
SAMPLE_POPULATION = SAMPLE_REGISTRY.with_name("sample_population.csv")

Host = Annotated[str, typer.Option(help="address to listen on")]
Port = Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("serve")(serve)


DEMO_CENTRES = ("SAMPLE-150627-001", "SAMPLE-150627-002")  # the demo centre token may update these two


def demo(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Start the whole service on a fresh demo store holding the bundled SAMPLE registry."""
    with tempfile.TemporaryDirectory(prefix="carecircle-demo-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'demo.db'}"
        demo_settings = settings().model_copy(update={"database_url": database_url})
        services = wire(demo_settings)
        report = import_file(services.registry, SAMPLE_REGISTRY, is_sample=True, actor="demo")
        if report.rejected or report.warnings:
            fail(f"bundled sample registry has bad rows: {report.as_json()}")
        say(msg("cli.demo_loaded", n=len(report.accepted)).lines())
        load_sample_population(services)
        say(demo_tokens(services, database_url))
        _run(demo_settings, services, host, port)


def load_sample_population(services: Services) -> None:
    """The bundled SAMPLE population of the four demo towns, for /admin/coverage and `carecircle coverage`."""
    population = services.planner.read_file(SAMPLE_POPULATION, is_sample=True)
    if population.rejected:
        fail(f"bundled sample population has bad rows: {population.rejected[0].as_json()}")
    services.planner.save(population.accepted)
    token = create_token(services.engine, "demo-health-staff", Role.health_staff)
    say(f"已载入 {len(population.accepted)} 个【示例】社区/村的人口（虚构）；覆盖率页面 /admin/coverage，"
        f"卫健工作人员令牌：\n{len(population.accepted)} SAMPLE residential areas loaded (fictional); coverage at "
        f"/admin/coverage, health_staff token:\n  {token}\n"
        f"命令行 CLI: CARECIRCLE_DATABASE_URL={services.settings.database_url} carecircle coverage --region 150627")


def demo_tokens(services: Services, database_url: str) -> str:
    """One ready-to-use token per role, and the store's URL, so every role and command can be tried."""
    lines = [msg("cli.demo_tokens").lines()]
    for role in Role:
        scope = DEMO_CENTRES if role is Role.centre else ()
        token = create_token(services.engine, f"demo-{role.value}", role, scope)
        where = f"  (centres {', '.join(scope)})" if scope else ""
        lines.append(f"  {role.value:<17} {token}{where}")
    lines.append(msg("cli.demo_store").lines())
    lines.append(f"  export CARECIRCLE_DATABASE_URL={database_url}")
    return "\n".join(lines)


def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Start the web service (JSON API, pages, admin) on the configured store."""
    current = settings()
    _run(current, wire(current), host, port)


def _run(app_settings: Settings, services: Services, host: str, port: int) -> None:
    import uvicorn

    from api.app import create_app

    app = create_app(app_settings, services)
    say(f"托育圈 carecircle: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    # No access log: request lines carry parents' coordinates and birth dates, which we do not keep.
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
