"""Metering: personal accounts, organisations, meters with smart-meter data, archives."""
