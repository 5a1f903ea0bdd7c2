"""Hostile archives: names that clash, headers that lie about sizes or checksums.
Each is refused as `path:1: archive: message (hint: ...)`, publishes nothing and
leaves the active version and the stored media as they were."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import pytest

from tests.content.test_versions import add, zip_of

VTT = "course/modules/sample/media/sample.en.vtt"
DAMAGED = (
    "(hint: the archive is damaged or was altered; make it again from the course "
    "folder)"
)


def patch(raw: bytes, name: str, **fields: int) -> bytes:
    """Change one entry's size, crc or method in both its local and central header."""
    data = bytearray(raw)
    info = zipfile.ZipFile(io.BytesIO(raw)).getinfo(name)
    local, central = {"crc": 14, "size": 22, "method": 8}, {
        "crc": 16,
        "size": 24,
        "method": 10,
    }
    start = data.find(b"PK\x01\x02")
    while start != -1:
        length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + length] == name.encode():
            break
        start = data.find(b"PK\x01\x02", start + 4)
    for key, value in fields.items():
        fmt = "<H" if key == "method" else "<I"
        struct.pack_into(fmt, data, info.header_offset + local[key], value)
        struct.pack_into(fmt, data, start + central[key], value)
    return bytes(data)


def real_size(course_dir) -> int:
    return len((course_dir / "modules/sample/media/sample.en.vtt").read_bytes())


def crc_of(raw: bytes, name: str) -> int:
    return zipfile.ZipFile(io.BytesIO(raw)).getinfo(name).CRC


def with_stored(course_dir) -> bytes:
    """The course zipped with every entry stored (not compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(course_dir.rglob("*")):
            if path.is_file():
                archive.write(path, "course/" + path.relative_to(course_dir).as_posix())
    return buffer.getvalue()


def duplicate(archive: zipfile.ZipFile) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        archive.writestr("course/modules/course.yaml", "id: other\n")


def bomb_with_a_small_claim(course_dir) -> bytes:
    name = "course/modules/sample/media/zeros.txt"
    raw = zip_of(course_dir, [add(name, b"\0" * (20 * 1024 * 1024))])
    return patch(raw, name, size=10)


CASES = [
    (
        "a file and a folder of the same name",
        lambda d: zip_of(d, [add("course/modules/sample", b"x")]),
        "course/modules/sample:1: archive: a file and a folder are both named "
        "'course/modules/sample' (hint: rename one of them)",
    ),
    (
        "a file and an explicit folder entry of the same name",
        lambda d: zip_of(
            d, [add("course/modules/extra/", b""), add("course/modules/extra")]
        ),
        "course/modules/extra:1: archive: a file and a folder are both named "
        "'course/modules/extra' (hint: rename one of them)",
    ),
    (
        "the same name twice",
        lambda d: zip_of(d, [duplicate]),
        "course/modules/course.yaml:1: archive: the archive holds "
        "'course/modules/course.yaml' twice",
    ),
    (
        "header claims fewer bytes (deflated)",
        lambda d: patch(zip_of(d), VTT, size=real_size(d) - 10),
        lambda d: f"{VTT}:1: archive: the header gives {real_size(d) - 10} bytes, "
        f"the data holds {real_size(d)} {DAMAGED}",
    ),
    (
        "header claims more bytes (deflated)",
        lambda d: patch(zip_of(d), VTT, size=real_size(d) + 10),
        lambda d: f"{VTT}:1: archive: the header gives {real_size(d) + 10} bytes, "
        f"the data holds {real_size(d)} {DAMAGED}",
    ),
    (
        "header claims fewer bytes (stored)",
        lambda d: patch(with_stored(d), VTT, size=real_size(d) - 10),
        lambda d: f"{VTT}:1: archive: the header gives {real_size(d) - 10} bytes, "
        f"the data holds {real_size(d)} {DAMAGED}",
    ),
    (
        "header claims more bytes (stored)",
        lambda d: patch(with_stored(d), VTT, size=real_size(d) + 10),
        lambda d: f"{VTT}:1: archive: the header gives {real_size(d) + 10} bytes, "
        f"the data holds {real_size(d)} {DAMAGED}",
    ),
    (
        "CRC mismatch",
        lambda d: patch(zip_of(d), VTT, crc=crc_of(zip_of(d), VTT) ^ 0xFFFF),
        f"{VTT}:1: archive: the data does not match its CRC-32 checksum {DAMAGED}",
    ),
    (
        "a bomb whose header claims ten bytes",
        bomb_with_a_small_claim,
        "course/modules/sample/media/zeros.txt:1: archive: compressed more than "
        "100:1, a likely zip bomb",
    ),
    (
        "unknown compression method",
        lambda d: patch(zip_of(d), VTT, method=99),
        f"{VTT}:1: archive: compression method 99 is not supported "
        "(hint: use ordinary zip compression (deflate))",
    ),
    (
        "a truncated archive",
        lambda d: zip_of(d)[:-30],
        "course.zip:1: archive: not a zip archive",
    ),
]


@pytest.mark.parametrize("name,build,expected", CASES, ids=[c[0] for c in CASES])
def test_hostile_archive_is_refused_and_changes_nothing(
    tmp_path, content, course_dir, stored, name, build, expected
):
    assert content("publish", course_dir, "--note", "first").exit_code == 0
    before = stored()
    archive = tmp_path / "course.zip"
    archive.write_bytes(build(course_dir))
    result = content("import", archive, "--note", "hostile")
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    message = expected(course_dir) if callable(expected) else expected
    assert result.output.splitlines() == [
        result.output.splitlines()[0],
        "1 error(s): nothing was published; version 1 is still active",
    ]
    assert message in result.output.splitlines()[0], result.output
    assert stored() == before
