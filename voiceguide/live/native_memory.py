"""Keeps a process that runs for weeks (the kiosk's live loop) from spreading its native memory over many
glibc arenas.

Each thread that allocates may get a malloc arena of its own (up to 8 per core), and the loop's worker
threads (decoder, player, output) are new for every session the kiosk's retry loop starts. Measured over a
240-turn soak: with glibc's default the process used 9 arenas holding ~98 MB of free memory between them and
held 229-231 MB after malloc_trim; with two arenas, 69-75 MB free and 212-213 MB held, for the same 51 MB of
live allocations and the same CPU time per block. Two arenas are plenty for a loop whose threads mostly wait
on one another.

A fixed mmap threshold (128 KiB) kept the heaps smaller still, but made every Whisper decode map and unmap
its working buffers: 56 % more CPU per transcription, measured. That is not worth a few MB on a kiosk that
must answer quickly, so glibc keeps its dynamic threshold.

glibc only (Linux); elsewhere this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # <malloc.h>
ARENA_MAX = 2


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):  # not glibc (musl has no mallopt), or no C library to load
        return None
    return libc


@functools.cache
def tune_for_long_run() -> bool:
    """Caps the number of malloc arenas for the rest of the process (once; True if applied). Best called
    before the models load, so their threads share the capped arenas too."""
    libc = _libc()
    if libc is None:
        return False
    applied = libc.mallopt(M_ARENA_MAX, ARENA_MAX) == 1
    if not applied:
        log.debug("mallopt refused the arena cap")
    return applied

