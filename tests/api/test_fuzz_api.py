"""Schemathesis against the whole app (ASGI, in-process) on SQLite and PostgreSQL: no answer is a server error.

Every operation of the OpenAPI document gets its examples, schemathesis' coverage cases (boundaries: the longest
string plus one, the smallest and largest dates, …) and fuzzed cases, positive and negative, with a fixed seed.
Every staff operation is called with no token and with each role's token; public operations without one.

Only 5xx is asserted for now. Response-schema conformance (schemathesis' `response_schema_conformance` and
`status_code_conformance`) is to be switched on once the one error shape of the contract's "Errors" lands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from api.app import create_app
from api.auth import Role, create_token
from api.services import build_services
from api.settings import Settings
from geodata.importer import read_registry_file

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
SEED = 20240614
EXAMPLES = 25  # fuzzed cases per operation and mode; the coverage cases come on top
# The registry upload reads files: hostile files are issue 14 item 2, another branch's (geodata/importer.py).
# Until it lands, the fuzzer leaves this operation out; the hostile-file property tests cover it there.
NOT_YET = "POST /api/admin/registry/import"


@pytest.fixture
def tokens(store: Engine) -> dict[str, str]:
    """One live staff token for each role."""
    return {role.value: create_token(store, f"fuzz {role.value}", role) for role in Role}


@pytest.fixture
def api_schema(store: Engine, tokens: dict[str, str]) -> Any:
    settings_ = Settings(database_url="sqlite://", rate_limit_per_minute=0)
    services = build_services(settings_, engine=store)
    services.registry.save(read_registry_file(GOOD).accepted)
    config = schemathesis.Config(seed=SEED)
    loaded = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings_, services), config=config)
    return loaded.exclude(name=NOT_YET)


schema = schemathesis.pytest.from_fixture("api_schema")


def headers_to_try(case: Any, tokens: dict[str, str]) -> list[dict[str, str]]:
    """No token for public operations; no token and each role's token for staff ones."""
    if not case.path.startswith("/api/admin"):
        return [{}]
    return [{}, *({"Authorization": f"Bearer {token}"} for token in tokens.values())]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case: Any, tokens: dict[str, str]) -> None:
    for headers in headers_to_try(case, tokens):
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} → {response.status_code}\n{case.as_curl_command(headers)}\n"
            f"{response.text[:500]}")
