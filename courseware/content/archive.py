"""Safe extraction of a course archive (.zip) before it is checked and published.

Nothing in the archive is trusted: names, types, counts and sizes are checked in the
directory first, then sizes, ratios and checksums again on the real bytes while
extracting, since a forged header can lie about any of them. Every refusal is an
``ArchiveError`` that reads ``path:1: archive: message (hint: ...)``.
"""

from __future__ import annotations

import copy
import lzma
import stat
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from courseware.content.problems import Problem

DAMAGED = "the archive is damaged or was altered; make it again from the course folder"
COMPRESSIONS = {
    zipfile.ZIP_STORED,
    zipfile.ZIP_DEFLATED,
    zipfile.ZIP_BZIP2,
    zipfile.ZIP_LZMA,
}
#: What reading a damaged or forged entry can raise (bz2 raises OSError).
READ_ERRORS = (
    zipfile.BadZipFile,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    OSError,
    NotImplementedError,
    ValueError,
)


@dataclass(frozen=True)
class ArchiveLimits:
    """What an uploaded course may contain at most."""

    max_total_bytes: int = 200 * 1024 * 1024
    max_files: int = 5000
    max_file_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, per file and overall


class ArchiveError(ValueError):
    """The archive is refused; nothing was extracted or published."""

    def __init__(self, member: str, message: str, hint: str = "") -> None:
        self.member, self.message, self.hint = member, message, hint
        self.problem = Problem(member or "-", 1, "archive", message, hint)
        super().__init__(str(self.problem))


def _safe_name(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename
    if "\\" in name or "\0" in name:
        raise ArchiveError(name, "backslashes and NUL are not allowed in names")
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(
            name,
            "absolute paths are not allowed",
            "make the archive from inside the course folder",
        )
    if any(part == ".." for part in path.parts):
        raise ArchiveError(name, "'..' in a path would write outside the course folder")
    if not path.parts:
        raise ArchiveError(name, "an entry without a name")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveError(
            name, "symbolic links are not allowed", "put the file itself in the archive"
        )
    # Archivers without Unix modes (Windows) leave the file-type bits at 0: a file.
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise ArchiveError(name, "only files and folders are allowed")
    return path


def _check_names(members: list[zipfile.ZipInfo]) -> None:
    """Every name once, and no name both a file and a folder."""
    files: dict[str, str] = {}
    folders: set[str] = set()
    for info in members:
        path = _safe_name(info)
        key = path.as_posix()
        folders.update(parent.as_posix() for parent in path.parents)
        if info.is_dir():
            folders.add(key)
        elif key in files:
            raise ArchiveError(
                info.filename,
                f"the archive holds {key!r} twice",
                "make the archive again from the course folder",
            )
        else:
            files[key] = info.filename
    clash = sorted(set(files) & folders)
    if clash:
        raise ArchiveError(
            files[clash[0]],
            f"a file and a folder are both named {clash[0]!r}",
            "rename one of them",
        )


def _check_member(info: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    """One entry's flags, method, size and ratio as the directory gives them."""
    if info.flag_bits & 0x1:
        raise ArchiveError(info.filename, "encrypted entries are not allowed")
    if info.compress_type not in COMPRESSIONS:
        raise ArchiveError(
            info.filename,
            f"compression method {info.compress_type} is not supported",
            "use ordinary zip compression (deflate)",
        )
    if info.file_size > limits.max_file_bytes:
        raise ArchiveError(
            info.filename,
            f"{info.file_size} bytes; at most {limits.max_file_bytes} per file",
        )
    if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        raise ArchiveError(
            info.filename,
            f"compressed more than {limits.max_ratio}:1, a likely zip bomb",
        )


def _open(archive: Path) -> zipfile.ZipFile:
    """The archive opened, or an ArchiveError saying why it cannot be."""
    try:
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ArchiveError(archive.name, "not a zip archive") from None
    except OSError as exc:
        raise ArchiveError(
            archive.name, f"cannot be read: {exc.strerror or exc}"
        ) from None


def inspect_archive(archive: Path, limits: ArchiveLimits = ArchiveLimits()) -> list:
    """Every member, after checking names, types, counts, sizes and ratios."""
    with _open(archive) as handle:
        members = handle.infolist()
        if len(members) > limits.max_files:
            raise ArchiveError(
                archive.name,
                f"{len(members)} entries; at most {limits.max_files} are allowed",
            )
        _check_names(members)
        total = compressed = 0
        for info in members:
            _check_member(info, limits)
            total += info.file_size
            compressed += info.compress_size
        if total > limits.max_total_bytes:
            raise ArchiveError(
                archive.name,
                f"{total} bytes uncompressed; at most {limits.max_total_bytes} in all",
            )
        if total > 1024 * 1024 and total > limits.max_ratio * max(compressed, 1):
            raise ArchiveError(
                archive.name,
                f"compressed more than {limits.max_ratio}:1 overall, a likely zip bomb",
            )
        return members


def _read_error(info: zipfile.ZipInfo, exc: Exception) -> ArchiveError:
    """A failure while reading an entry, in words."""
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
        return ArchiveError(
            info.filename, "the data does not match its CRC-32 checksum", DAMAGED
        )
    if isinstance(exc, EOFError):
        return ArchiveError(info.filename, "the data ends too early", DAMAGED)
    return ArchiveError(info.filename, f"the entry cannot be read ({exc})", DAMAGED)


def _copy_member(
    handle: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    destination: Path,
    limits: ArchiveLimits,
    written: int,
) -> int:
    """Extract one file counting its real bytes; return the running total."""
    # Read to the real end of the data, not to the size the header claims: the
    # claim is compared afterwards, and the limits apply to what really arrives.
    unbounded = copy.copy(info)
    unbounded.file_size = sys.maxsize
    size = 0
    try:
        out = destination.open("wb")
    except OSError as exc:
        raise ArchiveError(
            info.filename, f"cannot be extracted: {exc.strerror or exc}"
        ) from None
    with out:
        try:
            with handle.open(unbounded) as source:
                while chunk := source.read(1024 * 1024):
                    size += len(chunk)
                    _check_real_size(info, size, written + size, limits)
                    out.write(chunk)
        except ArchiveError:  # a ValueError too: not a read error
            raise
        except READ_ERRORS as exc:
            raise _read_error(info, exc) from None
    if size != info.file_size:
        raise ArchiveError(
            info.filename,
            f"the header gives {info.file_size} bytes, the data holds {size}",
            DAMAGED,
        )
    return written + size


def _check_real_size(
    info: zipfile.ZipInfo, size: int, total: int, limits: ArchiveLimits
) -> None:
    """The limits, on the bytes extracted so far."""
    if size > limits.max_file_bytes:
        raise ArchiveError(
            info.filename,
            f"expands beyond {limits.max_file_bytes} bytes, the limit per file",
        )
    if size > 1024 * 1024 and size > limits.max_ratio * max(info.compress_size, 1):
        raise ArchiveError(
            info.filename,
            f"compressed more than {limits.max_ratio}:1, a likely zip bomb",
        )
    if total > limits.max_total_bytes:
        raise ArchiveError(
            info.filename, f"the archive expands beyond {limits.max_total_bytes} bytes"
        )


def extract_archive(
    archive: Path, target: Path, limits: ArchiveLimits = ArchiveLimits()
) -> Path:
    """Extract into ``target`` (checked first); return the folder holding modules/."""
    members = inspect_archive(archive, limits)
    target = target.resolve()
    written = 0
    with _open(archive) as handle:
        for info in members:
            destination = (target / _safe_name(info)).resolve()
            if not destination.is_relative_to(target):
                raise ArchiveError(
                    info.filename, "would write outside the course folder"
                )
            try:
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(
                    info.filename, f"cannot be extracted: {exc.strerror or exc}"
                ) from None
            written = _copy_member(handle, info, destination, limits, written)
    return _content_root(target)


def _content_root(target: Path) -> Path:
    if (target / "modules").is_dir():
        return target
    children = [
        p for p in target.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    ]
    if len(children) == 1 and (children[0] / "modules").is_dir():
        return children[0]
    raise ArchiveError(
        "modules/",
        "the archive has no modules/ folder at its top",
        "zip the folder that holds modules/ and quizzes/",
    )
