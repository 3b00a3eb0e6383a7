"""The baseline for bench/startup.py: a bare PySide6 window that quits after its first paint.

It prints "ready" at the moment the app does (voek_desktop/ui/main_window.py, ``_first_paint``):
in the turn of the event loop after its first paint event, so that the paint itself is done on
both sides; printing from the event filter would stop the bare window's clock before it paints.
"""

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def ready():
    print("ready", flush=True)
    QApplication.quit()


class Quit(QObject):
    painted = False

    def eventFilter(self, watched, event):
        if not self.painted and event.type() == QEvent.Type.Paint:
            self.painted = True
            QTimer.singleShot(0, ready)
        return False


app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("Окно"))
quitter = Quit()
window.installEventFilter(quitter)
window.resize(1100, 760)
window.show()
sys.exit(app.exec())
