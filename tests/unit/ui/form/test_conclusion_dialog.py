"""The conclusion dialog: choices from the policy's tables, the core's rules shown in plain words."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from evidence_app import Status
from evidence_app.policy.sanctions import load_sanctions
from tests.helpers.cases import make_case, make_store
from tests.helpers.images import make_png
from ui.form import ConclusionDialog


def _dialog(qtbot: QtBot, case) -> ConclusionDialog:  # type: ignore[no-untyped-def]
    dialog = ConclusionDialog(case)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def test_incidents_and_actions_follow_the_subject_and_the_table(qtbot: QtBot, case) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, case)
    assert not dialog.incident.isEnabled()
    tables = load_sanctions()
    for subject in ("pupil", "staff"):
        dialog.choose(subject=subject)
        table = tables.for_subject(subject)
        shown = [dialog.incident.itemData(i) for i in range(1, dialog.incident.count())]
        assert shown == [i.id for i in table.incidents]
        assert list(dialog.action_boxes) == [a.id for a in table.actions]  # no incident: every action
        incident = table.incidents[1]
        dialog.choose(incident=incident.id)
        expected = [a.id for a in table.actions if a.id in incident.actions or a.id == tables.police_action]
        assert list(dialog.action_boxes) == expected


def test_a_missing_police_referral_is_refused_in_plain_words(qtbot: QtBot, tmp_path: Path) -> None:
    case = make_case(make_store(tmp_path))
    try:
        case.add_capture(make_png(), kind="viewport", url="https://hate.example/", concern="criminally-racist")
        dialog = _dialog(qtbot, case)
        dialog.choose(substance="yes", subject="pupil")
        dialog.action_boxes["refer-headteacher"].setChecked(True)
        dialog.conclude_button.click()
        assert dialog.isVisible()
        assert "requires a referral to the police" in dialog.error.text()
        assert case.status is Status.OPEN
        dialog.action_boxes["refer-police"].setChecked(True)
        dialog.summary.setPlainText("Racist material shared by a pupil.")
        with qtbot.waitSignal(dialog.concluded, timeout=5_000):
            dialog.conclude_button.click()
        assert case.status is Status.CONCLUDED
        assert case.conclusion is not None and "refer-police" in case.conclusion.actions
        assert case.conclusion.summary == "Racist material shared by a pupil."
    finally:
        case.lock()


def test_substance_and_subject_must_be_chosen(qtbot: QtBot, case) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, case)
    dialog.conclude_button.click()
    assert "substance" in dialog.error.text()
    dialog.choose(substance="unknown")
    dialog.conclude_button.click()
    assert "pupil or a member of staff" in dialog.error.text()
    dialog.choose(subject="staff")
    with qtbot.waitSignal(dialog.concluded, timeout=5_000):
        dialog.conclude_button.click()
    assert case.status is Status.CONCLUDED


def test_ticks_survive_choosing_another_incident(qtbot: QtBot, case) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, case)
    dialog.choose(subject="pupil")
    dialog.action_boxes["refer-police"].setChecked(True)
    dialog.choose(incident=load_sanctions().for_subject("pupil").incidents[2].id)
    assert dialog.action_boxes["refer-police"].isChecked()
