"""The HTTP layer: the threaded server (httpd) and requests, responses and routing (web)."""
