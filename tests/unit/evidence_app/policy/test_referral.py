"""The referral texts: present, complete, and a school's edited copy is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_app import PolicyError
from evidence_app.policy.referral import default_path, load_referral


def test_the_bundled_texts_say_what_the_issue_asks() -> None:
    text = load_referral()
    everything = " ".join([text.title, text.summary] + [s.heading + " " + s.text for s in text.steps])
    for must in ("999", "101", "Do not look again, copy, print or share", "switch off",
                 "Keep this computer available to the police", "safeguarding lead", "LADO"):
        assert must in everything, must


def test_an_edited_copy_that_drops_the_999_step_is_refused(tmp_path: Path) -> None:
    data = json.loads(default_path().read_text())
    data["steps"] = [s for s in data["steps"] if "999" not in s["text"]]
    edited = tmp_path / "referral.json"
    edited.write_text(json.dumps(data))
    with pytest.raises(PolicyError, match="999"):
        load_referral(edited)


def test_a_broken_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "referral.json"
    broken.write_text("{")
    with pytest.raises(PolicyError, match="referral.json"):
        load_referral(broken)
