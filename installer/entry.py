"""Entry point of the frozen app (PyInstaller runs this file, not the package's __main__)."""

import sys

from voek_desktop.__main__ import main

sys.exit(main())
