"""Safe extraction of a course archive (.zip) before it is checked and published."""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


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
        super().__init__(f"{member}: {message}" + (f" (hint: {hint})" if hint else ""))
        self.member, self.message, self.hint = member, message, hint


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
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveError(
            name, "symbolic links are not allowed", "put the file itself in the archive"
        )
    # Archivers without Unix modes (Windows) leave the file-type bits at 0: a file.
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise ArchiveError(name, "only files and folders are allowed")
    return path


def inspect_archive(archive: Path, limits: ArchiveLimits = ArchiveLimits()) -> list:
    """Every member, after checking names, types, counts, sizes and ratios."""
    try:
        handle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise ArchiveError(archive.name, "not a zip archive") from None
    with handle:
        members = handle.infolist()
        if len(members) > limits.max_files:
            raise ArchiveError(
                archive.name,
                f"{len(members)} entries; at most {limits.max_files} are allowed",
            )
        total = compressed = 0
        for info in members:
            _safe_name(info)
            if info.flag_bits & 0x1:
                raise ArchiveError(info.filename, "encrypted entries are not allowed")
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


def extract_archive(
    archive: Path, target: Path, limits: ArchiveLimits = ArchiveLimits()
) -> Path:
    """Extract into ``target`` (checked first); return the folder holding modules/."""
    members = inspect_archive(archive, limits)
    target = target.resolve()
    written = 0
    with zipfile.ZipFile(archive) as handle:
        for info in members:
            path = _safe_name(info)
            destination = (target / path).resolve()
            if not destination.is_relative_to(target):
                raise ArchiveError(
                    info.filename, "would write outside the course folder"
                )
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with handle.open(info) as source, destination.open("wb") as out:
                # Count real bytes: sizes in the directory can lie.
                while chunk := source.read(1024 * 1024):
                    written += len(chunk)
                    if written > limits.max_total_bytes:
                        raise ArchiveError(
                            info.filename,
                            "the archive expands beyond "
                            f"{limits.max_total_bytes} bytes",
                        )
                    out.write(chunk)
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
