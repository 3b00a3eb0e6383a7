"""Личный кабинет потребителя АО «ВОЭК»: desktop client and reference server."""

__version__ = "0.1.0"
