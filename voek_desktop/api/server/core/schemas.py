"""JSON-schema fragments for the OpenAPI document, shared by every feature.

A route's ``doc`` and its table's ``schemas`` are plain dicts; these names keep the common
shapes identical everywhere (a string is always ``STR``, a moment always ``DATE_TIME``).
Spread one to extend it: ``{**STR, "description": "…"}``; never change one in place.
"""

from __future__ import annotations

from typing import Any

STR: dict[str, Any] = {"type": "string"}
NULLABLE_STR: dict[str, Any] = {"type": ["string", "null"]}
DATE: dict[str, Any] = {"type": "string", "format": "date"}
DATE_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
NUMBER: dict[str, Any] = {"type": "number"}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
BINARY: dict[str, Any] = {"type": "string", "format": "binary"}


def ref(name: str) -> dict[str, Any]:
    """A reference to ``components/schemas/<name>``."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def list_of(name: str) -> dict[str, Any]:
    """``{"items": [<name>, …]}``, the shape of every list answer."""
    return obj(["items"], items={"type": "array", "items": ref(name)})


def media(*content_types: str) -> dict[str, Any]:
    """A request or response body that is a file, not JSON.

    The OpenAPI builder wraps every schema as application/json; a value of this shape (only
    the key ``content``) is used as the media-type map itself.
    """
    return {"content": {t: {"schema": BINARY} for t in content_types}}
