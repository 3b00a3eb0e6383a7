"""Grid-connection applications, documents, connection contracts, feedback and the survey
(SPEC §4, §5, §7, §8.2, §8.5)."""

from __future__ import annotations

from voek_desktop.api.server.web import RouteTable

route = RouteTable()
dev_route = RouteTable()
