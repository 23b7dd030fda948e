"""Every error the fake can answer with, and the misuse errors of its Python API.

An ``ApiError`` is rendered by the one handler in ``mockserver.http.app`` as
``{"error": code, "message": ..., "field"?: ...}`` with its status. ``rule`` names the
docs/design.md rule a *client* broke; errors that are business answers (404, 409) have
none, so they are never counted as contract violations.
"""

from __future__ import annotations

from mockserver.api import SCOPE_RULES


class ApiError(Exception):
    """An HTTP error answer of the fake (a 4xx with a JSON body)."""

    # Class defaults that subclasses override; an instance may refine them (``rule=``, ``InjectedFault``).
    status_code: int = 400
    code: str = "invalid_request"
    rule: str | None = "SHAPES"

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if rule is not None:
            self.rule = rule  # per-instance refinement of the class default

    def body(self) -> dict[str, str]:
        """The JSON body of this error."""
        body = {"error": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body

    def headers(self) -> dict[str, str]:
        """Extra response headers (``WWW-Authenticate`` for 401/403)."""
        return {}


class InvalidRequest(ApiError):
    """400: malformed JSON, wrong type, unknown field, bad query parameter."""


class Unauthorized(ApiError):
    """401: missing, malformed or unknown bearer token."""

    status_code = 401
    code = "unauthorized"
    rule = "AUTH"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="inventory"'}


class InsufficientScope(ApiError):
    """403: the token lacks the scope the endpoint needs."""

    status_code = 403
    code = "insufficient_scope"
    rule = None  # per instance: the scope's rule, SCOPE-READ or SCOPE-WRITE

    def __init__(self, message: str, *, scope: str) -> None:
        super().__init__(message, rule=SCOPE_RULES[scope])
        self.scope = scope

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{self.scope}"'}


class Forbidden(ApiError):
    """403: the token belongs to another org (an unknown org looks the same)."""

    status_code = 403
    code = "forbidden"
    rule = "ORG"


class NotFound(ApiError):
    """404: product not in the org's inventory, or no such route."""

    status_code = 404
    code = "not_found"
    rule = None


class MethodNotAllowed(ApiError):
    """405: the route exists but not for this method."""

    status_code = 405
    code = "method_not_allowed"
    rule = "ENDPOINT"  # not a rule of the table: a request the document lists no endpoint for

    def __init__(self, message: str, *, allowed: tuple[str, ...] = (), field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.allowed = allowed

    def headers(self) -> dict[str, str]:
        # RFC 9110 section 15.5.6: a 405 must list the allowed methods.
        return {"Allow": ", ".join(self.allowed)}


class InsufficientStock(ApiError):
    """409: the adjust would take on-hand or incoming below zero."""

    status_code = 409
    code = "insufficient_stock"
    rule = None


class StockLimitExceeded(ApiError):
    """409: the adjust would take stock above the fake's limit (inferred, see README)."""

    status_code = 409
    code = "stock_limit_exceeded"
    rule = None


class PayloadTooLarge(ApiError):
    """413: the body is larger than the fake accepts."""

    status_code = 413
    code = "payload_too_large"
    rule = "SHAPES"


class UnsupportedMediaType(ApiError):
    """415: a body that is not ``application/json``."""

    status_code = 415
    code = "unsupported_media_type"
    rule = "SHAPES"


class MockUsageError(Exception):
    """The fake was misused from Python or the control API (not an API answer)."""


class MissingToken(MockUsageError, KeyError):
    """``mock.tokens[role]`` for a role the seed gives the org no token for."""

    def __str__(self) -> str:  # KeyError would show the repr of the message
        return str(self.args[0])


class SeedError(MockUsageError, ValueError):
    """A seed (file or dict) does not match the seed schema or is inconsistent."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        super().__init__(f"{source}: {path}: {problem}")
        self.source = source
        self.path = path
        self.problem = problem


class ProfileError(SeedError):
    """A behaviour profile (file or dict) does not match ``schemas/profile.json``."""


class UnknownMutant(MockUsageError, ValueError):
    """No mutant has this name (``mockserver.mutants``); the message names the known ones."""
