"""The one way VoiceGuide writes a file and the one way it opens a file someone else gave it.

Writing: an unattended kiosk is killed, loses power and fills its disk, and people pass odd paths. So a file
is written to a unique temporary name in the target's own folder (the rename is then atomic, and two writers
never share a name), flushed to disk, and only then renamed over the target. A reader sees the old file or
the new one, never half of one. Whatever is at the path must be a regular file or nothing: a device node
(`/dev/null`), a named pipe, a symbolic link or a folder is refused with a plain message instead of being
replaced by a plain file. The new file gets the mode the umask gives (or the replaced file's mode), not the
0600 of `tempfile.mkstemp`, so other accounts can still read content they could read before. Temporary
files carry our own tag and the writer's process id, so ones left by a `kill -9` are recognised and removed
by the next write into that folder, and a live writer's are never touched.

Reading: a named pipe blocks `open()` until someone writes to it, and a device or a folder is never a
document, a recording or a settings file. So an input is checked before it is opened, opened without
blocking, checked again on the open handle (the path could have been swapped in between), and read only up
to a size limit, each problem a plain message naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_TAG = ".vgtmp-"
_ORPHAN = re.compile(r"^\..*" + re.escape(TEMP_TAG) + r"(\d+)-[0-9a-f]{8}$")

_PLAIN_ERRNO = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "it is on a read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EFBIG: "the file would be larger than this process may write (a file size limit)",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ELOOP: "the path has a symbolic link loop",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EIO: "the disk reported an input/output error",
}


class SafeFileError(OSError):
    """A file could not be written or read; str() is one plain sentence naming the path and the problem."""

    def __init__(self, message: str, path: str | Path, err: int | None = None) -> None:
        super().__init__(message)
        self.path = str(path)
        self.err = err

    def __str__(self) -> str:
        return str(self.args[0])


class UnsafeTargetError(SafeFileError):
    """Something that is not a regular file is where a file would be written."""


class FileWriteError(SafeFileError):
    """The disk refused the write (full, read-only, no permission, size limit)."""


class InputFileError(SafeFileError):
    """An input is missing, not a regular file, unreadable or too large;
    `problem` is the part after the path."""

    def __init__(self, path: str | Path, problem: str, err: int | None = None) -> None:
        super().__init__(f"{path}: {problem}.", path, err)
        self.problem = problem


def plain_reason(exc: OSError) -> str:
    """An OSError in the words a person reads ("the disk is full"),
    not "[Errno 28] No space left on device"."""
    if isinstance(exc, SafeFileError):
        return str(exc)
    return _PLAIN_ERRNO.get(exc.errno or 0, exc.strerror or str(exc) or type(exc).__name__)


def kind_of(mode: int) -> str:
    """What a non-regular file is, for messages."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# ---------------------------------------------------------------------------------------------- writing


def check_target(path: str | Path) -> os.stat_result | None:
    """The regular file at `path` (None when there is nothing); anything else there is refused."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FileWriteError(f"Cannot write {path}: {plain_reason(exc)}.", path, exc.errno) from None
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeTargetError(
            f"Refusing to write {path}: it is {kind_of(info.st_mode)}, not a regular file, "
            "and would be replaced. Give the path of a new or regular file.", path)
    return info


def clean_orphans(folder: str | Path) -> list[Path]:
    """Removes temporary files of our naming whose writer process is gone (a kill -9 or a power cut)."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = _ORPHAN.match(name)
        if not match or _process_alive(int(match.group(1))):
            continue
        path = Path(folder) / name
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(path).st_mode):
                path.unlink()
                removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # this process's own temporaries are in use (another writer, another thread)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to someone else
    return True


class PendingFile:
    """A file being written: `temp` in the target's folder until commit() renames it over `target`.

    For writers that need a path (soundfile streams a WAV by path); most code wants write_bytes/write_text or
    the `replacing` context manager instead.
    """

    def __init__(self, target: str | Path) -> None:
        self.target = Path(target)
        existing = check_target(self.target)
        folder = self.target.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileWriteError(f"Cannot write {self.target}: {plain_reason(exc)}.", target,
                                 exc.errno) from None
        clean_orphans(folder)
        stem = self.target.name[:80]
        self.temp = folder / f".{stem}{TEMP_TAG}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            # 0o666 through the umask, as any new file gets; a replaced file keeps its own mode.
            fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise FileWriteError(f"Cannot write {self.target}: {plain_reason(exc)}.", target,
                                 exc.errno) from None
        try:
            if existing is not None:
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
        finally:
            os.close(fd)
        self.done = False

    def commit(self) -> Path:
        """Flushes the temporary file to disk and renames it over the target (checked again first)."""
        try:
            fd = os.open(self.temp, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            check_target(self.target)
            os.replace(self.temp, self.target)
        except SafeFileError:
            self.discard()
            raise
        except OSError as exc:
            self.discard()
            raise self.error(exc) from None
        self.done = True
        _fsync_folder(self.target.parent)
        return self.target

    def discard(self) -> None:
        if not self.done:
            self.done = True
            with contextlib.suppress(OSError):
                self.temp.unlink()

    def error(self, exc: BaseException) -> FileWriteError:
        """The plain error for a failed write to this file (nothing was changed at the target)."""
        if isinstance(exc, FileWriteError):
            return exc
        reason = plain_reason(exc) if isinstance(exc, OSError) else self._probe(exc)
        return FileWriteError(f"Could not write {self.target}: {reason}. Nothing was changed there.",
                              self.target, getattr(exc, "errno", None))

    def _probe(self, exc: BaseException) -> str:
        """Why a library that hides errno (libsndfile says only "system error") failed:
        the folder is looked at."""
        import resource

        with contextlib.suppress(OSError):
            limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
            if limit != resource.RLIM_INFINITY and self.temp.stat().st_size >= limit - 65536:
                return _PLAIN_ERRNO[errno.EFBIG]
        with contextlib.suppress(OSError):
            fs = os.statvfs(self.target.parent)
            if fs.f_flag & os.ST_RDONLY:
                return _PLAIN_ERRNO[errno.EROFS]
            if fs.f_bavail * fs.f_frsize < 1024 * 1024:
                return _PLAIN_ERRNO[errno.ENOSPC]
        return f"the write failed ({type(exc).__name__}: {exc})"


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def replacing(target: str | Path) -> Iterator[Path]:
    """`with replacing(path) as temp:` write to temp; on a clean exit it becomes `path`, on any error it is
    removed and the target is untouched. Only the writing belongs in the block: OSError and RuntimeError
    (how soundfile reports a full disk) become a plain FileWriteError."""
    pending = PendingFile(target)
    try:
        yield pending.temp
    except SafeFileError:
        pending.discard()
        raise
    except (OSError, RuntimeError) as exc:  # RuntimeError: soundfile's LibsndfileError hides errno
        pending.discard()
        raise pending.error(exc) from None
    except BaseException:
        pending.discard()
        raise
    pending.commit()


def write_bytes(target: str | Path, data: bytes) -> Path:
    with replacing(target) as temp:
        fd = os.open(temp, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC)
        with open(fd, "wb") as handle:
            handle.write(data)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


def append_line(target: str | Path, line: str, mode: int = 0o600) -> None:
    """Appends one whole line to a log, or nothing. A log grows by appending, so the rename of a whole new
    file does not fit; the same refusals apply instead: the path is opened without following a link and
    without blocking on a pipe, must be a regular file, and a write the disk cannot take (full, quota) is
    cut back to where it began, so a reader never finds half a line. The default mode keeps a personal log
    readable by its owner only."""
    data = line.rstrip("\n").encode("utf-8") + b"\n"
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(target, flags, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            check_target(target)  # a symbolic link: the plain refusal
        raise FileWriteError(f"Cannot write {target}: {plain_reason(exc)}.", target, exc.errno) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeTargetError(f"Refusing to write {target}: it is {kind_of(info.st_mode)}, "
                                    "not a regular file.", target)
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, "short write")
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, info.st_size)
            raise FileWriteError(f"Cannot write {target}: {plain_reason(exc)}.", target, exc.errno) from None
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------- reading


def check_input(path: str | Path, what: str = "file") -> os.stat_result:
    """The stat of a regular file at `path` (following symbolic links), or a plain InputFileError."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputFileError(path, f"the {what} is a symbolic link to something that does not exist",
                                 errno.ENOENT) from None
        raise InputFileError(path, "no such file", errno.ENOENT) from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read the {what}: {plain_reason(exc)}", exc.errno) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(path, f"the {what} is {kind_of(info.st_mode)}, not a regular file")
    return info


def open_input(path: str | Path, what: str = "file", max_bytes: int | None = None) -> BinaryIO:
    """A regular file opened for reading, never blocking on a named pipe swapped in after the check."""
    check_input(path, what)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InputFileError(path, f"cannot read the {what}: {plain_reason(exc)}", exc.errno) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(path, f"the {what} is {kind_of(info.st_mode)}, not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise InputFileError(path, f"the {what} is too large ({_size(info.st_size)}; at most "
                                 f"{_size(max_bytes)})")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | Path, what: str = "file", max_bytes: int = 16 * 2**20) -> bytes:
    with open_input(path, what, max_bytes) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew after the size check
        raise InputFileError(path, f"the {what} is too large (more than {_size(max_bytes)})")
    return data


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"
