"""Assemble the OpenAPI 3.1 document from the schema files."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from schemas._loader import load

_PREFIX = "/api/v2/public/orgs/{orgId}/inventory"

_ERRORS = {
    "400": "invalid_request: malformed JSON, wrong type, unknown field, bad query (inferred)",
    "401": "unauthorized: missing or unknown bearer token (inferred status)",
    "403": "insufficient_scope or forbidden (token of another org) (inferred status)",
    "404": "not_found: product not in the org's inventory",
    "409": "insufficient_stock: the adjust would take stock below zero (inferred status); "
    "stock_limit_exceeded: above the fake's limit of 10^12 (inferred)",
    "413": "payload_too_large (inferred)",
    "415": "unsupported_media_type: body is not application/json (inferred)",
}


def _component(name: str) -> dict[str, Any]:
    schema = copy.deepcopy(load(name))
    schema.pop("$id", None)
    schema.pop("$schema", None)
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _responses(ok_schema: str, errors: tuple[str, ...]) -> dict[str, Any]:
    answers = {"200": _json(ok_schema, "Success")}
    answers.update({code: _json("error-response", _ERRORS[code]) for code in errors})
    return answers


def _parameter(name: str, where: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": description,
    }


_ORG = _parameter("orgId", "path", {"type": "string", "pattern": "^[A-Za-z0-9._~-]{1,100}$"}, "Org id")
_PRODUCT = _parameter("p1Id", "path", {"type": "integer", "minimum": 1, "maximum": 9007199254740991}, "Product id")
_DAYS = _parameter(
    "days",
    "query",
    {k: v for k, v in load("history-query")["properties"]["days"].items() if k != "description"},
    "Lookback period",
)


def _webhook(name: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": f"{name}Webhook",
            "summary": f"{name} alert POSTed to subscribers (inferred; signed with X-Inventory-Signature)",
            "x-inferred": True,
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("webhook-event")}}},
            "responses": {"2XX": {"description": "Received; any other answer is retried with backoff"}},
        }
    }


@cache
def _document() -> dict[str, Any]:
    read_errors = ("400", "401", "403", "404")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inventory & stock",
            "version": "v2",
            "description": "Org-level stock management. Parts marked x-inferred are decisions "
            "where the API document is silent (see docs/design.md). Integers are strict: a number "
            "written with a fraction or exponent (5.0, 5e0) is refused where an integer is expected.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                name: _component(name)
                for name in (
                    "inventory-list-response",
                    "adjust-request",
                    "adjust-response",
                    "log-response",
                    "history-response",
                    "error-response",
                    "webhook-event",
                )
            },
        },
        "webhooks": {name: _webhook(name) for name in ("low_stock", "out_of_stock")},
        "security": [{"bearer": []}],
        "paths": {
            _PREFIX: {
                "get": {
                    "operationId": "listInventory",
                    "summary": "List inventory (scope inventory.read)",
                    "x-scope": "inventory.read",
                    "parameters": [_ORG],
                    "responses": _responses("inventory-list-response", ("401", "403")),
                }
            },
            f"{_PREFIX}/adjust": {
                "post": {
                    "operationId": "adjustStock",
                    "summary": "Adjust stock (scope inventory.write). Stock cannot go below zero.",
                    "x-scope": "inventory.write",
                    "parameters": [_ORG],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("adjust-request")}},
                    },
                    "responses": _responses("adjust-response", ("400", "401", "403", "404", "409", "413", "415")),
                }
            },
            f"{_PREFIX}/{{p1Id}}/log": {
                "get": {
                    "operationId": "stockLog",
                    "summary": "Stock change log: up to 200 recent entries (scope inventory.read)",
                    "x-scope": "inventory.read",
                    "parameters": [_ORG, _PRODUCT],
                    "responses": _responses("log-response", read_errors),
                }
            },
            f"{_PREFIX}/{{p1Id}}/history": {
                "get": {
                    "operationId": "stockHistory",
                    "summary": "Daily stock changes aggregated from the log (scope inventory.read)",
                    "x-scope": "inventory.read",
                    "parameters": [_ORG, _PRODUCT, _DAYS],
                    "responses": _responses("history-response", read_errors),
                }
            },
        },
    }


def openapi() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document (a fresh copy; callers may change it)."""
    return copy.deepcopy(_document())
