"""Plain-text reader: bytes → normalized text (UTF-8 decoded, NFC, ``\\n`` line ends)."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from pathlib import Path

from .model import Document, ReadError

#: Files larger than this are refused unless the reader is built with a higher limit.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode(raw: bytes, path: str | Path | None = None, encoding: str = "utf-8") -> tuple[str, str]:
    """Decode source bytes; returns ``(text, encoding used)``. A UTF-16 BOM wins over ``encoding``.

    Raises ReadError for empty, binary (NUL bytes) or undecodable input.
    """
    if not raw.strip():
        raise ReadError(path, "empty file (no text)", offset=0, line=1)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif b"\x00" in raw:
        at = raw.index(b"\x00")
        raise ReadError(
            path, "binary data (NUL byte): not a text file", offset=at, line=_line_of(raw, at)
        )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 4]
        raise ReadError(
            path,
            f"cannot decode as {encoding}: byte {bad[:1].hex()} ({exc.reason}); "
            "if the file uses another encoding, read it with TextReader(encoding=...)",
            offset=exc.start,
            line=_line_of(raw, exc.start),
        ) from None
    except LookupError:
        raise ReadError(path, f"unknown encoding {encoding!r}") from None
    return text, encoding


def normalize(text: str, path: str | Path | None = None) -> str:
    """NFC, ``\\n`` line ends, no BOM; stray control characters become spaces.

    A text where control characters are frequent is refused as binary.
    """
    text = text.lstrip("\ufeff")
    text = _LINE_BREAKS.sub("\n", text)
    controls = _CONTROL.findall(text)
    if controls:
        if "\x00" in text or len(controls) > max(8, len(text) // 200):
            first = _CONTROL.search(text)
            assert first is not None
            line = text.count("\n", 0, first.start()) + 1
            raise ReadError(path, "binary data (control characters): not a text file", line=line)
        text = _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise ReadError(path, "empty file (whitespace only)", offset=0, line=1)
    return text


class TextReader:
    """Reads ``.txt``/``.md`` files."""

    suffixes: tuple[str, ...] = (".txt", ".text", ".md")

    def __init__(self, encoding: str = "utf-8", max_bytes: int | None = DEFAULT_MAX_BYTES) -> None:
        self.encoding = encoding
        self.max_bytes = max_bytes

    def read_bytes(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ReadError(path, "no such file") from None
        except OSError as exc:
            raise ReadError(path, f"cannot access file: {exc.strerror or exc}") from None
        if path.is_dir():
            raise ReadError(path, "is a directory, not a file")
        if self.max_bytes is not None and size > self.max_bytes:
            raise ReadError(
                path,
                f"file is {size} bytes, over the {self.max_bytes}-byte limit; "
                "use TextReader(max_bytes=None) to read it anyway",
            )
        try:
            return path.read_bytes()
        except OSError as exc:
            raise ReadError(path, f"cannot read file: {exc.strerror or exc}") from None

    def read(self, path: Path) -> Document:
        """Read and normalize one file into an unsegmented Document."""
        path = Path(path)
        raw = self.read_bytes(path)
        text, used = decode(raw, path, self.encoding)
        text = normalize(text, path)
        return Document(
            doc_id=path.stem,
            text=text,
            source=path,
            media_type="text/markdown" if path.suffix.lower() == ".md" else "text/plain",
            encoding=used,
            sha256=hashlib.sha256(raw).hexdigest(),
        )

    def read_string(self, text: str, doc_id: str = "inline") -> Document:
        """A Document from a string (tests, tools)."""
        text = normalize(text)
        return Document(
            doc_id=doc_id,
            text=text,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
