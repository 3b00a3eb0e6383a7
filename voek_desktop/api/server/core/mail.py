"""Outgoing mail: SMTP when configured, else ``.eml`` files in an outbox folder.

Either way the last messages are kept in memory for ``GET /dev/outbox``.
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

from voek_desktop.api.server.core.files import make_tree_private

log = logging.getLogger("voek.server.mail")

SENDER = "АО «ВОЭК» <no-reply@voek33.example>"


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
        self._recent: collections.deque[SentMail] = collections.deque(maxlen=500)
        self._lock = threading.Lock()
        if outbox_dir is not None:
            make_tree_private(outbox_dir)  # mails carry activation and reset codes

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
        with self._lock:
            self._recent.append(SentMail(msg_id.strip("<>"), to, subject, text, now))

    def _write_eml(self, msg: EmailMessage, now: datetime) -> None:
        assert self.outbox_dir is not None
        name = f"{now:%Y%m%dT%H%M%S}-{os.urandom(4).hex()}.eml"
        fd, tmp = tempfile.mkstemp(dir=self.outbox_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(bytes(msg))
        os.replace(tmp, self.outbox_dir / name)

    def recent(self) -> list[SentMail]:
        with self._lock:
            return list(reversed(self._recent))
