import time, base64, json
from tests.helpers.browser import browser, events, load, run_js, wait_for, web  # noqa: F401
from PySide6.QtGui import QImage

def call(qtbot, ch, method, params=None, timeout=60000):
    out = []
    t = time.perf_counter()
    ch.send(method, params or {}, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=timeout)
    return out[0], time.perf_counter() - t

def test_proto(browser, case, web, qtbot):
    load(qtbot, browser, web.url("/bands?n=200&sticky=1"), paint=True)
    tab = browser.current_tab()
    ch = tab.responses.channel
    r, dt = call(qtbot, ch, "Page.captureSnapshot", {"format": "mhtml"})
    print("snapshot", r.ok, r.error, dt, len((r.result or {}).get("data", "")))
    print((r.result or {}).get("data", "")[:300])
    r, dt = call(qtbot, ch, "Page.printToPDF", {})
    print("pdf", r.ok, r.error, dt, len((r.result or {}).get("data", "")))
    r, dt = call(qtbot, ch, "Page.getLayoutMetrics")
    print("metrics", r.result, dt)
    cs = r.result["cssContentSize"]
    r, dt = call(qtbot, ch, "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": cs["width"], "height": cs["height"], "scale": 1}})
    print("shot", r.ok, r.error, dt, len((r.result or {}).get("data", "")))
    if r.ok:
        img = QImage.fromData(base64.b64decode(r.result["data"]), "PNG")
        print("img", img.width(), img.height())
        x = img.width()//2
        bar = [y for y in range(img.height()) if img.pixelColor(x, y).getRgb()[:3] == (250, 0, 250)]
        print("bar rows", len(bar), bar[:3], bar[-3:] if bar else None)
        wrong = 0
        for i in range(200):
            y = 60 + i*100 + 50
            if img.pixelColor(x, y).getRgb()[:3] != ((i*37)%256, (i*91)%256, i%256): wrong += 1
        print("wrong bands", wrong)
    r, dt = call(qtbot, ch, "Page.getLayoutMetrics")
    print("metrics after", r.result["cssVisualViewport"], dt)
