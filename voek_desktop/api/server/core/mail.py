"""Outgoing mail: SMTP when configured, else ``.eml`` files in an outbox folder.

Either way the last messages are kept for ``GET /dev/outbox``: in memory, and with --dev in the
database (table ``dev_outbox``), so the outbox lists what every process on it sent (issue 15,
item 4). Only with --dev: mails carry activation and reset codes, which a production database
has no reason to keep.
"""

from __future__ import annotations

import collections
import logging
import os
import smtplib
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from voek_desktop.api.server.core.files import make_tree_private

if TYPE_CHECKING:
    from voek_desktop.api.server.storage.db import Database

log = logging.getLogger("voek.server.mail")

SENDER = "АО «ВОЭК» <no-reply@voek33.example>"
KEEP = 500  # messages /dev/outbox lists


@dataclass(frozen=True)
class SentMail:
    id: str
    to: str
    subject: str
    text: str
    sent_at: datetime

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "to": self.to,
            "subject": self.subject,
            "text": self.text,
            "sent_at": self.sent_at.isoformat(),
        }


class Mailer:
    def __init__(self, outbox_dir: Path | None = None, smtp: tuple[str, int] | None = None) -> None:
        self.outbox_dir = outbox_dir
        self.smtp = smtp
        self._recent: collections.deque[SentMail] = collections.deque(maxlen=KEEP)
        self._store: Database | None = None
        self._lock = threading.Lock()
        if outbox_dir is not None:
            make_tree_private(outbox_dir)  # mails carry activation and reset codes

    def share(self, db: Database) -> None:
        """List the outbox from ``db`` from now on (--dev: several processes, one outbox)."""
        self._store = db

    def send(self, to: str, subject: str, text: str, now: datetime) -> None:
        msg = EmailMessage()
        msg["From"] = SENDER
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(now)
        msg_id = make_msgid(domain="voek33.example")
        msg["Message-ID"] = msg_id
        msg.set_content(text)
        try:
            if self.smtp is not None:
                with smtplib.SMTP(*self.smtp, timeout=10) as client:
                    client.send_message(msg)
            elif self.outbox_dir is not None:
                self._write_eml(msg, now)
        except OSError:
            # A lost message must not turn a registration into a 500; the user can ask again.
            log.exception("could not send mail %s", msg_id)
        sent = SentMail(msg_id.strip("<>"), to, subject, text, now)
        if self._store is not None:
            _record(self._store, sent)
            return
        with self._lock:
            self._recent.append(sent)

    def _write_eml(self, msg: EmailMessage, now: datetime) -> None:
        assert self.outbox_dir is not None
        name = f"{now:%Y%m%dT%H%M%S}-{os.urandom(4).hex()}.eml"
        fd, tmp = tempfile.mkstemp(dir=self.outbox_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(bytes(msg))
        os.replace(tmp, self.outbox_dir / name)

    def recent(self) -> list[SentMail]:
        if self._store is not None:
            return _recorded(self._store)
        with self._lock:
            return list(reversed(self._recent))


# --- the shared outbox's statements ------------------------------------------------------------


def _record(db: Database, mail: SentMail) -> None:
    sql = (
        "INSERT INTO dev_outbox (message_id, to_addr, subject, body, sent_at)"
        " VALUES (:id, :to, :subject, :body, :at)"
    )
    params = {
        "id": mail.id,
        "to": mail.to,
        "subject": mail.subject,
        "body": mail.text,
        "at": mail.sent_at.isoformat(),
    }
    trim = "DELETE FROM dev_outbox WHERE seq <= (SELECT max(seq) FROM dev_outbox) - :keep"
    if db.in_transaction():
        # Sent from within a request's transaction: recorded with it (a nested BEGIN fails).
        db.connection().execute(sql, params)
        return
    with db.write() as write:
        write.execute(sql, params)
        write.execute(trim, {"keep": KEEP})


def _recorded(db: Database) -> list[SentMail]:
    return [
        SentMail(
            row["message_id"],
            row["to_addr"],
            row["subject"],
            row["body"],
            datetime.fromisoformat(row["sent_at"]),
        )
        for row in db.query(
            "SELECT message_id, to_addr, subject, body, sent_at FROM dev_outbox"
            " ORDER BY seq DESC LIMIT :keep",
            {"keep": KEEP},
        )
    ]
