"""The user-cache store: what is written is read back exactly, and damage is never trusted."""

from __future__ import annotations

import numpy as np
import pytest

from coverage import diskcache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_arrays_come_back_exactly(cache):
    arrays = {
        "a": np.arange(5, dtype=np.int64),
        "b": np.linspace(0, 1, 7),
        **diskcache.pack_bytes([b"x", b"", b"yz"]),
    }
    diskcache.write_arrays("t.bin", arrays)
    back = diskcache.read_arrays("t.bin")
    assert back is not None and set(back) == set(arrays)
    for key, value in arrays.items():
        assert back[key].dtype == value.dtype and np.array_equal(back[key], value)
    assert diskcache.unpack_bytes(back) == [b"x", b"", b"yz"]
    packed = diskcache.PackedBytes(back)  # the same, copied out one by one
    assert len(packed) == 3 and [packed[i] for i in (2, 0, 1)] == [b"yz", b"x", b""]


def test_absent_entry_is_none(cache):
    assert diskcache.read_arrays("nothing-here.bin") is None


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_damaged_entry_is_none(cache, damage):
    diskcache.write_arrays("t.bin", {"a": np.arange(1000, dtype=np.float64)})
    path = cache / "t.bin"
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x01  # inside the array data: caught by the entry's own SHA-256
    elif damage == "truncate":
        raw = raw[: len(raw) // 2]
    else:
        raw = bytearray(b"not a zip file")
    path.write_bytes(bytes(raw))
    assert diskcache.read_arrays("t.bin") is None


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv(diskcache.CACHE_ENV, str(blocker / "cache"))
    diskcache.write_arrays("t.bin", {"a": np.arange(3)})  # no error
    assert diskcache.read_arrays("t.bin") is None


def test_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(diskcache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert diskcache.cache_dir() == tmp_path / "range-rings"


def test_only_plain_numbers_are_kept(cache):
    with pytest.raises(TypeError, match="int64, float64 or uint8"):
        diskcache.write_arrays("t.bin", {"a": np.array(["x"], dtype=object)})
