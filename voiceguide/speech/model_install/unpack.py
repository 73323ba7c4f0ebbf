"""A Vosk model archive checked (paths, size, CRCs, the files Vosk needs) and unpacked into a hidden folder
before it replaces anything."""

from __future__ import annotations

import contextlib
import errno
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from voiceguide.speech.asr.model_folders import missing_model_files
from voiceguide.speech.model_install.disk import (
    CHUNK_SIZE,
    MODEL_NAME,
    disk_full_message,
    ensure_free_space,
    ensure_writable,
    file_size,
    locked_folder,
    make_work_folder,
    remove_stale_work_folders,
    swap_into_place,
)
from voiceguide.speech.model_install.errors import LocalFileError, ModelDownloadError

# Guards against a hostile or broken archive filling the disk. Model files are numbers that compress little:
# real archives unpack to 1.5-3 times their size (the small English model: 41 MB -> 68 MB), while a zip bomb
# unpacks to hundreds of times its size (2 MB -> 2 GiB). An archive may unpack to MAX_EXPANSION times its own
# size, or SMALL_ARCHIVE_ALLOWANCE for a tiny one, and never more than MAX_UNPACKED_BYTES; the sizes the zip
# declares are checked before anything is unpacked, and the bytes actually written are counted against the
# same budget while unpacking, in case the declared sizes lie.
MAX_UNPACKED_BYTES = 8 * 1024**3
MAX_EXPANSION = 10
SMALL_ARCHIVE_ALLOWANCE = 64 * 1024**2
MAX_MEMBERS = 100_000


def install_model_zip(
    zip_path: Path, models_dir: Path, *, name: str | None = None, report: Callable[[str], None] | None = None
) -> Path:
    """Verify a model archive and install it as ``models_dir/<name>``, replacing an old copy only at the end.

    Usable on its own for an archive copied over by hand (for a kiosk that never goes online).
    """
    say = report or (lambda _message: None)
    zip_path, models_dir = Path(zip_path), Path(models_dir)
    name = name or zip_path.name.removesuffix(".part").removesuffix(".zip")
    if not MODEL_NAME.match(name):
        raise ModelDownloadError(f"{name!r} is not a usable model folder name.")
    if not zip_path.is_file():
        raise ModelDownloadError(f"There is no file {zip_path}.")
    ensure_writable(models_dir)
    with locked_folder(models_dir):
        remove_stale_work_folders(models_dir, name)
        return install_unlocked(zip_path, models_dir, name, say)


def install_unlocked(zip_path: Path, models_dir: Path, name: str, say: Callable[[str], None]) -> Path:
    say("Checking the archive.")
    target = models_dir / name
    with _open_zip(zip_path) as archive:
        members = _checked_members(archive, zip_path)
        declared = sum(m.file_size for m in members)
        ensure_free_space(models_dir, declared)
        work = make_work_folder(models_dir, f".{name}.unpacking-")
        try:
            say("Unpacking.")
            _extract(archive, members, work, zip_path, budget=declared)
            root = _model_root(work)
            missing = missing_model_files(root)
            if missing:
                raise ModelDownloadError(
                    f"{zip_path.name} is not a Vosk model: it lacks {', '.join(missing)}.",
                    transient=False,
                )
            swap_into_place(root, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    say(f"Installed {name} in {target}.")
    return target


@contextlib.contextmanager
def _open_zip(zip_path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ModelDownloadError(
            f"{zip_path.name} is not a complete zip archive ({exc}); the download is truncated or damaged."
        ) from exc
    with archive:
        yield archive


def _checked_members(archive: zipfile.ZipFile, zip_path: Path) -> list[zipfile.ZipInfo]:
    """Every member, after refusing paths that leave the folder, archive bombs and CRC errors."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ModelDownloadError(
            f"{zip_path.name} holds {len(members):,} files, more than a model ever has; refusing it.",
            transient=False,
        )
    declared = sum(m.file_size for m in members)
    budget = unpack_budget(file_size(zip_path))
    if declared > budget:
        raise ModelDownloadError(
            f"{zip_path.name} would unpack to {declared:,} bytes from {file_size(zip_path):,}, far more than "
            f"a model archive of that size ever holds (at most {budget:,}); it looks like a zip bomb, so it "
            "was not unpacked.",
            transient=False,
        )
    for member in members:
        if not _safe_member_name(member.filename):
            raise ModelDownloadError(
                f"{zip_path.name} contains the unsafe path {member.filename!r} that would land outside the "
                "models folder; refusing to unpack it.",
                transient=False,
            )
    try:
        bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ModelDownloadError(f"{zip_path.name} is damaged ({exc}).") from exc
    if bad is not None:
        raise ModelDownloadError(f"{zip_path.name} is damaged: {bad} fails its checksum.")
    return members


def _safe_member_name(filename: str) -> bool:
    if not filename or "\x00" in filename or "\\" in filename:
        return False
    if filename.startswith("/") or re.match(r"^[A-Za-z]:", filename):
        return False
    return ".." not in filename.split("/")


def unpack_budget(archive_size: int) -> int:
    """The most bytes an archive of ``archive_size`` bytes may unpack to (see MAX_EXPANSION)."""
    return min(MAX_UNPACKED_BYTES, max(MAX_EXPANSION * archive_size, SMALL_ARCHIVE_ALLOWANCE))


def _extract(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], work: Path, zip_path: Path, *, budget: int
) -> None:
    """Unpack ``members`` into ``work``, writing at most ``budget`` bytes in all and each member's declared
    size.

    The count is of bytes actually written, so an archive whose headers understate what it holds is stopped
    when it passes what it declared, not when the disk is full.
    """
    base = work.resolve()
    written = 0
    try:
        for member in members:
            destination = (base / member.filename).resolve()
            if destination != base and base not in destination.parents:
                raise ModelDownloadError(
                    f"{zip_path.name} contains the unsafe path {member.filename!r}.", transient=False
                )
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            allowed = min(member.file_size, budget - written)
            with archive.open(member) as source, open(destination, "wb") as out:
                while chunk := source.read(CHUNK_SIZE):
                    if len(chunk) > allowed:
                        raise ModelDownloadError(
                            f"{zip_path.name} unpacks to more than it declares ({member.filename} is larger "
                            "than its header says); it looks like a zip bomb, so it was not installed.",
                            transient=False,
                        )
                    out.write(chunk)
                    allowed -= len(chunk)
                    written += len(chunk)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise LocalFileError(disk_full_message(work.parent, None)) from exc
        raise LocalFileError(
            f"Cannot unpack {zip_path.name} into {work.parent}: {exc.strerror or exc}."
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelDownloadError(f"{zip_path.name} is damaged ({exc}).") from exc


def _model_root(work: Path) -> Path:
    """The model folder inside the unpacked tree: the archive's single top folder, or the tree itself."""
    if not missing_model_files(work):
        return work
    entries = [p for p in work.iterdir() if p.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return work
