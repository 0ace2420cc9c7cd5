"""The page as it is shown: PDFium gives boxes in the page's user space (origin at the bottom
left of the media box, before the page's /Rotate); the reader works in points from the top left
of the visible page (the crop box, turned as the page is displayed) — the coordinates of an
RFC 8118 ``viewrect``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pypdfium2 as pdfium

#: A character turned by less than this (radians) from the page's reading direction is upright.
UPRIGHT = 0.05


@dataclass(frozen=True, slots=True)
class PageSpace:
    """The visible page: its crop box in user space, its rotation and its shown size."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int  # degrees, clockwise, as the page's /Rotate: 0, 90, 180 or 270

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> PageSpace:
        left, bottom, right, top = page.get_cropbox()
        return cls(left, bottom, right, top, page.get_rotation() % 360)

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) of the page as shown."""
        width, height = self.right - self.left, self.top - self.bottom
        return (height, width) if self.rotation in (90, 270) else (width, height)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A user-space point as (x, y) from the top left of the shown page."""
        u, v = x - self.left, y - self.bottom
        width, height = self.right - self.left, self.top - self.bottom
        if self.rotation == 90:
            return v, u
        if self.rotation == 180:
            return width - u, v
        if self.rotation == 270:
            return height - v, width - u
        return u, height - v

    def box(self, left: float, bottom: float, right: float,
            top: float) -> tuple[float, float, float, float]:
        """A user-space rectangle as (x0, top, x1, bottom) on the shown page."""
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def clip(self, x0: float, top: float, x1: float,
             bottom: float) -> tuple[float, float, float, float] | None:
        """The part of a box on the shown page, None when it is wholly off the page."""
        width, height = self.size
        if x1 <= 0 or x0 >= width or bottom <= 0 or top >= height:
            return None
        return max(x0, 0.0), max(top, 0.0), min(x1, width), min(bottom, height)

    def upright(self, angle: float) -> bool:
        """Whether a character drawn at ``angle`` (radians, clockwise on the page as drawn, as
        PDFium gives it) reads left to right on the shown page (turned by its /Rotate, also
        clockwise)."""
        shown = (angle + math.radians(self.rotation)) % (2 * math.pi)
        return min(shown, 2 * math.pi - shown) < UPRIGHT
