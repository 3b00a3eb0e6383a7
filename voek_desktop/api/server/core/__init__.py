"""What every feature uses: the clock, mail, the job runner, password hashing and tokens,
sessions, and the OpenAPI schema helpers."""
