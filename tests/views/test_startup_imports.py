"""Start-up loads only what the first screens need (issue 19): the caseload and My week show
before SQLAlchemy, SQLModel, pydantic, the report and PDF stacks, the HTTP stack and the
family file's screens are imported; those load in the background afterwards.

A fresh interpreter is started offscreen on a demo caseload, unlocked, and reports which of
those modules were loaded at the moment each first screen was shown. No timings."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.views.conftest import TEST_PASSPHRASE

# Loaded after the first screens, never before.
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "reportlab", "pypdfium2", "httpx",
         "PySide6.QtNetwork", "familyworker.store.tables", "familyworker.sync.engine",
         "familyworker.views.family.family_window")

CHILD = r"""
import json, os, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QSettings
from familyworker.app import build_app

heavy = json.loads(os.environ["FW_HEAVY"])
data_dir = Path(sys.argv[1])
settings = QSettings(str(data_dir.parent / "g.ini"), QSettings.Format.IniFormat)
app, controller = build_app(data_dir, settings=settings)
seen = {"at_start": [m for m in heavy if m in sys.modules]}
loop = QEventLoop()
shown = {}

def snapshot(screen):
    shown[screen] = {"loaded": [m for m in heavy if m in sys.modules],
                     "rows": controller.main_window.caseload_model.rowCount(),
                     "my_week_days": controller.my_week.page.model.rowCount()}
    if len(shown) == 2:
        loop.quit()

controller.caseload_loaded.connect(lambda: snapshot("caseload"))
controller.my_week.loaded.connect(lambda: snapshot("my_week"))
controller.unlock_dialog.failed.connect(lambda message: (print(message), loop.quit()))
controller.start()
seen["with_unlock_dialog"] = [m for m in heavy if m in sys.modules]
controller.unlock_dialog.passphrase_edit.setText(os.environ["FW_PASSPHRASE"])
controller.unlock_dialog.try_unlock()
loop.exec()
seen.update(shown)
seen["deferred_started"] = controller.deferred_imports.started
app.processEvents()  # the deferred import starts once both screens are shown
seen["deferred_done"] = controller.deferred_imports.wait(120)
seen["afterwards"] = [m for m in heavy if m in sys.modules]
app.processEvents()  # the imports' finished signal, queued to this thread, starts the watch
seen["watching_network"] = controller.sync._watching_network
print(json.dumps(seen))
controller.runner.wait_until_idle()
controller.store.lock()
os._exit(0)
"""


def test_first_screens_show_before_the_heavy_modules_load(demo_dir: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FW_PASSPHRASE=TEST_PASSPHRASE,
               FW_HEAVY=json.dumps(HEAVY))
    done = subprocess.run([sys.executable, "-c", CHILD, str(demo_dir)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["at_start"] == []
    assert seen["with_unlock_dialog"] == []
    assert seen["caseload"]["loaded"] == [], "imported before the caseload showed"
    assert seen["caseload"]["rows"] > 0
    assert seen["my_week"]["loaded"] == [], "imported before My week showed"
    assert seen["deferred_started"] is False  # not until both screens have been shown
    assert seen["deferred_done"] is True
    # Then the rest of the app is loaded in the background, ready for the first family.
    assert {"sqlmodel", "familyworker.store.tables", "PySide6.QtNetwork",
            "familyworker.views.family.family_window"} <= set(seen["afterwards"])
    assert seen["watching_network"] is True
