"""The C allocator kept from handing freed memory back (coverage.allocator), in fresh processes."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

# Make, fill and drop an 8 MB array, then do it again: the page faults of the second round.
_SECOND_ROUND_FAULTS = """
import resource, sys
import numpy as np
if sys.argv[1] == "tuned":
    from coverage.allocator import keep_freed_memory
    assert keep_freed_memory()
def fill():
    a = np.empty(1 << 20)  # 8 MB, above malloc's default mmap threshold
    a.fill(1.0)
    del a
fill()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
fill()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""

PAGES_8_MB = (8 << 20) // 4096


def _second_round_faults(mode: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", _SECOND_ROUND_FAULTS, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(proc.stdout)


def test_freed_memory_is_reused_without_new_page_faults():
    # By default the array's pages go back to the system and come back as new faults;
    # tuned, the second array reuses the first one's pages.
    # (By default about half the pages fault again here: the kernel maps some ahead.)
    assert _second_round_faults("default") > PAGES_8_MB // 8
    assert _second_round_faults("tuned") < PAGES_8_MB // 40


def test_only_the_program_tunes_the_allocator(monkeypatch, tmp_path):
    """main() run as the program tunes it (and a report then ends the process at once);
    main(argv) called in a process (tests, the app) does neither."""
    from coverage import allocator, cli

    calls: list[str] = []
    monkeypatch.setattr(allocator, "keep_freed_memory", lambda: calls.append("tuned") or True)
    monkeypatch.setattr(cli, "_end_process", lambda code: calls.append(f"ended {code}"))
    bad = str(tmp_path / "missing.json")
    assert cli.main(["report", bad]) == 2
    assert calls == []
    monkeypatch.setattr(sys, "argv", ["range-rings", "report", bad])
    assert cli.main() == 2
    assert calls == ["tuned", "ended 2"]
