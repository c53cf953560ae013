"""The recorded browser: QtWebEngine in an off-the-record profile, where every visit is evidence.

:class:`RecordedBrowser` is the widget the case window embeds. The modules:

- :mod:`.profile`: the off-the-record profile and the download guard;
- :mod:`.interceptor`: refuses non-web schemes, counts each page's sub-resources;
- :mod:`.page`: decides each navigation, refuses permissions, opens new windows as tabs;
- :mod:`.recorder`: journals visits, redirects, in-page changes, resources, page snapshots;
- :mod:`.writer`: the one background thread that writes to the case, in order;
- :mod:`.grab`: the pixels for the four kinds of capture, and PNG encoding;
- :mod:`.region`: the drag-a-rectangle overlay;
- :mod:`.capture_form`: the note and the policy's concern for the next capture;
- :mod:`.tab`, :mod:`.widget`: the tabs, the address bar, the buttons.

QtWebEngine must be imported before the ``QApplication`` is created; importing
this package does that.
"""

from ui.browser.page import Refusal
from ui.browser.profile import RefusedDownload
from ui.browser.widget import CaptureTiming, RecordedBrowser

__all__ = ["CaptureTiming", "RecordedBrowser", "RefusedDownload", "Refusal"]
