"""Evidence App's desktop face: the Qt (PySide6) windows over the core.

``ui`` imports ``evidence_app``; the core never imports ``ui`` or Qt. Every
rule that protects evidence lives in the core, so this package only asks the
core and shows its answers. Importing this package is cheap: each window lives
in its own module, and the browser (QtWebEngine) is loaded only when a case
window asks for it.
"""
