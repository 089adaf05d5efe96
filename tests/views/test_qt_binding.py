"""Guards against a Qt binding that corrupts reference counts when a signal is emitted.

PySide6 6.12.0 dropped one reference to ``True`` on every emit of a signal defined in Python;
after a few thousand emits (a working day of background tasks) the interpreter aborted with
"deallocating True or False". This test fails, without crashing, on such a binding."""

import gc
import sys

import pytest
from PySide6.QtCore import QObject, Signal

pytestmark = pytest.mark.gui

EMITS = 200  # far fewer than True's reference count, so a faulty binding cannot crash here


class Emitter(QObject):
    flag = Signal(bool)
    number = Signal(int)
    anything = Signal(object)


def true_references() -> int:
    gc.collect()
    return sys.getrefcount(True)


@pytest.mark.parametrize("signal_name, value", [("flag", True), ("number", 1),
                                                ("anything", "x")])
def test_emitting_a_signal_leaves_reference_counts_alone(signal_name: str, value: object) -> None:
    emitter = Emitter()
    received = [0]

    def count(_value: object) -> None:
        received[0] += 1  # keeps no reference to the value

    getattr(emitter, signal_name).connect(count)
    before = true_references()
    for _ in range(EMITS):
        getattr(emitter, signal_name).emit(value)
    after = true_references()
    assert received[0] == EMITS
    assert abs(after - before) < EMITS // 2, "the Qt binding changes True's reference count"
