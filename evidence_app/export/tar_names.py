"""Which tar members a police bundle may hold: exactly the files ``tar -x`` would write, named one way only.

A forger who holds the passphrase can add a member ``CASE/./data/captures/C0001.png``
after the genuine one: a checker comparing names as strings sees two files,
``tar -x`` writes the second over the first. So every member name must be
*canonical* (relative, no ``.``/``..``/empty segments, no backslash, a small
character set, no trailing dot), every member a plain file, and no two names
may meet once a file system has folded them (case, Unicode form). Nothing is
left for two readers of the same archive to disagree about.
"""

from __future__ import annotations

import re
import tarfile
import unicodedata

# pax records our writer may emit, and that GNU tar and Python's tarfile read the same way.
ALLOWED_PAX = frozenset({"path", "size", "mtime", "atime", "ctime", "uid", "gid", "uname", "gname"})
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PLAIN_FILE_TYPES = (tarfile.REGTYPE, tarfile.AREGTYPE)
_WHOLE = re.compile(r"[0-9]{1,18}")
_TIME = re.compile(r"-?[0-9]{1,18}(\.[0-9]{1,9})?")


def name_problem(name: str, bag: str) -> str:
    """Why ``name`` is not a canonical member of the bag ``bag``; empty when it is one."""
    if "\\" in name or "\0" in name:
        return "its name holds a backslash or a NUL, which tools read differently"
    if name.startswith("/"):
        return "its name is absolute"
    segments = name.split("/")
    if segments[0] != bag:
        return f"it is not inside the bag's folder {bag}/"
    if len(segments) < 2:
        return "it is the bag's folder itself, not a file in it"
    for segment in segments:
        if segment in ("", ".", ".."):
            return "its name is not canonical ('.', '..' or '//'): tar would write it over another file"
        if not _SEGMENT.fullmatch(segment) or segment.endswith("."):
            return "its name has characters an export never uses"
    return ""


def member_problem(member: tarfile.TarInfo) -> str:
    """Why ``member`` is not a plain file as our writer makes them; empty when it is one."""
    if member.type not in PLAIN_FILE_TYPES or member.issparse():
        kind = ("a link" if member.issym() or member.islnk() else "a folder" if member.isdir()
                else "a device or special file")
        return f"it is {kind}, not a plain file; an export holds plain files only"
    extra = set(member.pax_headers) - ALLOWED_PAX
    if extra:
        return f"its tar header carries fields an export never writes ({', '.join(sorted(extra))})"
    for key, value in member.pax_headers.items():
        # Python's tarfile reads a malformed number as 0; GNU tar refuses it: two readers, two archives.
        pattern = _WHOLE if key in ("size", "uid", "gid") else _TIME if key in ("mtime", "atime", "ctime") else None
        if pattern is not None and not pattern.fullmatch(value):
            return f"its tar header's {key} is not a number"
    return ""


def folded(name: str) -> str:
    """The name as a case-insensitive, normalising file system (Windows, macOS) would see it."""
    return unicodedata.normalize("NFC", name).casefold()


MAX_EXTENDED_HEADER = 64 * 1024  # a pax record block of ours holds one long name
_EXTENDED = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE, tarfile.GNUTYPE_LONGNAME,
             tarfile.GNUTYPE_LONGLINK)


def strict_headers(problems: list[str], largest: int) -> type[tarfile.TarInfo]:
    """A ``TarInfo`` for :func:`tarfile.open` that notes, in ``problems``, headers our writer never makes.

    Our writer makes POSIX (ustar) headers, with pax records for long names, and
    no ustar name prefix. An old-GNU header's bytes 345-500 are times to GNU
    tar but a name prefix to Python's tarfile: two readers, two names. So
    anything else is refused, whatever name Python would give it.

    A size no archive of ``largest`` bytes can hold ends the reading there:
    tarfile would read a huge extended header into memory, or skip a huge
    member one empty read at a time, for ever.
    """

    class StrictInfo(tarfile.TarInfo):
        @classmethod
        def frombuf(cls, buf: bytes, encoding: str, errors: str) -> tarfile.TarInfo:  # type: ignore[override]
            info = super().frombuf(buf, encoding, errors)
            if info.size > largest or (info.type in _EXTENDED and info.size > MAX_EXTENDED_HEADER):
                problems.append(f"{info.name}: its tar header gives a size ({info.size:,} bytes) this archive "
                                "cannot hold; the archive was not read past it")
                raise tarfile.InvalidHeaderError("impossible size")  # tarfile stops there, as at an end
            if buf[257:265] != b"ustar\x0000":
                problems.append(f"{info.name}: its tar header is not the POSIX kind an export writes")
            elif buf[345:500].strip(b"\0"):
                problems.append(f"{info.name}: its tar header splits the name in two, which an export never does")
            return info

    return StrictInfo
