"""Wait, a bounded time, for the pictures a page started loading when the browser drew it at full height.

Pages load pictures far below the fold only when they come into view: ``<img loading="lazy">``,
or a script's ``IntersectionObserver`` that sets an ``<img>``'s address when its row scrolls in (as
social sites do). Drawing the page in one pass (``captureBeyondViewport``) lays it out at its full
height for a moment: that *starts* those loads, and the picture taken then shows them blank.
:class:`LatePictures` waits, at most :data:`WAIT_MS`, until they have arrived, so that the page can
be drawn again with them (see :class:`~ui.browser.keep.OnePassGrabber`).

Which pictures: every ``<img>`` of the page's document that is not yet complete *and* lies where the
page's full height could show it. The second part matters: a lazy picture that never comes into
view (``display: none``, or outside a box that hides its overflow) is incomplete for ever, and
waiting for it would always wait the whole time. The browser answers it with its own rules: an
``IntersectionObserver`` whose margins stretch the viewport over the whole page, which clips by
every box on the way, as the browser's own lazy loading does. Then the page's web fonts
(``document.fonts.ready``), each picture's decoding (``img.decode()``), and two animation frames, so
what arrived has been painted. Pictures in frames of other documents are not waited for.

The script runs in an isolated world made for it (``Page.createIsolatedWorld``, then
``Runtime.evaluate`` with that ``contextId`` and ``awaitPromise``): the page's own scripts cannot
see its variables, its observer or its listeners, and cannot change what it reads (a page that
redefined ``HTMLImageElement.prototype.complete`` in its own world would not fool it). It adds no
attribute and no global to the page, and starts no request: the loads are the page's own, started
by the full-height viewport exactly as scrolling down would start them, and recorded like any other
response (hash and size, never a picture's bytes). The DevTools channel is used only through its
public :meth:`~ui.browser.devtools.DevToolsChannel.send`.

Why the page rather than DevTools' network events: the recorder's channel delivers those to the
response recorder assembled and batched (every 100 ms while a page loads), which would add up to a
tenth of a second and tie this to the record's format; and the network cannot tell a picture the
page will show from one it never will. Measured figures are in ``bench/bench_whole_page.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ui.browser.devtools import DevToolsChannel, Reply

# The longest the whole page waits for late pictures (ms). Three seconds: long enough for a picture
# from a slow social site's image server (typically well under a second), short enough that the pair
# pressing "Whole page" are not left wondering; past it the page is drawn anyway and they are told.
WAIT_MS = 3_000
ANSWER_GRACE_MS = 2_000  # the page's answer may come this much later (timers in a hidden window are slow)
WORLD_NAME = "evidence-app-whole-page"

_SCRIPT = r"""(async () => {
  const within = %(within)d, started = performance.now();
  const deadline = new Promise(done => setTimeout(() => done('late'), within));
  const racing = promise => Promise.race([promise, deadline]);
  const root = document.scrollingElement || document.documentElement;
  const tall = Math.max(root.scrollHeight, root.clientHeight), wide = Math.max(root.scrollWidth, root.clientWidth);
  const incomplete = [...document.images].filter(img => !img.complete);
  let showable = [];
  if (incomplete.length) {
    const seen = await racing(new Promise(done => {
      const watch = new IntersectionObserver(entries => { watch.disconnect(); done(entries); },
                                             {rootMargin: `${tall}px ${wide}px ${tall}px ${wide}px`});
      incomplete.forEach(img => watch.observe(img));
    }));
    showable = seen === 'late' ? incomplete : seen.filter(entry => entry.isIntersecting).map(entry => entry.target);
  }
  const fontsLoading = document.fonts && document.fonts.status === 'loading';
  if (!showable.length && !fontsLoading) return JSON.stringify({waited: 0, late: 0, ms: performance.now() - started});
  const arrived = img => img.complete ? Promise.resolve() : new Promise(done => {
    img.addEventListener('load', done, {once: true}); img.addEventListener('error', done, {once: true}); });
  const settled = async () => {
    await Promise.all(showable.map(arrived));
    await Promise.all(showable.map(img => img.decode().catch(() => null)));
    if (document.fonts) await document.fonts.ready;
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return 'settled';
  };
  const outcome = await racing(settled());
  const missing = showable.filter(img => !img.complete).length;
  return JSON.stringify({waited: showable.length + (fontsLoading ? 1 : 0),
                         late: outcome === 'late' ? Math.max(missing, 1) : 0, ms: performance.now() - started});
})()"""


@dataclass(frozen=True)
class Waited:
    """What the wait found: how many pictures (and fonts) it waited for, how many were still loading
    when it gave up (0: all arrived), and how long it took, as the page measured it."""

    waited_for: int
    still_loading: int
    ms: float

    @property
    def late(self) -> bool:
        return self.still_loading > 0


class LatePictures(QObject):
    """Waits for the pictures the page is loading that its full height would show; :attr:`finished` carries
    :class:`Waited`. It never fails: if the page cannot be asked, it says the wait ran out unanswered."""

    finished = Signal(object)

    def __init__(self, channel: DevToolsChannel, parent: QObject | None = None, *, within_ms: int = WAIT_MS) -> None:
        super().__init__(parent)
        self._channel = channel
        self._within = within_ms
        self._done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._finish(Waited(1, 1, float(self._within + ANSWER_GRACE_MS))))

    def start(self) -> None:
        self._timer.start(self._within + ANSWER_GRACE_MS)
        self._channel.send("Page.getFrameTree", callback=self._on_frames)

    def abort(self) -> None:
        self._done = True
        self._timer.stop()

    def _on_frames(self, reply: Reply) -> None:
        frame = ((reply.result or {}).get("frameTree") or {}).get("frame") or {} if reply.ok else {}
        if self._done or not frame.get("id"):
            self._unanswered()
            return
        self._channel.send("Page.createIsolatedWorld", {"frameId": frame["id"], "worldName": WORLD_NAME},
                           self._on_world)

    def _on_world(self, reply: Reply) -> None:
        context = (reply.result or {}).get("executionContextId") if reply.ok else None
        if self._done or not isinstance(context, int):
            self._unanswered()
            return
        self._channel.send("Runtime.evaluate", {"expression": _SCRIPT % {"within": self._within},
                                                "contextId": context, "awaitPromise": True,
                                                "returnByValue": True, "silent": True}, self._on_answer)

    def _on_answer(self, reply: Reply) -> None:
        value = ((reply.result or {}).get("result") or {}).get("value") if reply.ok else None
        try:
            answer = json.loads(value) if isinstance(value, str) else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            self._unanswered()
            return
        self._finish(Waited(_count(answer.get("waited")), _count(answer.get("late")), _number(answer.get("ms"))))

    def _unanswered(self) -> None:
        """The page could not be asked (it navigated, or the channel failed): nothing is known of its pictures."""
        self._finish(Waited(0, 0, 0.0))

    def _finish(self, waited: Waited) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        self.finished.emit(waited)


def _count(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and value >= 0 else 0


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0
