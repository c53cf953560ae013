"""A web page that refuses what an investigation must not do, and says so.

:class:`RecordedPage` is where each main-frame navigation is decided, before
any request is sent: only http and https are allowed (``file:``, ``chrome:``
and other local schemes are refused with a plain message), and every accepted
navigation is announced with its cause (typed or clicked, a server redirect,
an in-page jump, or the first page of a new tab) so the recorder can journal it.

Everything else a page may ask for is refused and announced as a refusal:
permissions (camera, microphone, location, notifications, clipboard, ...),
full screen, file uploads from this computer, file-system access, screen
sharing, protocol handlers. Before all of that, every navigation (a page or a
frame in it, a redirect's target) is put to the browser's
:class:`~ui.browser.guard.RequestGuard`: an address on the school's blocklist
is never navigated to, and nothing is once the stop has halted the browser.
A certificate error is never accepted: the page is refused with a plain sentence and
the error, with each certificate's subject, issuer and SHA-256, is journaled.
New windows (``window.open``, ``target=_blank``)
become new tabs through :attr:`RecordedPage.new_tab_requested`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEngineCertificateError, QWebEnginePage, QWebEngineProfile

from ui.browser.guard import RequestGuard
from ui.browser.schemes import BLANK, page_allowed, refusal_message

_Nav = QWebEnginePage.NavigationType
_LOCAL_RESOURCE_BLOCKED = "Not allowed to load local resource:"


@dataclass(frozen=True)
class Refusal:
    """Something refused: ``what`` (download, permission, scheme, ...), the address, details, and what to tell the pair."""

    what: str
    url: str
    detail: str
    message: str


def permission_name(permission: object) -> str:
    """``PermissionType.Geolocation`` -> ``geolocation``."""
    kind = getattr(permission, "permissionType", None)
    value = kind() if callable(kind) else permission
    name = getattr(value, "name", str(value))
    return {"MediaAudioCapture": "microphone", "MediaVideoCapture": "camera",
            "MediaAudioVideoCapture": "camera and microphone",
            "DesktopVideoCapture": "screen sharing", "DesktopAudioVideoCapture": "screen sharing with sound",
            "ClipboardReadWrite": "clipboard", "LocalFontsAccess": "local fonts",
            "MouseLock": "mouse lock"}.get(name, name.lower())


def certificate_detail(error: QWebEngineCertificateError) -> str:
    """The error's kind and description, and each certificate of the chain: subject, issuer, SHA-256 of its DER."""
    parts = [f"{error.type().name}: {error.description()}"]
    for index, certificate in enumerate(error.certificateChain()):
        der = bytes(certificate.toDer())
        subject = certificate.subjectDisplayName() if hasattr(certificate, "subjectDisplayName") else ""
        issuer = certificate.issuerDisplayName() if hasattr(certificate, "issuerDisplayName") else ""
        parts.append(f"certificate {index + 1}: subject {subject!r}, issuer {issuer!r}, "
                     f"SHA-256 {hashlib.sha256(der).hexdigest()}")
    return "; ".join(parts)


def same_document(current: str, target: str) -> bool:
    """Whether ``target`` is a jump inside ``current`` (the same address up to a ``#fragment`` it has).

    Plain string work on purpose: ``QUrl.adjusted`` with formatting flags raises a TypeError in some
    PySide6 releases (6.12), which made every link with a ``#`` to another page do nothing.
    """
    if "#" not in target or not current:
        return False
    return current.split("#", 1)[0] == target.split("#", 1)[0]


class RecordedPage(QWebEnginePage):
    """A page in the recorded browser. ``may_record()`` says whether the case takes evidence now."""

    navigation_accepted = Signal(str, str)   # url, cause
    refused = Signal(object)                 # Refusal
    new_tab_requested = Signal(object)       # the new RecordedPage, to be shown in a tab

    def __init__(self, profile: QWebEngineProfile, may_record: Callable[[], str | None],
                 parent: QObject | None = None, *, opened_by_page: bool = False,
                 guard: RequestGuard | None = None) -> None:
        super().__init__(profile, parent)
        self._may_record = may_record
        self.guard = guard
        self._first_navigation_cause = "new-tab" if opened_by_page else ""
        self.opened_by_page = opened_by_page
        self.recording_ready: Callable[[], bool] | None = None  # set by the tab: responses are recorded
        self._held = ""
        self.permissionRequested.connect(self._on_permission)
        self.fullScreenRequested.connect(lambda request: request.reject())
        self.fileSystemAccessRequested.connect(self._on_file_system_access)
        self.desktopMediaRequested.connect(self._on_desktop_media)
        self.registerProtocolHandlerRequested.connect(self._on_protocol_handler)
        self.certificateError.connect(self._on_certificate_error)

    # ------------------------------------------------------------------ navigation

    def acceptNavigationRequest(self, url: QUrl | str, navigation_type: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:  # noqa: N802 - Qt's name
        text = url.toString() if isinstance(url, QUrl) else str(url)
        if self.guard is not None and self.guard.refuses(url, "page" if is_main_frame else "frame"):
            return False  # on the school's blocklist (the stop follows), or the browser is halted
        if not page_allowed(text):
            self.refused.emit(Refusal("scheme", text, f"{'page' if is_main_frame else 'frame'} "
                                      f"navigation ({navigation_type.name})", refusal_message(text)))
            return False
        if not is_main_frame or text in BLANK:
            return True
        blocked = self._may_record()
        if blocked is not None:
            # Nothing is browsed that cannot be recorded.
            self.refused.emit(Refusal("unrecorded", text, "", blocked))
            return False
        if self.recording_ready is not None and not self.recording_ready():
            # The response recorder is still starting (a fraction of a second): go there once it listens.
            self._held = text
            return False
        self.navigation_accepted.emit(text, self._cause(text, navigation_type))
        return True

    def release_held(self) -> None:
        """The response recorder is listening: go to the address held back meanwhile, if any."""
        held, self._held = self._held, ""
        if held:
            self.load(QUrl(held))

    def _cause(self, url: str, navigation_type: QWebEnginePage.NavigationType) -> str:
        if navigation_type == _Nav.NavigationTypeRedirect:
            return "redirect"
        if self._first_navigation_cause:
            cause, self._first_navigation_cause = self._first_navigation_cause, ""
            return cause
        return "in-page" if same_document(self.url().toString(), url) else "navigation"

    def createWindow(self, window_type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # noqa: N802
        page = RecordedPage(self.profile(), self._may_record, None, opened_by_page=True, guard=self.guard)
        self.new_tab_requested.emit(page)
        return page

    # ------------------------------------------------------------------ refusals

    def _on_permission(self, permission: object) -> None:
        origin = permission.origin().toString()  # type: ignore[attr-defined]
        name = permission_name(permission)
        permission.deny()  # type: ignore[attr-defined]
        self.refused.emit(Refusal("permission", origin, name,
                                  f"The page asked for {name}. The recorded browser never allows "
                                  "it; the request has been recorded."))

    def _on_file_system_access(self, request: object) -> None:
        request.reject()  # type: ignore[attr-defined]
        origin = request.origin().toString()  # type: ignore[attr-defined]
        self.refused.emit(Refusal("permission", origin, "file system access",
                                  "The page asked to read or write files on this computer. "
                                  "That is never allowed here; the request has been recorded."))

    def _on_desktop_media(self, request: object) -> None:
        cancel = getattr(request, "cancel", None)
        if callable(cancel):
            cancel()
        self.refused.emit(Refusal("permission", self.url().toString(), "screen sharing",
                                  "The page asked to share the screen. That is never allowed here; "
                                  "the request has been recorded."))

    def _on_certificate_error(self, error: QWebEngineCertificateError) -> None:
        """Never accepted: the page is refused, and what was wrong (and with which certificate) is journaled."""
        error.rejectCertificate()
        url = error.url().toString()
        self.refused.emit(Refusal("certificate", url, certificate_detail(error),
                                  "This site's security certificate is not valid, so the page was not "
                                  f"opened: {error.description().rstrip('.')}. The refusal has been recorded."))

    def _on_protocol_handler(self, request: object) -> None:
        request.reject()  # type: ignore[attr-defined]
        self.refused.emit(Refusal("permission", self.url().toString(),
                                  f"protocol handler {request.scheme()}",  # type: ignore[attr-defined]
                                  "The page asked to handle a kind of link. Refused and recorded."))

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str,
                                 line: int, source: str) -> None:  # noqa: N802 - Qt's name
        """Never logged (a page's console may quote evidence); Chromium's own local-file block is journaled."""
        if message.startswith(_LOCAL_RESOURCE_BLOCKED):
            url = message[len(_LOCAL_RESOURCE_BLOCKED):].strip()
            self.refused.emit(Refusal("scheme", url, "link on a web page to a local file, blocked by the "
                                      "browser engine", refusal_message(url)))

    def chooseFiles(self, mode: QWebEnginePage.FileSelectionMode, old_files: list[str],
                    accepted_mime_types: list[str]) -> list[str]:  # noqa: N802 - Qt's name
        self.refused.emit(Refusal("upload", self.url().toString(), "file chooser",
                                  "The page asked for a file from this computer. Nothing is "
                                  "uploaded from the investigation computer; the request has been recorded."))
        return []
