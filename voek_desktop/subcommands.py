"""The names of the app's subcommands, in a module of their own: the entry point
(:mod:`voek_desktop.__main__`) and the modules that start the app as a child process both need
them, and neither should import the other."""

BLANK_FORM = "blank-form"
