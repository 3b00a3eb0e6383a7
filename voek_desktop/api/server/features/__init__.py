"""The features of the API, one module or package per resource; app.py mounts each."""
