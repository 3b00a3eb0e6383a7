"""Password hashing (scrypt) and random tokens stored only as hashes (docs/design.md
"Identity"; OWASP ASVS)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading

from voek_desktop.api.server.http.web import HttpError

# Django's scrypt parameters: 16 MiB each, fits OpenSSL's default memory cap.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 5


class KdfBusy(HttpError):
    """Too many password hashes waiting: answered 503 at once instead of queueing."""

    def __init__(self) -> None:
        super().__init__(
            503,
            "busy",
            "Сервер перегружен проверкой паролей, повторите попытку через несколько секунд",
            headers={"Retry-After": "2"},
        )


class KdfGate:
    """Each hash takes 16 MiB and ~0.2–0.3 s of a core, so ``slots`` run at once; and at most
    ``queue`` more may wait. A flood of wrong logins then costs its senders prompt 503s, and a
    real login waits at most ``queue / slots`` hash times (60 queued threads made it 11.5 s)."""

    def __init__(self, slots: int, queue: int) -> None:
        self.slots = slots
        self.queue = queue
        self._running = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._admitted = 0

    def __enter__(self) -> KdfGate:
        with self._lock:
            if self._admitted >= self.slots + self.queue:
                raise KdfBusy()
            self._admitted += 1
        self._running.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._running.release()
        with self._lock:
            self._admitted -= 1


_SLOTS = max(2, os.cpu_count() or 2)
kdf_gate = KdfGate(_SLOTS, queue=2 * _SLOTS)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """May raise :class:`KdfBusy` (an ``HttpError`` 503) before any hashing starts."""
    with kdf_gate:
        return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        [
            "scrypt",
            str(SCRYPT_N),
            str(SCRYPT_R),
            str(SCRYPT_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        ]
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


_DUMMY_HASH: str | None = None


def burn_password_time(password: str) -> None:
    """Spend what a real check costs, so an unknown login answers as slowly as a wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-password")
    verify_password(password, _DUMMY_HASH)


def new_token() -> tuple[str, str]:
    """A random token (256 bits) and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
