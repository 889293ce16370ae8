"""The C allocator set up for one short command: freed memory is kept for reuse.

A report of 1,000 sites makes and drops arrays of a few megabytes hundreds of
times (ring vertices, GEOS's overlay graphs). glibc's malloc serves blocks of
128 kB and more straight from the kernel (``mmap``) and hands them back when
freed, so every new array starts on fresh pages, each a page fault: about
45,000 of them, 0.1–0.15 s of system time in a 0.8 s report on the 2-core VM
(``/usr/bin/time``, ``MALLOC_*`` variables tried one by one). Kept in one heap
(blocks up to 32 MB from the heap, freed memory not trimmed, one arena for the
worker threads too), the report faults 18,000 times and takes about 0.15 s less
CPU; its peak memory is lower, not higher (92 against 102 MB).

Only the command line asks for it (:func:`coverage.cli.main` run as a program):
a long-lived server such as the app's should give memory back. Elsewhere than
glibc (macOS, musl, Windows) nothing is changed.
"""

from __future__ import annotations

# mallopt(3) parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

KEEP_FREED: tuple[tuple[int, int], ...] = (
    (_M_MMAP_THRESHOLD, 32 * 1024 * 1024),  # glibc's upper limit on 64-bit systems
    (_M_TRIM_THRESHOLD, 1 << 30),
    (_M_ARENA_MAX, 1),  # threads share the main heap, and the memory it keeps
)
"""The settings :func:`keep_freed_memory` makes: (mallopt parameter, value)."""


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory for reuse (see the module); True if it took all.

    Call it before any worker thread starts. A C library without ``mallopt``, or one
    that refuses a setting, leaves the allocator as it was for that setting.
    """
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return all([mallopt(param, value) == 1 for param, value in KEEP_FREED])
