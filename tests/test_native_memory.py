"""The allocator setting the live loop runs with (voiceguide/live/native_memory.py), checked on glibc itself:
threads that allocate at the same time share two malloc arenas instead of getting one each, which is what
spread a 400-turn soak's leftovers over 9 arenas and made it grow by 17.6 MB in steps."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.sessions import REPO

# A fresh interpreter for each count: arenas, once made, last as long as the process.
_SCRIPT = """
import ctypes, os, re, sys, tempfile, threading
from voiceguide.live.native_memory import tune_for_long_run

if sys.argv[1] == "tuned" and not tune_for_long_run():
    print("skip")
    sys.exit(0)
all_started = threading.Barrier(6)
held = []

def worker():
    all_started.wait()  # all alive at once, so no thread inherits the arena of one that ended
    held.append([bytearray(4096) for _ in range(64)])  # above pymalloc's 512 bytes: from malloc
    all_started.wait()

threads = [threading.Thread(target=worker) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.fclose.argtypes = [ctypes.c_void_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "malloc.xml")
    handle = libc.fopen(path.encode(), b"w")
    libc.malloc_info(0, handle)
    libc.fclose(handle)
    print(len(re.findall("<heap nr=", open(path).read())))
"""


def _arenas(mode: str) -> str:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, mode], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.strip()


def test_threads_that_allocate_at_once_share_two_arenas() -> None:
    tuned = _arenas("tuned")
    if tuned == "skip":
        pytest.skip("no glibc mallopt here")
    assert int(_arenas("default")) > 2  # glibc's default: an arena for each thread
    assert int(tuned) <= 2
