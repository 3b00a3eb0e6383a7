"""What every screen is built from: the worker (tasks), messages to the user, form fields,
buttons, the style sheet, the table-model base and the section page."""
