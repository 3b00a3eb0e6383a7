"""Errors the API client raises. Kept apart from the client so the UI can import them cheaply."""

from __future__ import annotations


class ApiError(Exception):
    """The server said no (4xx/5xx), or could not be reached.

    ``code`` is the machine-readable code, ``message`` the Russian text for the user and
    ``fields`` the per-field texts of a validation error.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
        correlation_id: str | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.retry_after = retry_after
        self.correlation_id = correlation_id

    @property
    def needs_login(self) -> bool:
        """The session is missing, expired or ended: the user must log in again. A wrong
        password at login is a 401 too, but it asks for nothing more than another try."""
        return self.status == 401 and self.code != "invalid_credentials"


class NetworkError(ApiError):
    """No answer: the server is down, the network is gone or the call timed out."""

    def __init__(
        self,
        message: str = "Нет связи с сервером. Проверьте подключение к сети и повторите попытку.",
    ) -> None:
        super().__init__(0, "network_error", message)


class BadResponse(ApiError):
    """The server's answer is not what the API promises (a wrong type, too big): treated as
    hostile data, never used."""

    def __init__(self, message: str = "Сервер прислал непонятный ответ.") -> None:
        super().__init__(0, "bad_response", message)


class TransferCancelled(Exception):
    """The user cancelled a long upload or download; nothing half-done was kept."""
