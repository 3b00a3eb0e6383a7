"""Conditional GETs (issue 12 "Stale screens"): the app polls the open section every few minutes,
so an unchanged answer costs a 304 without a body, and a change shows up at once."""

from __future__ import annotations

from tests import demo


def test_unchanged_list_is_304_without_a_body_and_a_change_gets_a_new_tag(api):
    token = api.login()
    first = api.get("/feedback", token=token)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    # The client may keep its copy, but must ask before every use; no shared cache may hold it.
    assert first.headers["Cache-Control"] == "private, no-cache"

    again = api.get("/feedback", token=token, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "private, no-cache"
    # Weak comparison and lists, as RFC 9110 has it for If-None-Match.
    listed = api.get("/feedback", token=token, headers={"If-None-Match": f'"x", W/{etag}'})
    assert listed.status_code == 304
    assert api.get("/feedback", token=token, headers={"If-None-Match": '"x"'}).status_code == 200

    made = api.post("/feedback", token=token, json={"subject": "Опора", "message": "Когда?"})
    assert made.status_code == 201, made.text
    changed = api.get("/feedback", token=token, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Опора" in [t["subject"] for t in changed.json()["items"]]


def test_head_answers_304_too_and_errors_carry_no_tag(api):
    token = api.login()
    etag = api.get("/profile", token=token).headers["ETag"]
    head = api.request("HEAD", "/profile", token=token, headers={"If-None-Match": etag})
    assert head.status_code == 304 and head.content == b""
    missing = api.get("/feedback/999999", token=token, headers={"If-None-Match": "*"})
    assert missing.status_code == 404 and "ETag" not in missing.headers
    # Without a session nothing is tagged or revalidated: the 401 is the answer.
    anonymous = api.get("/profile", headers={"If-None-Match": etag})
    assert anonymous.status_code == 401 and "ETag" not in anonymous.headers
    health = api.get("/health")
    assert health.headers["Cache-Control"] == "no-store" and "ETag" not in health.headers


def test_another_consumers_tag_says_nothing_about_them(api):
    individual = api.login("individual")
    company = api.login("company")
    mine = api.get("/profile", token=individual)
    theirs = api.get("/profile", token=company)
    assert mine.headers["ETag"] != theirs.headers["ETag"]
    # Guessing with the other consumer's tag gets one's own data, never a 304 "you have it".
    probe = api.get("/profile", token=company, headers={"If-None-Match": mine.headers["ETag"]})
    assert probe.status_code == 200
    assert probe.json()["login"] == demo.OGRN
