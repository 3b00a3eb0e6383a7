"""The OpenAPI 3 document, built from the routes actually mounted, so it cannot miss one."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.schemas import (
    NULLABLE_STR,
    STR,
)
from voek_desktop.api.server.http.web import Request, Response, RouteTable

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "message": STR,
                    "fields": {"type": "object", "additionalProperties": STR},
                    "correlation_id": STR,
                },
            }
        },
    },
    "Message": {"type": "object", "required": ["message"], "properties": {"message": STR}},
    "Health": {
        "type": "object",
        "required": ["status", "time", "server_id"],
        "properties": {
            "status": {"const": "ok"},
            "time": {"type": "string", "format": "date-time"},
            "server_id": {
                **STR,
                "description": "Постоянный идентификатор сервера: создаётся один раз с его базой"
                " данных и не меняется при смене адреса или порта",
            },
            "version": {"type": "string", "description": "версия сервера"},
        },
    },
    "ConsumerType": {"type": "string", "enum": ["individual", "entrepreneur", "company"]},
    "Registration": {
        "type": "object",
        "required": [
            "consumer_type",
            "email",
            "password",
            "password_confirmation",
            "phone",
            "personal_data_consent",
        ],
        "properties": {
            "consumer_type": {"$ref": "#/components/schemas/ConsumerType"},
            "snils": {**STR, "description": "Физическое лицо: СНИЛС, 11 цифр"},
            "inn": {**STR, "description": "ИП: 12 цифр; юридическое лицо: 10 цифр"},
            "ogrnip": {**STR, "description": "ИП: 15 цифр"},
            "ogrn": {**STR, "description": "Юридическое лицо: 13 цифр"},
            "email": STR,
            "password": {"type": "string", "minLength": 8, "maxLength": 128},
            "password_confirmation": STR,
            "phone": STR,
            "personal_data_consent": {"type": "boolean"},
        },
    },
    "Profile": {
        "type": "object",
        "required": ["id", "consumer_type", "login", "email", "phone", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "consumer_type": {"$ref": "#/components/schemas/ConsumerType"},
            "consumer_type_label": STR,
            "login": STR,
            "snils": STR,
            "inn": STR,
            "ogrn": STR,
            "ogrnip": STR,
            "email": STR,
            "pending_email": NULLABLE_STR,
            "phone": STR,
            "created_at": {"type": "string", "format": "date-time"},
            "activated_at": NULLABLE_STR,
            "name": {
                **NULLABLE_STR,
                "description": "GET /profile: наименование организации или ИП по реестру",
            },
            "addresses": {
                "type": "array",
                "items": STR,
                "description": "GET /profile: адреса точек учёта, доступных потребителю",
            },
        },
    },
    "RegistrationResult": {
        "type": "object",
        "required": ["consumer", "message"],
        "properties": {"consumer": {"$ref": "#/components/schemas/Profile"}, "message": STR},
    },
    "Token": {"type": "object", "required": ["token"], "properties": {"token": STR}},
    "EmailOnly": {"type": "object", "required": ["email"], "properties": {"email": STR}},
    "EmailChangeRequest": {
        "type": "object",
        "required": ["email", "current_password"],
        "properties": {"email": STR, "current_password": STR},
    },
    "Login": {
        "type": "object",
        "required": ["consumer_type", "login", "password"],
        "properties": {
            "consumer_type": {"$ref": "#/components/schemas/ConsumerType"},
            "login": {**STR, "description": "СНИЛС, ОГРНИП или ОГРН"},
            "password": STR,
            "remember": {"type": "boolean", "default": False},
        },
    },
    "Session": {
        "type": "object",
        "required": ["token", "expires_at", "consumer"],
        "properties": {
            "token": STR,
            "expires_at": {"type": "string", "format": "date-time"},
            "consumer": {"$ref": "#/components/schemas/Profile"},
        },
    },
    "PasswordResetConfirm": {
        "type": "object",
        "required": ["token", "password", "password_confirmation"],
        "properties": {"token": STR, "password": STR, "password_confirmation": STR},
    },
    "ProfilePatch": {"type": "object", "required": ["phone"], "properties": {"phone": STR}},
    "PasswordChange": {
        "type": "object",
        "required": ["current_password", "new_password", "new_password_confirmation"],
        "properties": {
            "current_password": STR,
            "new_password": STR,
            "new_password_confirmation": STR,
        },
    },
    "EmailChange": {
        "type": "object",
        "required": ["message", "profile"],
        "properties": {"message": STR, "profile": {"$ref": "#/components/schemas/Profile"}},
    },
    "Clock": {
        "type": "object",
        "required": ["now"],
        "properties": {"now": {"type": "string", "format": "date-time"}},
    },
    "ClockSet": {
        "type": "object",
        "properties": {
            "now": {"type": "string", "format": "date-time"},
            "advance_seconds": {"type": "number"},
        },
    },
    "Outbox": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "to", "subject", "text", "sent_at"],
                    "properties": {
                        "id": STR,
                        "to": STR,
                        "subject": STR,
                        "text": STR,
                        "sent_at": STR,
                    },
                },
            }
        },
    },
}

route.schemas.update(SCHEMAS)

_ERROR = {"$ref": "#/components/schemas/Error"}
_DESCRIPTIONS = {
    200: "Успешно",
    201: "Создано",
    202: "Принято",
    204: "Нет содержимого",
    206: "Часть файла (Range)",
    400: "Неверный запрос",
    401: "Нужен вход",
    403: "Нет доступа",
    404: "Не найдено",
    405: "Метод не поддерживается",
    409: "Конфликт состояния",
    413: "Слишком большой запрос",
    415: "Неподдерживаемый тип файла",
    416: "Диапазон вне файла",
    422: "Ошибка проверки полей",
    429: "Слишком много попыток",
    500: "Внутренняя ошибка",
    503: "Сервер занят",
}


def _content(schema: Any) -> dict[str, Any]:
    # {"content": {media type: ...}} is passed through: uploads and file downloads.
    if isinstance(schema, dict) and set(schema) == {"content"}:
        return schema["content"]
    if schema == "html":
        return {"text/html": {"schema": {"type": "string"}}}
    return {"application/json": {"schema": schema}}


def build(app: CabinetApp) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for r in app.router.routes:
        doc = dict(r.doc)
        responses: dict[int, Any] = dict(doc.get("responses", {}))
        if r.auth:
            responses.setdefault(401, None)
        if "body" in doc:
            responses.setdefault(400, None)
            responses.setdefault(413, None)
        responses.setdefault(500, None)
        responses.setdefault(503, None)
        operation: dict[str, Any] = {
            "operationId": r.handler.__name__,
            "summary": doc.get("summary", ""),
            "responses": {},
        }
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"\{(\w+)\}", r.pattern)
        ]
        params += doc.get("parameters", [])
        if params:
            operation["parameters"] = params
        if "body" in doc:
            operation["requestBody"] = {"required": True, "content": _content(doc["body"])}
        if r.auth:
            operation["security"] = [{"bearer": []}]
        for status, schema in sorted(responses.items()):
            entry: dict[str, Any] = {"description": _DESCRIPTIONS.get(status, "")}
            if status == 204:
                pass
            elif schema is None:
                entry["content"] = _content(_ERROR)
            else:
                entry["content"] = _content(schema)
            if status == 429:
                entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
            operation["responses"][str(status)] = entry
        paths.setdefault(r.pattern, {})[r.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Личный кабинет потребителя АО «ВОЭК»",
            "version": "1.0.0",
            "description": "API личного кабинета потребителя сетевой организации.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": {k: v for t in app.route_tables for k, v in t.schemas.items()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@route(
    "GET",
    "/openapi.json",
    auth=False,
    summary="Этот документ OpenAPI",
    responses={200: {"type": "object"}},
)
def openapi_document(app: CabinetApp, req: Request) -> Response:
    return Response.json(build(app))
