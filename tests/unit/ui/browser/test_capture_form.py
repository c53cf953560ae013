"""The inline capture form: concerns from the policy, the police instruction, the csam stop."""

from __future__ import annotations

from evidence_app.policy.concerns import load_concerns
from ui.browser.capture_form import NO_CONCERN, CaptureForm


def test_every_concern_is_offered_illegal_first(qtbot) -> None:
    table = load_concerns()
    form = CaptureForm(table)
    qtbot.addWidget(form)
    ids = [form.concern_box.itemData(i) for i in range(form.concern_box.count())]
    assert ids[0] == NO_CONCERN and form.concern_id() == NO_CONCERN
    assert sorted(ids[1:]) == sorted(c.id for c in table)
    assert ids[1:5] == ["csam", "grooming", "extreme-pornography", "criminally-racist"]


def test_illegal_concern_shows_the_police_instruction(qtbot) -> None:
    form = CaptureForm(load_concerns())
    qtbot.addWidget(form)
    form.show()
    form.set_concern("grooming")
    assert form.warning.isVisible()
    assert "Report to the police immediately" in form.warning.text()
    assert "Sexual Offences Act 2003" in form.warning.text()
    assert not form.blocks_capture
    form.set_concern("pornography")
    assert not form.warning.isVisible()


def test_choosing_csam_asks_for_the_stop_and_blocks_captures(qtbot) -> None:
    form = CaptureForm(load_concerns())
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.stop_requested, timeout=1000):
        form.set_concern("csam")
    assert form.blocks_capture
    assert "STOP" in form.warning.text()


def test_note_is_trimmed_and_cleared(qtbot) -> None:
    form = CaptureForm(load_concerns())
    qtbot.addWidget(form)
    form.note_edit.setText("  a chat log  ")
    assert form.note() == "a chat log"
    form.clear_note()
    assert form.note() == ""
