class InvalidValue(ValueError):
    """A value a person typed is wrong; ``message`` is the Russian text shown next to the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
