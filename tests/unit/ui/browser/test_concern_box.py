"""The concern lists: typing, arrows and the wheel never land on the stop concern; the open list can."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from evidence_app.policy.concerns import CSAM, load_concerns
from ui.browser.concern_box import ConcernBox

pytestmark = pytest.mark.usefixtures("clean_qt")

KEYS = st.sampled_from([Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp,
                        Qt.Key.Key_Home, Qt.Key.Key_End])


@pytest.fixture
def box(qtbot) -> ConcernBox:  # type: ignore[no-untyped-def]
    made = ConcernBox(load_concerns())
    qtbot.addWidget(made)
    made.show()
    made.setFocus()
    return made


def test_typing_its_first_letters_never_chooses_it(qtbot, box: ConcernBox) -> None:  # type: ignore[no-untyped-def]
    for text in ("It shows", "Illegal", "I", "Child", "c", "ILLEGAL: CHILD"):
        qtbot.keyClicks(box, text.replace(" ", ""))
        assert box.currentData() != CSAM
        assert box.currentIndex() == 0  # letters typed into a closed list do nothing at all


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.lists(KEYS, min_size=1, max_size=12),
       text=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=12))  # what QTest can type
def test_no_keys_land_on_it(qtbot, box: ConcernBox, keys, text) -> None:  # type: ignore[no-untyped-def]
    box.setCurrentIndex(0)
    for key in keys:
        qtbot.keyClick(box, key)
        assert box.currentData() != CSAM
    qtbot.keyClicks(box, "".join(c for c in text if c.isprintable() and c != " "))
    assert box.currentData() != CSAM


def test_the_wheel_steps_over_it(qtbot, box: ConcernBox) -> None:  # type: ignore[no-untyped-def]
    for delta in (-120,) * 8 + (120,) * 8:
        event = QWheelEvent(QPointF(5, 5), QPointF(box.mapToGlobal(QPoint(5, 5))), QPoint(), QPoint(0, delta),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(box, event)
        assert box.currentData() != CSAM


def test_searching_the_open_list_steps_over_it_but_it_can_be_picked(qtbot, box: ConcernBox) -> None:  # type: ignore[no-untyped-def]
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    view.keyboardSearch("Illegal: Ch")
    assert view.currentIndex().data(Qt.ItemDataRole.UserRole) != CSAM
    row = next(r for r in range(box.count()) if box.itemData(r) == CSAM)
    index = view.model().index(row, 0)
    assert index.flags() & Qt.ItemFlag.ItemIsEnabled  # open, it is there to choose on purpose
    box.hidePopup()
    assert not (view.model().index(row, 0).flags() & Qt.ItemFlag.ItemIsEnabled)
