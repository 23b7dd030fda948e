"""schemathesis against the fake's own ``/openapi.json``, every check it has, in-process.

Two runs: with a read-write token and the demo org (requests reach the business
rules), and with whatever schemathesis generates for the org (401/403 paths).
Both must report zero failures.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

from .support import ORG, READ_WRITE, frozen_mock

EXAMPLES = 60
mock = frozen_mock()


def _config(*, bind_org: bool) -> schemathesis.Config:
    org = f'\n[parameters]\n"path.orgId" = "{ORG}"\n' if bind_org else "\n"
    return schemathesis.Config.from_str(
        f'headers = {{ Authorization = "Bearer {READ_WRITE}" }}\n'
        f"{org}"
        f'[generation]\nmode = "all"\nmax-examples = {EXAMPLES}\n'
    )


def _integral_floats_as_ints(value: Any) -> Any:
    # JSON Schema counts 5.0 as an integer; the fake (docs/design.md: deltas are integers,
    # "not floats") rejects it on purpose. tests/hardening/test_limits.py checks that.
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    return value


def _schema(*, bind_org: bool) -> Any:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", mock.app, config=_config(bind_org=bind_org))

    @schema.hook
    def map_body(_context: Any, body: Any) -> Any:
        return _integral_floats_as_ints(body)

    return schema


in_demo_org = _schema(bind_org=True)
in_any_org = _schema(bind_org=False)
ALL_CHECKS = CHECKS.get_all()
SETTINGS = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))


def test_every_check_is_on() -> None:
    assert {check.__name__ for check in ALL_CHECKS} >= {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "positive_data_acceptance",
        "negative_data_rejection",
        "missing_required_header",
        "ignored_auth",
        "unsupported_method",
        "use_after_free",
        "ensure_resource_availability",
    }


@in_demo_org.parametrize()
@SETTINGS
def test_demo_org_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


@in_any_org.parametrize()
@SETTINGS
def test_any_org_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=ALL_CHECKS)
