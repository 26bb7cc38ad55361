"""Schemathesis against the whole app (ASGI, in-process) on SQLite and PostgreSQL: no server error, and every answer
as the OpenAPI document says.

Every operation of the document gets its examples, schemathesis' coverage cases (boundaries: the longest string
plus one, the smallest and largest dates, …) and fuzzed cases, positive and negative, with a fixed seed. Every
operation that takes a token is called with no token and with each role's token (a centre's token names two
centres of the demo's sample registry, whose first centre the document's path examples name); public operations
without one.

Each answer is checked for:
- no server error (5xx);
- a status code the operation documents (`status_code_conformance`);
- the documented media type (`content_type_conformance`);
- a body that matches the documented schema of that status (`response_schema_conformance`): the one error shape of
  the contract's "Errors" for every 4xx and 5xx of /api/…, and the response model of every 200. The response models
  document every key (additionalProperties false), so a key the domain adds without documenting it fails here.
- the documented headers (`response_headers_conformance`: Retry-After on 429 and 503).

Hypothesis' own database is off, so a run never depends on an earlier one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from api.app import create_app
from api.auth import Role, create_token
from api.services import Services, build_services
from api.settings import Settings
from geodata.importer import read_registry_file

SAMPLE = Path(__file__).parents[2] / "geodata" / "data" / "sample_centres.csv"
SAMPLE_POPULATION = SAMPLE.with_name("sample_population.csv")
SEED = 20240614
EXAMPLES = 6  # fuzzed cases per operation; its examples and coverage cases come on top
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
CENTRE_SCOPE = ("SAMPLE-150627-001", "SAMPLE-150627-002")  # the demo's: the documents' examples name the first


TALLY: Counter[str] = Counter()  # cases, calls and answers by status, per store: printed when the store's run ends
# For each operation, the roles that got past the token check with valid data: a negative case (invalid data) is
# called with no token and with those roles only, since every other role is refused before the data is read.
ADMITTED: dict[str, set[str]] = {}


@pytest.fixture
def tally(store: Engine) -> Iterator[Counter[str]]:
    TALLY.clear()
    ADMITTED.clear()
    yield TALLY
    counts = ", ".join(f"{key.split(' ', 1)[1]}: {n}" for key, n in sorted(TALLY.items()) if " " in key)
    print(f"\nfuzz on {store.dialect.name}: {TALLY['cases']} cases, {TALLY['calls']} calls ({counts})")


SETTINGS = Settings(database_url="sqlite://", rate_limit_per_minute=0, rate_limit_per_address_per_minute=0)


@pytest.fixture
def fuzzed(store: Engine) -> Services:
    """The services on this store, with the demo's sample registry and population."""
    services = build_services(SETTINGS, engine=store)
    services.registry.save(read_registry_file(SAMPLE, is_sample=True).accepted)
    population = services.planner.read_file(SAMPLE_POPULATION, is_sample=True)
    services.planner.save(population.accepted)
    return services


@pytest.fixture
def tokens(fuzzed: Services) -> dict[str, str]:
    """One live staff token for each role (a centre's for two centres of the sample registry)."""
    return {role.value: create_token(fuzzed.engine, f"fuzz {role.value}", role,
                                     CENTRE_SCOPE if role is Role.centre else ()) for role in Role}


@pytest.fixture
def api_schema(fuzzed: Services, tokens: dict[str, str]) -> Any:
    config = schemathesis.Config(seed=SEED)
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(SETTINGS, fuzzed), config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


def headers_to_try(case: Any, tokens: dict[str, str]) -> dict[str, dict[str, str]]:
    """No token for public operations; for those that take one (they document 401), no token and each role's token,
    or for invalid data only the roles the operation admitted so far."""
    if "401" not in case.operation.definition.raw.get("responses", {}):
        return {"none": {}}
    roles = list(tokens)
    if case.meta.generation.mode.value == "negative" and ADMITTED.get(case.operation.label):
        roles = [role for role in roles if role in ADMITTED[case.operation.label]]
    return {"none": {}, **{role: {"Authorization": f"Bearer {tokens[role]}"} for role in roles}}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented_and_none_is_a_server_error(case: Any, tokens: dict[str, str],
                                                              tally: Counter[str]) -> None:
    tally["cases"] += 1
    tally[f"case {case.meta.phase.name.value}/{case.meta.generation.mode.value}"] += 1
    for role, headers in headers_to_try(case, tokens).items():
        response = case.call(headers=headers)
        tally["calls"] += 1
        tally[f"status {response.status_code}"] += 1
        if role != "none" and response.status_code not in (401, 403):
            ADMITTED.setdefault(case.operation.label, set()).add(role)
        case.validate_response(response, checks=CHECKS, headers=headers)
