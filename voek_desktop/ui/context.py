"""What every screen needs: the account, the worker, and whether this is a demo."""

from __future__ import annotations

from dataclasses import dataclass, field

from voek_desktop.account import Account
from voek_desktop.ui.tasks import Tasks


@dataclass(frozen=True)
class DemoLogin:
    consumer_type: str
    login: str
    password: str
    note: str


@dataclass
class Context:
    account: Account
    tasks: Tasks
    demo: bool = False
    demo_logins: list[DemoLogin] = field(default_factory=list)
