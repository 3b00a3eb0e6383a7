"""The client revalidates what it fetched (If-None-Match): an unchanged list costs the server a
304 without a body, and the caller still gets the data (issue 12 "Stale screens")."""

from __future__ import annotations

import requests

from tests import demo
from voek_desktop.api.client import CabinetClient


def exchanges(client: CabinetClient) -> list[tuple[str, str | None, int]]:
    """(path, If-None-Match sent, status) of every answer, as it went over the wire."""
    seen: list[tuple[str, str | None, int]] = []

    def record(response: requests.Response, *args, **kwargs) -> None:
        request = response.request
        seen.append((request.path_url, request.headers.get("If-None-Match"), response.status_code))

    client.http.hooks["response"].append(record)
    return seen


def test_an_unchanged_list_comes_back_from_a_304(server, client: CabinetClient) -> None:
    demo.log_in(client)
    seen = exchanges(client)
    first = client.feedback_threads()
    assert first, "the demo consumer has a thread"
    second = client.feedback_threads()
    assert second == first
    (path, sent, status), (path2, sent2, status2) = seen
    assert path == path2 == "/api/v1/feedback"
    assert (sent, status) == (None, 200)
    assert sent2 and sent2.startswith('"') and status2 == 304

    client.create_feedback("Опора у дома", "Когда поставят опору?")
    third = client.feedback_threads()
    assert seen[-1][2] == 200  # changed: the new list, not the remembered one
    assert len(third) == len(first) + 1
    assert "Опора у дома" in [t.subject for t in third]


def test_query_strings_are_kept_apart(server, client: CabinetClient) -> None:
    demo.log_in(client)
    active, done = client.applications("active"), client.applications("done")
    assert {a.id for a in active}.isdisjoint({a.id for a in done})
    seen = exchanges(client)
    # Each address has its own copy: «Выполненные» never comes back as «Исполняемые».
    assert client.applications("active") == active
    assert client.applications("done") == done
    assert [status for _path, _sent, status in seen] == [304, 304]


def test_logout_forgets_what_was_kept(server, client: CabinetClient) -> None:
    demo.log_in(client)
    seen = exchanges(client)
    client.profile()
    client.profile()
    assert [status for _path, _sent, status in seen] == [200, 304]
    client.log_out()
    demo.log_in(client)
    seen.clear()
    assert client.profile().login == demo.SNILS
    # Nothing of the last session is offered to the server, even for the same consumer.
    assert seen == [("/api/v1/profile", None, 200)]
