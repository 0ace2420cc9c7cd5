"""The characters of a PDF page with their boxes and fonts (pypdfium2), in the coordinates of the
page as shown (``space``).

pdfium gives the text as the page draws it, with the right casing of small capitals (where
pdfminer lower-cases them). Characters outside the page box are dropped (off-page footers), and a
character drawn twice at the same place (a faux-bold trick) is kept once.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .space import PageSpace

#: Characters closer than this (points) with the same text, drawn by two text objects, are one
#: character drawn twice (the corpus's doubles lie within 0.2 pt; a narrow letter of small type
#: repeated in a word — "ll" — is further apart).
DUPLICATE_TOLERANCE = 0.4
#: pdfium reports a hyphen at a line end as U+0002 (a soft hyphen too: it cannot tell them
#: apart); it is printed, so it is kept as "-" and joins the next line ("child-labor").
_HYPHENS = {"\x02": "-", "\u00ad": "-"}
#: Glyphs of the ZapfDingbats font that the reports use as bullets and marks, as Unicode (the
#: font's own encoding puts them on letters: "n" is a black square).
_DINGBATS = {"l": "●", "n": "■", "o": "❏", "q": "❑", "u": "◆", "v": "❖", "3": "✓", "4": "✔",
             "7": "✗", "8": "✘"}
#: What a list item or sub-item starts with (the bullets of the dingbats above included).
BULLETS = "•▪●◦■◆❖❏❑–"
#: The marks of table notes ("† Determined by national law …").
NOTE_MARKS = "†‡§¶*"


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


def page_chars(page: pdfium.PdfPage, warnings: list[str] | None = None,
               number: int | None = None) -> list[PdfChar]:
    """Every visible, upright, non-space character of the page, in the page's drawing order.

    Characters turned from the reading direction (a rotated caption, a vertical margin note)
    are left out and counted in ``warnings``."""
    space_ = PageSpace.of(page)
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
        turned = 0
        i = -1
        while i + 1 < count:
            i += 1
            code = pdfium_c.FPDFText_GetUnicode(raw_tp, i)
            if code == 0:
                continue
            if 0xD800 <= code < 0xDC00 and i + 1 < count:  # a character beyond U+FFFF
                low = pdfium_c.FPDFText_GetUnicode(raw_tp, i + 1)
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 1
                    box_index = i - 1
                else:
                    continue
            else:
                box_index = i
            text = chr(code)
            if text in " \t\u00a0":
                space = True
                continue
            if text.isspace():
                continue
            text = _HYPHENS.get(text, text)
            if not text.isprintable():
                continue
            if not pdfium_c.FPDFText_GetLooseCharBox(raw_tp, box_index, ctypes.byref(rect)):
                continue
            if not space_.upright(pdfium_c.FPDFText_GetCharAngle(raw_tp, box_index)):
                turned += 1
                continue
            clipped = space_.clip(*space_.box(rect.left, rect.bottom, rect.right, rect.top))
            if clipped is None:
                continue  # drawn outside the page box
            x0, top, x1, bottom = clipped
            # a text object (a run drawn with one font and matrix) answers for all its characters
            handle = pdfium_c.FPDFText_GetTextObject(raw_tp, box_index)
            key_object = ctypes.cast(handle, ctypes.c_void_p).value if handle else -i
            style = styles.get(key_object)
            if style is None:
                size = pdfium_c.FPDFText_GetFontSize(raw_tp, box_index)
                if pdfium_c.FPDFText_GetMatrix(raw_tp, box_index, ctypes.byref(matrix)):
                    scale = (matrix.c**2 + matrix.d**2) ** 0.5
                    size *= scale or 1.0
                style = styles[key_object] = (round(size, 2), *_font(raw_tp, box_index, fonts))
            size, font, bold, italic = style
            if "dingbat" in font.lower():
                text = _DINGBATS.get(text, text)
            char = PdfChar(text, x0, top, x1, bottom, size, font, bold, italic,
                           seq=len(out), space_before=space, run=key_object)
            space = False
            if _is_duplicate(char, seen):
                continue
            seen.setdefault((text, round(x0), round(top)), []).append(char)
            out.append(char)
        if turned and warnings is not None:
            where = f"page {number}: " if number else ""
            warnings.append(f"{where}{turned} character(s) set at an angle left out (rotated "
                            "text is not read)")
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
                    and abs(other.x1 - char.x1) <= DUPLICATE_TOLERANCE
                    and abs(other.top - char.top) <= DUPLICATE_TOLERANCE
                ):
                    return True
    return False
