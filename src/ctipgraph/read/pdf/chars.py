"""The characters of a PDF page with their boxes and fonts (pypdfium2), in top-left coordinates.

pdfium gives the text as the page draws it, with the right casing of small capitals (where
pdfminer lower-cases them). Characters outside the page box are dropped (off-page footers), and a
character drawn twice at the same place (a faux-bold trick) is kept once.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

#: Characters closer than this (points) with the same text are one character drawn twice.
DUPLICATE_TOLERANCE = 1.5
#: pdfium reports a hyphen drawn at a line end as U+0002; it is printed, so it is kept as "-".
_HYPHENS = {"\u00ad": "-", "\x02": "-"}
#: Glyphs of the ZapfDingbats font that the reports use as bullets and marks, as Unicode (the
#: font's own encoding puts them on letters: "n" is a black square).
_DINGBATS = {"l": "●", "n": "■", "o": "❏", "q": "❑", "u": "◆", "v": "❖", "3": "✓", "4": "✔",
             "7": "✗", "8": "✘"}


@dataclass(frozen=True, slots=True)
class PdfChar:
    """One drawn character: its text and box (points, origin top-left) and its font."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    bold: bool
    italic: bool
    seq: int = 0  # order among the kept characters of the page
    run: int = 0  # the text object (a run drawn with one font) the character belongs to
    space_before: bool = False  # the page's text has a space between this and the previous one

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _font(textpage: ctypes.c_void_p, i: int, cache: dict) -> tuple[str, bool, bool]:
    flags = ctypes.c_int()
    buf = ctypes.create_string_buffer(128)
    n = pdfium_c.FPDFText_GetFontInfo(textpage, i, buf, len(buf), ctypes.byref(flags))
    name = buf.value.decode("latin-1") if n else ""
    weight = pdfium_c.FPDFText_GetFontWeight(textpage, i)
    key = (name, flags.value, weight)
    if key not in cache:
        lowered = name.lower()
        bold = weight >= 600 or "bold" in lowered or "black" in lowered or "heavy" in lowered
        italic = bool(flags.value & 64) or "italic" in lowered or "oblique" in lowered
        cache[key] = (name.split("+", 1)[-1], bold, italic)
    return cache[key]


def page_chars(page: pdfium.PdfPage) -> list[PdfChar]:
    """Every visible, non-space character of the page, in the page's drawing order."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        raw_tp = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw_tp)
        rect = pdfium_c.FS_RECTF()
        matrix = pdfium_c.FS_MATRIX()
        fonts: dict = {}
        styles: dict[int, tuple[float, str, bool, bool]] = {}
        seen: dict[tuple[str, int, int], list[PdfChar]] = {}
        out: list[PdfChar] = []
        space = False
        for i in range(count):
            code = pdfium_c.FPDFText_GetUnicode(raw_tp, i)
            if code == 0:
                continue
            text = chr(code)
            if text in " \t\u00a0":
                space = True
                continue
            if text.isspace():
                continue
            text = _HYPHENS.get(text, text)
            if not text.isprintable():
                continue
            if not pdfium_c.FPDFText_GetLooseCharBox(raw_tp, i, ctypes.byref(rect)):
                continue
            x0, x1 = rect.left, rect.right
            top, bottom = height - rect.top, height - rect.bottom
            if x1 <= 0 or x0 >= width or bottom <= 0 or top >= height:
                continue  # drawn outside the page box
            # a text object (a run drawn with one font and matrix) answers for all its characters
            handle = pdfium_c.FPDFText_GetTextObject(raw_tp, i)
            key_object = ctypes.cast(handle, ctypes.c_void_p).value if handle else -i
            style = styles.get(key_object)
            if style is None:
                size = pdfium_c.FPDFText_GetFontSize(raw_tp, i)
                if pdfium_c.FPDFText_GetMatrix(raw_tp, i, ctypes.byref(matrix)):
                    scale = (matrix.c**2 + matrix.d**2) ** 0.5
                    size *= scale or 1.0
                style = styles[key_object] = (round(size, 2), *_font(raw_tp, i, fonts))
            size, font, bold, italic = style
            if "dingbat" in font.lower():
                text = _DINGBATS.get(text, text)
            char = PdfChar(text, x0, top, x1, bottom, size, font, bold, italic,
                           seq=len(out), space_before=space, run=key_object)
            space = False
            key = (text, round(x0), round(top))
            if _is_duplicate(char, seen):
                continue
            seen.setdefault(key, []).append(char)
            out.append(char)
        return out
    finally:
        textpage.close()


def _is_duplicate(char: PdfChar, seen: dict[tuple[str, int, int], list[PdfChar]]) -> bool:
    """The same character at the same place drawn by another text object (a page drawing its
    text twice); two letters of one ligature ("ff" of "Trafficking") share a box in one
    object and are both kept."""
    rx, rt = round(char.x0), round(char.top)
    for dx in (-1, 0, 1):
        for dt in (-1, 0, 1):
            for other in seen.get((char.text, rx + dx, rt + dt), ()):
                if (
                    other.run != char.run
                    and abs(other.x0 - char.x0) <= DUPLICATE_TOLERANCE
                    and abs(other.top - char.top) <= DUPLICATE_TOLERANCE
                ):
                    return True
    return False
