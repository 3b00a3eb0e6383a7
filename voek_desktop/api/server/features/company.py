"""``GET /company``: the grid company's own requisites (name, address, ИНН/КПП/ОГРН, support
phone, who signs contracts), from ``voek-server --company FILE`` (docs/forms-861.md
"Requisites"). Public: a blank form printed before login needs them, and the app keeps the
last answer to print them offline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voek_desktop.api.server.core.schemas import BOOLEAN, STR, obj
from voek_desktop.api.server.http.web import HttpError, Request, Response, RouteTable

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()


@route(
    "GET",
    "/company",
    auth=False,
    summary="Реквизиты сетевой организации для бланков и договоров",
    responses={200: {"$ref": "#/components/schemas/Company"}, 404: None},
)
def get_company(app: CabinetApp, req: Request) -> Response:
    requisites = app.config.company
    if requisites is None:
        raise HttpError(
            404, "company_not_configured", "Реквизиты сетевой организации не настроены на сервере"
        )
    # The basis of the signatory's authority (a power of attorney's number) is for the
    # contract's text only; the public answer names who signs and as whom.
    return Response.json(requisites.as_json(with_signatory_details=False))


route.schemas.update(
    {
        "Company": obj(
            ["name", "short_name", "address", "inn", "kpp", "ogrn", "support_phone", "sample"],
            name=STR,
            short_name=STR,
            address=STR,
            inn=STR,
            kpp=STR,
            ogrn=STR,
            support_phone={**STR, "description": "+7XXXXXXXXXX"},
            site=STR,
            signatory={
                "type": ["object", "null"],
                "properties": {"position": STR, "name": STR},
            },
            sample={**BOOLEAN, "description": "демонстрационные значения («образец»)"},
        )
    }
)
