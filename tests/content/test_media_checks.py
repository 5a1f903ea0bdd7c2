"""Media are checked: the bytes must match the extension, the type must be on the
allow-list, and SVG pictures must be plain drawings. Each refusal names the file and
line and publishes nothing."""

from __future__ import annotations

import pytest

from courseware.content.mediatypes import decide
from tests.content.conftest import edit

PICTURE = "modules/sample/media/picture.svg"
OPEN = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
XLINK = (
    '<svg xmlns="http://www.w3.org/2000/svg" '
    'xmlns:xlink="http://www.w3.org/1999/xlink">'
)
PLAIN = (
    "(hint: save the picture as a plain drawing (Inkscape: Save As > Optimized SVG))"
)


def svg(*lines: str, start: str = OPEN) -> str:
    return "\n".join([start, *lines, "</svg>"]) + "\n"


# (name, file, new content, expected `path:line: field: message`)
CASES = [
    (
        "script element in an SVG",
        PICTURE,
        svg("<title>child</title>", "<script>alert(document.cookie)</script>"),
        f"{PICTURE}:3: svg: the <script> element is not allowed {PLAIN}",
    ),
    (
        "script in another namespace",
        PICTURE,
        svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">x()</h:script>'),
        f"{PICTURE}:2: svg: the <script> element is not allowed",
    ),
    (
        "event attribute in an SVG",
        PICTURE,
        svg('<circle r="4" onclick="alert(1)"/>'),
        f"{PICTURE}:2: svg: the event attribute onclick= is not allowed {PLAIN}",
    ),
    (
        "event attribute on the root",
        PICTURE,
        svg(start='<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'),
        f"{PICTURE}:1: svg: the event attribute onload= is not allowed",
    ),
    (
        "external image",
        PICTURE,
        svg('<image href="https://evil.example/track.png" width="10" height="10"/>'),
        f"{PICTURE}:2: svg: the reference href='https://evil.example/track.png' is "
        "not allowed (hint: only '#id' references and data:image/png|jpeg|gif|webp "
        "pictures)",
    ),
    (
        "javascript: link",
        PICTURE,
        svg('<a xlink:href="javascript:alert(1)"><text>x</text></a>', start=XLINK),
        f"{PICTURE}:2: svg: the reference href='javascript:alert(1)' is not allowed",
    ),
    (
        "data: SVG inside an SVG",
        PICTURE,
        svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'),
        f"{PICTURE}:2: svg: the reference href='data:image/svg+xml;base64,PHN2Zz4=' "
        "is not allowed",
    ),
    (
        "foreignObject",
        PICTURE,
        svg("<foreignObject><div>hello</div></foreignObject>"),
        f"{PICTURE}:2: svg: the <foreignObject> element is not allowed",
    ),
    (
        "animation that sets a link",
        PICTURE,
        svg('<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a>'),
        f"{PICTURE}:2: svg: animating href= is not allowed",
    ),
    (
        "external style",
        PICTURE,
        svg("<style>", "@import url(https://evil.example/x.css);", "</style>"),
        f"{PICTURE}:2: svg: @import in a style is not allowed",
    ),
    (
        "escaped style",
        PICTURE,
        svg("<style>", "rect { fill: \\75rl(https://evil.example/g); }", "</style>"),
        f"{PICTURE}:2: svg: backslash escapes in a style are not allowed",
    ),
    (
        "external paint",
        PICTURE,
        svg('<rect width="5" height="5" fill="url(https://evil.example/p.svg#g)"/>'),
        f"{PICTURE}:2: svg: the style reference url(https://evil.example/p.svg#g) is "
        "not allowed",
    ),
    (
        "DOCTYPE with entities (an XML bomb)",
        PICTURE,
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
        + svg("<text>&b;</text>"),
        f"{PICTURE}:2: svg: a DOCTYPE is not allowed in an SVG picture (hint: remove "
        "the <!DOCTYPE ...> line)",
    ),
    (
        "style sheet instruction",
        PICTURE,
        '<?xml-stylesheet href="https://evil.example/x.css"?>\n' + svg(),
        f"{PICTURE}:1: svg: the processing instruction <?xml-stylesheet is not "
        "allowed",
    ),
    (
        "HTML named .svg",
        PICTURE,
        "<html><body><script>alert(1)</script></body></html>\n",
        f"{PICTURE}:1: svg: the file is not an SVG picture (its root is not <svg> in "
        'the SVG namespace) (hint: start it with <svg xmlns="http://www.w3.org/2000/'
        'svg" ...>)',
    ),
    (
        "SVG that is not well-formed",
        PICTURE,
        svg("<circle r='4'>"),
        f"{PICTURE}:3: svg: the SVG is not well-formed XML: mismatched tag",
    ),
    (
        "HTML named .png",
        "modules/sample/media/image.png",
        "<!DOCTYPE html>\n<html><script>alert(document.cookie)</script></html>\n",
        "modules/sample/media/image.png:1: media: the file is named .png but its "
        "bytes are not a PNG picture (they look like HTML) (hint: save it in the "
        "format its name says, or give it the right extension)",
    ),
    (
        "HTML named .webm",
        "modules/sample/media/sample.webm",
        "<html><script>alert(1)</script></html>",
        "modules/sample/media/sample.webm:1: media: the file is named .webm but its "
        "bytes are not a WebM video (they look like HTML)",
    ),
    (
        "captions that are not WebVTT",
        "modules/sample/media/sample.en.vtt",
        "1\n00:00:00,000 --> 00:00:02,000\nHello\n",
        "modules/sample/media/sample.en.vtt:1: media: the file is named .vtt but its "
        "bytes are not WebVTT captions (starting with WEBVTT) (they look like text)",
    ),
    (
        "an HTML file in media",
        "modules/sample/media/page.html",
        "<html></html>",
        "modules/sample/media/page.html:1: media: the file type .html is not allowed "
        "(hint: PNG, JPEG, WebP, GIF or SVG pictures, WebM or MP4 video, Opus/Ogg "
        "audio, WebVTT captions (.vtt), PDF, or .md/.txt text)",
    ),
    (
        "a JavaScript file in media",
        "modules/sample/media/app.js",
        "alert(1)",
        "modules/sample/media/app.js:1: media: the file type .js is not allowed",
    ),
    (
        "a media file without an extension",
        "modules/sample/media/README",
        "hello",
        "modules/sample/media/README:1: media: a media file needs an extension such "
        "as .png",
    ),
]


def write(root, rel: str, text: str) -> None:
    path = root / rel
    if path.exists():
        path.unlink()
    edit(root, rel, None, text)


@pytest.mark.parametrize("name,rel,text,expected", CASES, ids=[c[0] for c in CASES])
def test_unsafe_or_mislabelled_media_is_refused_and_changes_nothing(
    course_dir, content, stored, name, rel, text, expected
):
    assert content("publish", course_dir, "--note", "good").exit_code == 0
    before = stored()
    write(course_dir, rel, text)
    result = content("check", course_dir)
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    published = content("publish", course_dir, "--note", "bad")
    assert published.exit_code == 1
    assert "nothing was published; version 1 is still active" in published.output
    assert stored() == before


SAFE_SVG = svg(
    "<title>child</title>",
    "<defs><linearGradient id='g'><stop offset='0'/></linearGradient></defs>",
    "<style>circle { fill: url(#g); }</style>",
    '<circle r="4" fill="url(#g)" style="stroke: url(\'#g\')"/>',
    '<use href="#c"/><image href="data:image/png;base64,iVBORw0KGgo="/>',
    '<a href="#c"><text>x</text></a>',
)


def test_plain_drawings_with_fragments_and_data_pictures_pass(course_dir, content):
    write(course_dir, PICTURE, '<?xml version="1.0" encoding="UTF-8"?>\n' + SAFE_SVG)
    write(course_dir, "modules/sample/media/notes.txt", "Plain notes.\n")
    result = content("check", course_dir)
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


@pytest.mark.parametrize(
    "name,data,expected",
    [
        ("a.png", b"\x89PNG\r\n\x1a\n rest", "image/png"),
        ("a.jpg", b"\xff\xd8\xff\xe0 rest", "image/jpeg"),
        ("a.jpeg", b"\xff\xd8\xff\xe0 rest", "image/jpeg"),
        ("a.gif", b"GIF89a rest", "image/gif"),
        ("a.webp", b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
        ("a.svg", SAFE_SVG.encode(), "image/svg+xml"),
        ("a.webm", b"\x1a\x45\xdf\xa3 rest", "video/webm"),
        ("a.mp4", b"\0\0\0\x18ftypisom rest", "video/mp4"),
        ("a.opus", b"OggS" + b"\0" * 24 + b"OpusHead", "audio/ogg"),
        ("a.ogg", b"OggS rest", "audio/ogg"),
        ("a.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", "text/vtt"),
        ("a.pdf", b"%PDF-1.7 rest", "application/pdf"),
        ("a.md", "Текст\n".encode(), "text/plain"),
        ("a.txt", b"text\n", "text/plain"),
        ("a.opus", b"OggS rest without the Opus header", None),
        ("a.md", b"\xff\xfe not UTF-8", None),
        ("a.txt", b"NUL \0 inside", None),
        ("a.PNG", b"\x89PNG\r\n\x1a\n rest", "image/png"),
    ],
)
def test_the_type_comes_from_extension_and_bytes(name, data, expected):
    assert decide(name, data)[0] == expected
