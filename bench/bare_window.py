"""The baseline for bench/startup.py: a bare PySide6 window that quits after its first paint."""

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class Quit(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("ready", flush=True)
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("Окно"))
quitter = Quit()
window.installEventFilter(quitter)
window.resize(1100, 760)
window.show()
sys.exit(app.exec())
