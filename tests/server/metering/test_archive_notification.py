"""A finished archive is told in the feed of the consumer who asked for it (issue 16, item 5),
pointing at the request, and only once: the job runs once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

MSK = timezone(timedelta(hours=3))
METER = 1  # demo individual's smart meter (tests/server/metering/test_archive.py)


def test_archive_ready_is_in_the_feed_once(mapi):
    mapi.at(datetime(2026, 3, 10, 12, 0, tzinfo=MSK))
    start = mapi.get("/notifications").json()["last_id"]
    created = mapi.post(
        f"/meters/{METER}/archive-requests",
        json={"period_start": "2026-03-01", "period_end": "2026-03-03"},
    )
    assert created.status_code == 201, created.text
    assert mapi.get("/notifications", params={"after": start}).json()["items"] == []
    mapi.at(datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
    mapi.run_jobs()
    mapi.run_jobs()
    items = mapi.get("/notifications", params={"after": start}).json()["items"]
    assert [(n["kind"], n["object"]) for n in items] == [
        ("archive_ready", {"type": "archive", "id": created.json()["id"]})
    ]
    assert "01.03.2026–03.03.2026" in items[0]["text"]
    company = mapi.get("/notifications", "company").json()["items"]
    assert all(n["kind"] != "archive_ready" for n in company)
