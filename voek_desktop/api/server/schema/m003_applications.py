"""Migration 3: grid-connection applications, their documents and history, connection
contracts, feedback threads and survey responses."""

SQL = """
"""
