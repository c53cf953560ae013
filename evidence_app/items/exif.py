"""A picture's EXIF, read with Pillow without decoding a single pixel: camera, time taken, GPS.

A GPS position says where a person was; it is flagged as personal data.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from typing import Any

from PIL import Image, UnidentifiedImageError

from evidence_app.items.examined import Examined, clipped

_MAKE, _MODEL, _SOFTWARE, _DATETIME, _ORIENTATION = 0x010F, 0x0110, 0x0131, 0x0132, 0x0112
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_TAKEN, _OFFSET_TAKEN = 0x9003, 0x9011
GPS_PERSONAL = "GPS position (where the picture was taken)"


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1.0 if str(ref).strip().upper() in ("S", "W") else 1.0
    degrees = sign * (d + m / 60 + s / 3600)
    return round(degrees, 7) if math.isfinite(degrees) and abs(degrees) <= 180 else None


def read_exif(data: bytes) -> Examined:
    """The picture's size, format and EXIF fields; a damaged picture ends in :attr:`Examined.problem`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns on odd EXIF and on huge sizes: both are recorded as found
        try:
            with Image.open(io.BytesIO(data)) as image:  # reads the header only: no pixels are decoded
                found: dict[str, Any] = {"format": clipped(image.format, 100),
                                         "width": int(image.size[0]), "height": int(image.size[1])}
                exif = image.getexif()
                camera = " ".join(clipped(exif.get(t), 200).strip() for t in (_MAKE, _MODEL) if exif.get(t))
                if camera:
                    found["camera"] = camera
                if exif.get(_SOFTWARE):
                    found["software"] = clipped(exif.get(_SOFTWARE), 200)
                sub = exif.get_ifd(_EXIF_IFD)
                taken = sub.get(_TAKEN) or exif.get(_DATETIME)
                if taken:
                    found["taken"] = clipped(taken, 100)
                    if sub.get(_OFFSET_TAKEN):
                        found["taken_offset"] = clipped(sub.get(_OFFSET_TAKEN), 20)
                gps = exif.get_ifd(_GPS_IFD)
        except (UnidentifiedImageError, OSError, ValueError, TypeError, SyntaxError, KeyError,
                IndexError, struct.error, ZeroDivisionError, RecursionError, MemoryError,
                Image.DecompressionBombError) as exc:
            return Examined({}, problem=f"The picture's details could not be read ({type(exc).__name__}): "
                                        "it may be damaged or not a picture. Its bytes were kept unchanged.")
    personal: tuple[str, ...] = ()
    if gps:
        latitude = _degrees(gps.get(2), gps.get(1))
        longitude = _degrees(gps.get(4), gps.get(3))
        if latitude is not None and longitude is not None:
            found["gps"] = {"latitude": latitude, "longitude": longitude}
            personal = (GPS_PERSONAL,)
        else:
            found["gps"] = {"note": "GPS fields present but unreadable"}
            personal = (GPS_PERSONAL,)
    return Examined(found, personal_data=personal)

