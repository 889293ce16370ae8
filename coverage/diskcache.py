"""Arrays kept between runs in the user's cache folder, checked on every read.

What is kept here is derived from a shipped file whose SHA-256 was verified
(decoded borders, the borders cut into grid cells), under a name that carries
that checksum: a new version of the file gets new entries, and nothing is
re-derived while the file stays the same. Every entry carries the SHA-256 of
its own arrays, checked when it is read, so a damaged entry is rebuilt rather
than trusted. Plain numeric arrays only (no pickle). A cache that cannot be
written (read-only home, full disk) is skipped silently: it only saves time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

CACHE_ENV = "RANGE_RINGS_CACHE_DIR"

Arrays = dict[str, NDArray[np.generic]]

_CHECK = "_sha256"


def cache_dir() -> Path:
    """``$RANGE_RINGS_CACHE_DIR``, else ``$XDG_CACHE_HOME/range-rings``, else ``~/.cache/range-rings``."""
    if override := os.environ.get(CACHE_ENV):
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "range-rings"


def _digest(arrays: Arrays) -> bytes:
    h = hashlib.sha256()
    for key in sorted(arrays):
        data = np.ascontiguousarray(arrays[key])
        for part in (key.encode(), str(data.dtype).encode(), repr(data.shape).encode(), data.tobytes()):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
    return h.digest()


def write_arrays(name: str, arrays: Arrays) -> None:
    """Keep ``arrays`` under ``name`` (a file name: say what and which version)."""
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as out:
                payload: dict[str, Any] = {**arrays, _CHECK: np.frombuffer(_digest(arrays), dtype=np.uint8)}
                np.savez(out, **payload)
            os.replace(tmp, path)  # atomic: a reader sees the whole file or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


def read_arrays(name: str) -> Arrays | None:
    """The arrays kept under ``name``, or None if absent, unreadable or damaged."""
    try:
        # Opened here, not by np.load, which leaves the file open when it is no zip.
        with open(cache_dir() / name, "rb") as file, np.load(file, allow_pickle=False) as z:
            arrays: Arrays = {key: z[key] for key in z.files if key != _CHECK}
            check = z[_CHECK].tobytes()
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):
        return None  # absent or damaged: the caller rebuilds it from the verified file
    return arrays if _digest(arrays) == check else None


def pack_bytes(items: list[bytes]) -> Arrays:
    """Byte strings (WKB, UTF-8 text) as two plain arrays, for :func:`write_arrays`."""
    return {
        "blob": np.frombuffer(b"".join(items), dtype=np.uint8),
        "ends": np.cumsum([len(item) for item in items], dtype=np.int64),
    }


def unpack_bytes(arrays: Arrays) -> list[bytes]:
    """The byte strings packed by :func:`pack_bytes`."""
    blob, ends = arrays["blob"].tobytes(), arrays["ends"].tolist()
    return [blob[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
