"""Identity: registration, login and the profile, one feature module each."""
