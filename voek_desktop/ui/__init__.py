"""Everything that imports Qt lives here (a test enforces it)."""
