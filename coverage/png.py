"""A fast PNG encoder for matplotlib's Agg canvas (flat map fills need no row filters)."""

from __future__ import annotations

import struct
import zlib


def _png_chunk(tag: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type and data."""
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def text_chunk(keyword: str, text: str) -> bytes:
    """An iTXt chunk (UTF-8 text; tEXt holds Latin-1 only): uncompressed, no language tag."""
    return _png_chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0\0\0" + text.encode("utf-8"))


def png_bytes(
    rgba: memoryview, width: int, height: int, dpi: float, text: dict[str, str] | None = None
) -> bytes:
    """An 8-bit RGBA PNG of a canvas buffer (rows of ``width`` × 4 bytes), fast rather than smallest.

    Rows are stored unfiltered and deflated at level 1, fed to zlib straight
    from the buffer (no copy): flat map fills compress well without a filter,
    smaller here than PIL's per-row adaptive filtering, at ~1/3 of the time.
    Carries the resolution (pHYs) like matplotlib's PNGs, and ``text`` as iTXt chunks
    (keywords as the PNG specification names them: Title, Description, Source, Copyright).
    """
    stride = width * 4
    deflate = zlib.compressobj(1)
    idat = []
    for row in range(height):
        idat.append(deflate.compress(b"\0"))  # filter type 0: none
        idat.append(deflate.compress(rgba[row * stride : (row + 1) * stride]))
    idat.append(deflate.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    per_metre = round(dpi / 0.0254)
    phys = struct.pack(">IIB", per_metre, per_metre, 1)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", ihdr),
            _png_chunk(b"pHYs", phys),
            *(text_chunk(k, v) for k, v in (text or {}).items()),
            _png_chunk(b"IDAT", b"".join(idat)),
            _png_chunk(b"IEND", b""),
        )
    )
