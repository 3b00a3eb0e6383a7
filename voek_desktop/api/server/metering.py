"""Personal accounts, organisations, supply contracts, meters, smart-meter data and archive
requests (SPEC §6, §7)."""

from __future__ import annotations

from voek_desktop.api.server.web import RouteTable

route = RouteTable()
dev_route = RouteTable()
