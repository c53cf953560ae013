"""Files a school might bring in as evidence, made in the test: a JPEG with EXIF, an email, a big sparse file."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from email.message import EmailMessage
from pathlib import Path

from PIL import Image

from tests.helpers.images import make_png

OUTLOOK_SAMPLE = Path(__file__).parent / "samples" / "outlook-sample.msg"


def jpeg_with_exif(*, gps: bool = True, size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG written by Pillow with a camera, a time taken and (by default) a GPS position."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS 200D"
    exif.get_ifd(0x8769)[0x9003] = "2026:03:04 09:15:00"
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 30.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def email_with_attachments() -> bytes:
    """An email with two Received headers, a text body, a JPEG and a PDF attached."""
    message = EmailMessage()
    message["From"] = "A Parent <parent@example.org>"
    message["To"] = "office@school.example"
    message["Date"] = "Tue, 03 Mar 2026 18:02:11 +0000"
    message["Subject"] = "Screenshot of what was sent to my son"
    message["Message-ID"] = "<abc123@example.org>"
    message["Received"] = "from mx.example.org (mx.example.org [192.0.2.7]) by mail.school.example; Tue, 3 Mar 2026"
    message["Received"] = "from [10.0.0.5] by mx.example.org; Tue, 3 Mar 2026 18:02:10 +0000"
    message.set_content("Please see the attached screenshot.\n")
    message.add_attachment(jpeg_with_exif(), maintype="image", subtype="jpeg", filename="screenshot.jpg")
    message.add_attachment(b"%PDF-1.4\n%not much of a pdf\n", maintype="application", subtype="pdf",
                           filename="letter.pdf")
    return message.as_bytes()


def png_picture() -> bytes:
    return make_png(40, 30)


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on the disk (all zeros but the last few)."""
    with open(path, "wb") as handle:
        handle.truncate(size - 16)
        handle.seek(size - 16)
        handle.write(b"the end of it..!")
    return path


def tool_hash(tool: str, path: Path) -> str:
    """The hash an outside tool gives (coreutils' ``sha256sum``, ``md5sum``, ``sha1sum``).

    On Windows, where they are missing, hashlib's over the file read in pieces (the officer's
    ``certutil -hashfile`` is not in Wine).
    """
    if shutil.which(tool) is None:
        digest = hashlib.new(tool.removesuffix("sum"))
        with path.open("rb") as source:
            for piece in iter(lambda: source.read(1 << 20), b""):
                digest.update(piece)
        return digest.hexdigest()
    return subprocess.run([tool, str(path)], check=True, capture_output=True, text=True).stdout.split()[0]
