"""Arrays kept between runs in the user's cache folder, checked on every read.

What is kept here is derived from a shipped file whose SHA-256 was verified
(decoded borders, the borders cut into grid cells), under a name that carries
that checksum: a new version of the file gets new entries, and nothing is
re-derived while the file stays the same. Every entry carries the SHA-256 of
its own arrays, checked when it is read, so a damaged entry is rebuilt rather
than trusted. Plain numeric arrays only (no pickle, no objects). A cache that cannot be
written (read-only home, full disk) is skipped silently: it only saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

CACHE_ENV = "RANGE_RINGS_CACHE_DIR"

Arrays = dict[str, NDArray[np.generic]]


def cache_dir() -> Path:
    """``$RANGE_RINGS_CACHE_DIR``, else ``$XDG_CACHE_HOME/range-rings``, else ``~/.cache/range-rings``."""
    if override := os.environ.get(CACHE_ENV):
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "range-rings"


_MAGIC = b"RRCACHE1"
_DTYPES = {"<i8", "<f8", "|u1"}  # plain numbers only: nothing that could hold objects


def write_arrays(name: str, arrays: Arrays) -> None:
    """Keep ``arrays`` (int64, float64 or uint8) under ``name`` (a file name: say what and which version).

    The file is a short JSON header (each array's dtype, shape and place, and the
    SHA-256 of everything after the header) followed by the arrays' raw bytes,
    so reading it is one read and no copy.
    """
    import tempfile  # here: only a first run writes

    parts, table, offset = [], [], 0
    for key, value in arrays.items():
        data = np.ascontiguousarray(value)
        if data.dtype.str not in _DTYPES:
            raise TypeError(f"cache arrays hold int64, float64 or uint8, not {data.dtype} ({key})")
        raw = data.tobytes()
        table.append({"key": key, "dtype": data.dtype.str, "shape": list(data.shape), "offset": offset})
        parts.append(raw + bytes(-len(raw) % 8))  # 8-byte aligned
        offset += len(parts[-1])
    payload = b"".join(parts)
    header = json.dumps({"sha256": hashlib.sha256(payload).hexdigest(), "arrays": table}).encode()
    header += b" " * (-len(header) % 8)
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_MAGIC + len(header).to_bytes(8, "little") + header + payload)
            os.replace(tmp, path)  # atomic: a reader sees the whole file or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


def read_arrays(name: str) -> Arrays | None:
    """The arrays kept under ``name`` (read-only), or None if absent, unreadable or damaged."""
    try:
        data = (cache_dir() / name).read_bytes()
    except OSError:
        return None
    try:
        if not data.startswith(_MAGIC):
            return None
        size = int.from_bytes(data[8:16], "little")
        start = 16 + size
        header = json.loads(data[16:start])
        if hashlib.sha256(memoryview(data)[start:]).hexdigest() != header["sha256"]:
            return None  # damaged: the caller rebuilds it from the verified file
        arrays: Arrays = {}
        for entry in header["arrays"]:
            if entry["dtype"] not in _DTYPES:
                return None
            dtype = np.dtype(entry["dtype"])
            shape = tuple(int(n) for n in entry["shape"])
            count = int(np.prod(shape, dtype=np.int64))
            flat = np.frombuffer(data, dtype=dtype, count=count, offset=start + int(entry["offset"]))
            arrays[str(entry["key"])] = flat.reshape(shape)
        return arrays
    except (ValueError, KeyError, TypeError):
        return None


def pack_bytes(items: list[bytes]) -> Arrays:
    """Byte strings (WKB, UTF-8 text) as two plain arrays, for :func:`write_arrays`."""
    return {
        "blob": np.frombuffer(b"".join(items), dtype=np.uint8),
        "ends": np.cumsum([len(item) for item in items], dtype=np.int64),
    }


class PackedBytes:
    """The byte strings packed by :func:`pack_bytes`, each copied out only when asked for.

    A report reads a few hundred of the thousand WKB pieces of the 1:10m cells: unpacking
    them all (:func:`unpack_bytes`) copied 9 MB twice, ≈10 ms of every report.
    """

    def __init__(self, arrays: Arrays) -> None:
        self._blob = arrays["blob"]
        self._ends = arrays["ends"].tolist()

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> bytes:
        start = self._ends[i - 1] if i > 0 else 0
        return self._blob[start : self._ends[i]].tobytes()


def unpack_bytes(arrays: Arrays) -> list[bytes]:
    """The byte strings packed by :func:`pack_bytes`."""
    blob, ends = arrays["blob"].tobytes(), arrays["ends"].tolist()  # one copy, then slices
    return [blob[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
