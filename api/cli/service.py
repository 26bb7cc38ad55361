"""`carecircle demo` and `carecircle serve`: run the web service."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

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
ProxyHeaders = Annotated[bool | None, typer.Option(
    "--proxy-headers/--no-proxy-headers",
    help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips (default: CARECIRCLE_PROXY_HEADERS, on)")]
ForwardedAllowIps = Annotated[str | None, typer.Option(
    help="comma-separated proxy addresses or networks whose X-Forwarded-* headers are trusted, or '*' "
         "(default: CARECIRCLE_FORWARDED_ALLOW_IPS, 127.0.0.1)")]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("serve")(serve)


DEMO_CENTRES = ("SAMPLE-150627-001", "SAMPLE-150627-002")  # the demo centre token may update these two


def demo(host: Host = "127.0.0.1", port: Port = 8000, proxy_headers: ProxyHeaders = None,
         forwarded_allow_ips: ForwardedAllowIps = None) -> None:
    """Start the whole service on a fresh demo store holding the bundled SAMPLE registry."""
    with tempfile.TemporaryDirectory(prefix="carecircle-demo-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'demo.db'}"
        demo_settings = _with_proxy(settings(), proxy_headers, forwarded_allow_ips).model_copy(
            update={"database_url": database_url})
        services = wire(demo_settings)
        report = import_file(services.registry, SAMPLE_REGISTRY, is_sample=True, actor="demo")
        if report.rejected or report.warnings:
            fail(f"bundled sample registry has bad rows: {report.as_json()}")
        say(msg("cli.demo_loaded", n=len(report.accepted)).lines())
        load_sample_population(services)
        say(demo_tokens(services, database_url))
        run_server(demo_settings, services, host, port)


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


def serve(host: Host = "127.0.0.1", port: Port = 8000, proxy_headers: ProxyHeaders = None,
          forwarded_allow_ips: ForwardedAllowIps = None) -> None:
    """Start the web service (JSON API, pages, admin) on the configured store.

    Behind a reverse proxy, the client's address (for the rate limit) and scheme come from X-Forwarded-For and
    X-Forwarded-Proto, trusted only from --forwarded-allow-ips."""
    current = _with_proxy(settings(), proxy_headers, forwarded_allow_ips)
    run_server(current, wire(current), host, port)


def _with_proxy(current: Settings, proxy_headers: bool | None, forwarded_allow_ips: str | None) -> Settings:
    """The settings with the command line's proxy options, where given, in place of the environment's."""
    update: dict[str, Any] = {}
    if proxy_headers is not None:
        update["proxy_headers"] = proxy_headers
    if forwarded_allow_ips is not None:
        update["forwarded_allow_ips"] = forwarded_allow_ips.strip()
    return current.model_copy(update=update) if update else current


def uvicorn_options(app_settings: Settings) -> dict[str, Any]:
    """How `serve` and `demo` run uvicorn: one process, and no access log (request lines carry parents'
    coordinates and birth dates, which we do not keep)."""
    return {"log_level": "info", "access_log": False, "proxy_headers": app_settings.proxy_headers,
            "forwarded_allow_ips": app_settings.forwarded_allow_ips, "server_header": False}


def run_server(app_settings: Settings, services: Services, host: str, port: int,
               wrap: Callable[[Any], Any] | None = None) -> None:
    """Serve create_app on host:port until interrupted (`wrap` lets a benchmark add its own instruments)."""
    import uvicorn

    from api.app import create_app
    from api.runtime import prepare_to_serve

    app: Any = create_app(app_settings, services)
    prepare_to_serve(services)  # warm, then the collector and the interpreter lock tuned for serving
    say(f"托育圈 carecircle: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(wrap(app) if wrap else app, host=host, port=port, **uvicorn_options(app_settings))
