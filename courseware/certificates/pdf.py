"""The certificate as a PDF in the learner's language, with its QR code.

Text is shaped with HarfBuzz (uharfbuzz), so Cyrillic and Arabic (joined letters,
right to left) print correctly; the font comes from Debian's fonts-dejavu-core.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from fpdf import FPDF

from courseware.certificates.models import Certificate
from courseware.content.runtime import Course
from courseware.i18n import text_direction

INK = (27, 31, 36)
BRAND = (11, 83, 148)
MUTED = (74, 83, 96)


def qr_png(data: str) -> bytes:
    """A QR code (error correction M) as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def _fonts(pdf: FPDF) -> None:
    folder = Path(current_app.config["COURSEWARE_FONT_DIR"])
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise FileNotFoundError(
            f"{regular} is missing: install Debian's fonts-dejavu-core "
            "or set COURSEWARE_FONT_DIR"
        )
    pdf.add_font("Sans", "", str(regular))
    pdf.add_font("Sans", "B", str(bold))


def render(certificate: Certificate, course: Course, url: str) -> bytes:
    """The PDF bytes of a named, signed certificate."""
    lang = certificate.language
    rtl = text_direction(lang) == "rtl"
    track = course.track(certificate.track_id) or {"title": {}, "modules": []}
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(False)
    _fonts(pdf)
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
    pdf.set_title(f"Certificate {certificate.code}")
    pdf.set_creator("COP Courseware")
    pdf.set_lang(lang)
    pdf.add_page()
    with force_locale(lang):
        _page(pdf, certificate, course, track, url, lang, rtl)
    return bytes(pdf.output())


def _line(
    pdf: FPDF, text: str, size: float, style: str = "", color=INK, gap: float = 2
):
    pdf.set_font("Sans", style, size)
    pdf.set_text_color(*color)
    pdf.set_x(20)
    pdf.multi_cell(257, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _page(pdf: FPDF, certificate, course, track, url, lang, rtl) -> None:
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, 275, 188)
    pdf.set_y(22)
    _line(pdf, course.text(course.info["title"], lang), 13, color=BRAND, gap=4)
    _line(pdf, _("Certificate of completion"), 28, "B", gap=6)
    _line(pdf, _("This certifies that"), 13, color=MUTED)
    _line(pdf, certificate.name or "", 26, "B", gap=4)
    _line(pdf, _("has completed the track"), 13, color=MUTED)
    _line(pdf, course.text(track["title"], lang), 18, "B", gap=4)
    modules = [
        course.text(course.module(m)["title"], lang)
        for m in track["modules"]
        if course.module(m)
    ]
    _line(pdf, _("Modules: %(list)s", list=" · ".join(modules)), 10, color=MUTED, gap=4)
    _line(
        pdf,
        _("Completed on %(date)s", date=format_date(certificate.completed_on, "long")),
        12,
    )
    qr_x = 22 if rtl else 232
    pdf.image(io.BytesIO(qr_png(url)), x=qr_x, y=150, w=44, h=44)
    text_x = 70 if rtl else 22
    pdf.set_xy(text_x, 158)
    pdf.set_font("Sans", "B", 12)
    pdf.set_text_color(*INK)
    align = "R" if rtl else "L"
    pdf.multi_cell(
        205,
        6,
        _("Verification code: %(code)s", code=certificate.code),
        align=align,
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_font("Sans", "", 9)
    pdf.set_text_color(*MUTED)
    site = str(current_app.config["COURSEWARE_SITE_URL"]).rstrip("/")
    pdf.multi_cell(
        205,
        5,
        _(
            "Check this certificate at %(url)s or scan the QR code. The "
            "code in the QR is signed: it can be checked without a "
            "network.",
            url=f"{site}/verify/{certificate.code}",
        ),
        align=align,
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.multi_cell(
        205,
        5,
        _("Content version %(version)s", version=certificate.version),
        align=align,
        new_x="LEFT",
        new_y="NEXT",
    )
