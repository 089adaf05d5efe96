"""The floors under gui_bench.py's start-up and search figures, measured in the same run.

- start-up floor: a fresh `python -c` process with QT_QPA_PLATFORM=offscreen that imports
  PySide6, creates a QApplication and a QMainWindow with a QTableView over a small
  QStandardItemModel (40 rows, the caseload's 8 columns), shows it and processes events until
  the table's viewport has painted. Timed from the parent, from before the process starts to
  after it ends, exactly as gui_bench.py times the app's start-up.
- search floor: the same rows and columns as the app's search measurement (their display texts)
  in a QStandardItemModel, a plain QSortFilterProxyModel (filterKeyColumn -1, case-insensitive)
  under a QTableView in a 1200x700 window; per keystroke of the same typed strings,
  setFilterFixedString(typed so far) and repaint the viewport. Median ms per keystroke.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence

FLOOR_CHILD = r"""
import json, os, time
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
model = QStandardItemModel(0, 8)
model.setHorizontalHeaderLabels(["Reference", "Household", "Status", "Lead worker",
                                 "Last contact", "Next visit due", "Review due", "Sync"])
for r in range(40):
    model.appendRow([QStandardItem(f"FAM-{r:05d}"), QStandardItem(f"The Smith-{r} family"),
                     QStandardItem("Open"), QStandardItem("Kerry"), QStandardItem("01 Jan 2026"),
                     QStandardItem("15 Jan 2026"), QStandardItem("-"), QStandardItem("synced")])
window = QMainWindow()
table = QTableView()
table.setModel(model)
window.setCentralWidget(table)
window.resize(1200, 700)

class Painted(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            Painted.seen = True
        return False

watcher = Painted()
table.viewport().installEventFilter(watcher)
window.show()
for _ in range(50):
    app.processEvents()
    if Painted.seen:
        break
if not Painted.seen:  # as the app's measurement does: force the paint
    window.repaint()
    app.processEvents()
t_paint = time.perf_counter()
print(json.dumps({"to_paint_s": t_paint - t0, "painted": Painted.seen}))
os._exit(0)  # skip Qt teardown, as the app's child does
"""


def startup_floor() -> dict[str, float]:
    """One fresh process: bare PySide6 window with a table, start to painted (seconds)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", FLOOR_CHILD], env=env, check=False,
                          capture_output=True, text=True)
    total = time.perf_counter() - start
    if not done.stdout.strip():
        raise SystemExit(f"start-up floor child failed: {done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_total_s"] = total
    return figures


def search_floor(texts: Sequence[Sequence[str]], headers: Sequence[str],
                 words: Sequence[str]) -> list[float]:
    """Per-keystroke ms of a plain QSortFilterProxyModel over the given display texts."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication.instance() or QApplication([])
    model = QStandardItemModel(0, len(headers))
    model.setHorizontalHeaderLabels(list(headers))
    for row in texts:
        model.appendRow([QStandardItem(t) for t in row])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    window = QMainWindow()
    table = QTableView()
    table.setModel(proxy)
    window.setCentralWidget(table)
    window.resize(1200, 700)
    window.show()
    app.processEvents()  # type: ignore[union-attr]
    times = []
    for word in words:
        proxy.setFilterFixedString("")
        app.processEvents()  # type: ignore[union-attr]
        for k in range(1, len(word) + 1):
            start = time.perf_counter()
            proxy.setFilterFixedString(word[:k])
            table.viewport().repaint()
            times.append((time.perf_counter() - start) * 1000)
    window.close()
    return times
