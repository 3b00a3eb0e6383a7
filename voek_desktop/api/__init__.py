"""The consumer-cabinet API: the HTTP client the app uses and (in ``server``) the reference server.

Nothing here imports Qt.
"""
