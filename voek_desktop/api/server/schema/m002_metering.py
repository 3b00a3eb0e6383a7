"""Migration 2: the metering registry (personal accounts, organisations, supply contracts,
metering points, meters), the consumers' personal accounts, archive requests and jobs."""

SQL = """
"""
