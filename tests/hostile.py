"""Helpers for the hostile-input tests: run the real `voiceguide` command in a private environment, check that
what a person sees is plain words (no traceback, no numpy warning) with the right exit code, look for
anything half-written, and mount the small real file systems (full, read-only) the disk cases need."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.sessions import private_env

QUESTION_WAV = REPO / "tests" / "audio" / "001-what-are-the-symptoms-of-a-blood-clot-be.wav"
OTHER_QUESTION_WAV = REPO / "tests" / "audio" / "004-what-causes-a-blood-clot-behind-the-knee.wav"


def cli_env(root: Path, **extra: str) -> dict[str, str]:
    env = private_env(root)
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def run_cli(root: Path, *args: str, timeout: float = 60, env: dict[str, str] | None = None,
            input: str | bytes | None = None, **kwargs) -> subprocess.CompletedProcess:
    """`voiceguide ARGS` as a new process with its own HOME, TMPDIR and settings folder under `root`. The
    timeout is the "ends within seconds" of the issue: a hang fails the test instead of stalling the run."""
    return subprocess.run([sys.executable, "-m", "voiceguide", *args], capture_output=True, timeout=timeout,
                          env=env or cli_env(root), cwd=root, input=input,
                          stdin=None if input is not None else subprocess.DEVNULL,
                          text=not isinstance(input, bytes), **kwargs)


def assert_plain(proc: subprocess.CompletedProcess, code: int, *words: str) -> str:
    """The exit code, no traceback or raw warning, and each of `words` in what was printed (any case)."""
    out = proc.stdout + proc.stderr
    if isinstance(out, bytes):
        out = out.decode("utf-8", "replace")
    assert proc.returncode == code, f"exit {proc.returncode}, wanted {code}:\n{out}"
    for bad in ("Traceback", "RuntimeWarning", "Exception ignored", "Error:\n"):
        assert bad not in out, f"{bad!r} printed:\n{out}"
    for word in words:
        assert word.lower() in out.lower(), f"{word!r} not said:\n{out}"
    return out


def leftovers(folder: Path) -> list[str]:
    """Temporary or partial files anywhere under `folder`."""
    found = []
    for path in folder.rglob("*"):
        name = path.name
        if ".vgtmp-" in name or name.endswith((".partial", ".tmp")):
            found.append(str(path.relative_to(folder)))
    return found


def make_special(path: Path, kind: str, *, link_to: Path | None = None) -> None:
    """A non-regular file of `kind`: fifo, symlink, folder or device (a char device like /dev/null)."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        assert link_to is not None
        path.symlink_to(link_to)
    elif kind == "folder":
        path.mkdir()
    elif kind == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root (CAP_MKNOD)")
    else:
        raise ValueError(kind)


def same_kind(path: Path, kind: str) -> bool:
    mode = os.lstat(path).st_mode
    return {"fifo": stat.S_ISFIFO, "symlink": stat.S_ISLNK, "folder": stat.S_ISDIR,
            "device": stat.S_ISCHR}[kind](mode)


@contextmanager
def mounted_tmpfs(where: Path, *, size: str = "64k", read_only: bool = False) -> Iterator[Path]:
    """A real, small file system: full after `size`, or read-only (which root cannot write either, unlike a
    folder without write permission). Skips when mounting is not allowed here."""
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path, leave_bytes: int) -> None:
    """Fills the file system of `folder` until about `leave_bytes` are free."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    (folder / "filler").write_bytes(b"\0" * max(0, free - leave_bytes))
