"""What a PDF page draws besides text: rules, shaded boxes and small drawn marks (pypdfium2).

Tables in the reports are drawn with shaded header boxes and thin horizontal rules (sometimes
vertical ones too); the check marks of the ratification tables are drawn shapes, not characters.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .space import PageSpace

#: A box thinner than this (points) is a rule.
RULE_WIDTH = 2.6
#: Fill colours lighter than this (each of r, g, b out of 255) are page background.
WHITE = 245
#: A drawn mark (check mark) is a filled shape of about a character's size.
MARK_MIN, MARK_MAX = 4.0, 14.0
#: A path of at most this many segments is a rectangle (moveto, three or four lines, close).
RECTANGLE = 5


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the page, points, origin top-left."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2

    def overlaps_x(self, x0: float, x1: float) -> float:
        return max(0.0, min(self.x1, x1) - max(self.x0, x0))


@dataclass
class Graphics:
    """Rules, shaded boxes and marks of one page."""

    hrules: list[Box] = field(default_factory=list)
    vrules: list[Box] = field(default_factory=list)
    shades: list[Box] = field(default_factory=list)  # filled, not white: table header cells
    marks: list[Box] = field(default_factory=list)  # glyph-sized filled shapes, not rectangles
    shapes: list[Box] = field(default_factory=list)  # every small filled shape (marks included)


def _colour(obj: ctypes.c_void_p, getter) -> tuple[int, int, int, int]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return (0, 0, 0, 0)
    return (r.value, g.value, b.value, a.value)


def page_graphics(page: pdfium.PdfPage) -> Graphics:
    """Rules, shades, marks and images drawn on the page."""
    space = PageSpace.of(page)
    out = Graphics()
    shapes: list[tuple[Box, int]] = []
    kinds = [pdfium_c.FPDF_PAGEOBJ_PATH]
    for obj in page.get_objects(filter=kinds, max_depth=8):
        clipped = space.clip(*space.box(*obj.get_bounds()))
        if clipped is None:
            continue
        box = Box(*clipped)
        if box.width <= 0 and box.height <= 0:
            continue
        fillmode, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fillmode), ctypes.byref(stroke))
        fill = _colour(obj.raw, pdfium_c.FPDFPageObj_GetFillColor)
        filled = fillmode.value != 0 and fill[3] > 0
        stroked = bool(stroke.value)
        if box.height <= RULE_WIDTH and box.width > RULE_WIDTH:
            if filled or stroked:
                out.hrules.append(box)
            continue
        if box.width <= RULE_WIDTH and box.height > RULE_WIDTH:
            if filled or stroked:
                out.vrules.append(box)
            continue
        segments = pdfium_c.FPDFPath_CountSegments(obj.raw)
        white = all(c >= WHITE for c in fill[:3])
        if filled and not white:
            if box.width < 4 * MARK_MAX and box.height < 4 * MARK_MAX and segments > RECTANGLE:
                shapes.append((box, segments))
            elif segments <= 64:
                out.shades.append(box)
        elif stroked and not filled and segments <= 6:
            out.hrules.extend([Box(box.x0, box.top, box.x1, box.top),
                               Box(box.x0, box.bottom, box.x1, box.bottom)])
            out.vrules.extend([Box(box.x0, box.top, box.x0, box.bottom),
                               Box(box.x1, box.top, box.x1, box.bottom)])
    out.marks = [box for box, _segments in shapes
                 if MARK_MIN <= box.width <= MARK_MAX and MARK_MIN <= box.height <= MARK_MAX]
    out.shapes = [box for box, _segments in shapes]
    return out
