"""Domain rules shared by the server and the app. Plain Python: no Qt, no HTTP."""

from voek_desktop.domain.errors import InvalidValue

__all__ = ["InvalidValue"]
