"""Small PDFs written by hand for tests: text pages in a standard font, an image-only page, an
encrypted file. No PDF library writes these (pypdfium2 cannot encrypt or lay out text)."""

from __future__ import annotations

import textwrap
import zlib

#: A line of text on a page: (left, baseline from the bottom, font size, text).
TextLine = tuple[float, float, float, str]

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    data = zlib.compress(content)
    return (b"<< /Length %d /Filter /FlateDecode " % len(data) + extra + b">>\nstream\n"
            + data + b"\nendstream")


def assemble(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of numbered objects (object 1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def text_pdf(pages: list[list[TextLine]], width: float = 612, height: float = 792) -> bytes:
    """A PDF whose pages hold these lines of Helvetica text (a real text layer)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", FONT]
    kids = []
    for lines in pages:
        content = b"".join(
            b"BT /F1 %.1f Tf %.1f %.1f Td " % (size, x, y) + _string(text) + b" Tj ET\n"
            for x, y, size, text in lines)
        objects.append(_stream(content))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>"
                       % (width, height, len(objects)))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    return assemble(objects)


def image_pdf(pages: int = 2) -> bytes:
    """A 'scanned' PDF: every page is one image, with no text layer."""
    pixels = bytes([200, 30, 30, 30, 200, 30, 30, 30, 200, 240, 240, 240])  # 2×2 RGB
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"",
        _stream(pixels, b"/Type /XObject /Subtype /Image /Width 2 /Height 2 "
                        b"/ColorSpace /DeviceRGB /BitsPerComponent 8 "),
    ]
    kids = []
    for _ in range(pages):
        objects.append(_stream(b"q 400 0 0 500 100 150 cm /Im1 Do Q\n"))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /XObject << /Im1 3 0 R >> >> >>" % len(objects))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    return assemble(objects)


def encrypted_pdf() -> bytes:
    """A PDF under the standard security handler whose user password is not empty: a reader
    without the password cannot open it (the owner/user keys are arbitrary bytes)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
        + b"> >>",
    ]
    ident = b"<" + b"ab" * 16 + b">"
    return assemble(objects, b"/Encrypt 4 0 R /ID [" + ident + b" " + ident + b"] ")


def findings_pdf(country: str = "Burkina Faso", year: int = 2019, pages: int = 4,
                 opening: str | None = None) -> bytes:
    """A tiny report laid out like a USDOL Findings chapter: the country and advancement banner
    at the top of every page, the running title at the bottom, the opening sentence first."""
    first = opening or (f"In {year}, {country} made a moderate advancement in efforts to "
                        "eliminate the worst forms of child labor.")
    body = [first, "The government adopted a National Action Plan against child labor.",
            "It also trained labor inspectors in the capital."]
    out = []
    for number in range(1, pages + 1):
        lines: list[TextLine] = [(72, 760, 14, country), (72, 742, 9, "MODERATE ADVANCEMENT")]
        texts = body if number == 1 else [f"Section {number} of the report gives more "
                                          "information on child labor."]
        y = 640.0
        for line in textwrap.wrap(" ".join(texts), 85):
            lines.append((72, y, 10, line))
            y -= 13
        footer = (f"{year} FINDINGS ON THE WORST FORMS OF CHILD LABOR" if number % 2
                  else "BUREAU OF INTERNATIONAL LABOR AFFAIRS")
        lines += [(72, 30, 8, footer), (540, 30, 8, str(number))]
        out.append(lines)
    return text_pdf(out)


# -- pages drawn with content-stream operators (tables, marks, rotation) ------------------------

BOLD = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"


def drawn_pdf(pages: list[dict]) -> bytes:
    """A PDF of pages given as content streams (``text``/``rect``/``hline``/``shape`` below):
    each page a dict with ``content`` and optionally ``mediabox``, ``cropbox``, ``rotate``.
    Fonts: /F1 Helvetica, /F2 Helvetica-Bold."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", FONT, BOLD]
    kids = []
    for page in pages:
        objects.append(_stream(page["content"].encode("cp1252")))
        box = " ".join(str(v) for v in page.get("mediabox", (0, 0, 612, 792))).encode()
        extra = b""
        if "cropbox" in page:
            extra += b" /CropBox [" + " ".join(map(str, page["cropbox"])).encode() + b"]"
        if "rotate" in page:
            extra += b" /Rotate %d" % page["rotate"]
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [" + box + b"]" + extra
                       + b" /Contents %d 0 R /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
                       % len(objects))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    return assemble(objects)


def text(x: float, y: float, line: str, size: float = 10, bold: bool = False,
         matrix: tuple[float, float, float, float] | None = None) -> str:
    """Show one line at (x, y) from the bottom left (``matrix``: a turned text matrix)."""
    escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    font = "F2" if bold else "F1"
    place = (f"{' '.join(map(str, matrix))} {x} {y} Tm" if matrix else f"{x} {y} Td")
    return f"BT /{font} {size} Tf {place} ({escaped}) Tj ET\n"


def rect(x: float, y: float, width: float, height: float, gray: float = 0.8) -> str:
    """A filled grey rectangle (a table's shaded header)."""
    return f"{gray} g {x} {y} {width} {height} re f 0 g\n"


def hline(x0: float, x1: float, y: float) -> str:
    """A thin horizontal rule."""
    return f"0.5 w {x0} {y} m {x1} {y} l S\n"


def shape(points: list[tuple[float, float]]) -> str:
    """A filled black polygon (a drawn check mark)."""
    path = " ".join(f"{x:.2f} {y:.2f} l" for x, y in points[1:])
    return f"0 g {points[0][0]:.2f} {points[0][1]:.2f} m {path} h f\n"
