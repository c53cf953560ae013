"""The profile is off the record and locked down; downloads are refused."""

from __future__ import annotations

import shiboken6
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineSettings

from ui.browser.profile import SETTINGS, make_profile


def test_profile_keeps_nothing_on_disk(qtbot) -> None:
    profile = make_profile()
    try:
        assert profile.isOffTheRecord()
        assert profile.storageName() == ""
        assert profile.httpCacheType() == QWebEngineProfile.HttpCacheType.MemoryHttpCache
        assert profile.persistentCookiesPolicy() == QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
        assert profile.persistentPermissionsPolicy() == QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime
        assert not profile.isSpellCheckEnabled()
        settings = profile.settings()
        for attribute, on in SETTINGS.items():
            assert settings.testAttribute(attribute) is on, attribute
        attr = QWebEngineSettings.WebAttribute
        assert not settings.testAttribute(attr.LocalContentCanAccessFileUrls)
        assert not settings.testAttribute(attr.PdfViewerEnabled)
    finally:
        shiboken6.delete(profile)
