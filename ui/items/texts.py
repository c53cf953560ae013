"""Words for items in lists and dialogs: kinds, sizes and the warning before a picture is shown."""

from __future__ import annotations

from evidence_app.items.records import Item

VIEW_WARNING = (
    "This is a picture or a video. It may show something upsetting, or something illegal.\n\n"
    "If you suspect it shows child abuse imagery, do not look at it: choose Cancel, then choose the "
    "concern \"child sexual abuse images\" under Describe… (or press the Stop). The police will look at it.\n\n"
    "You can describe it without viewing it, from what the person who reported it told you.\n\n"
    "Viewing it is recorded in the case's journal, with the time and both your names."
)


def size_words(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    if size < 1024**3:
        return f"{size / 1024**2:.1f} MB"
    return f"{size / 1024**3:.2f} GB"


def kind_words(item: Item) -> str:
    if item.quarantined:
        return "withheld: flagged content"
    if item.visual:
        return ("video" if item.media_type.startswith("video/") else "picture") + " (not shown)"
    return {"message/rfc822": "email", "application/vnd.ms-outlook": "Outlook email",
            "application/pdf": "PDF document"}.get(item.media_type, item.media_type)
