"""The models folder as installs use it: one install at a time, room checked first, work in hidden folders,
and a finished model swapped into place in one rename."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from voiceguide.speech.asr.models import MODELS_DIR_ENV
from voiceguide.speech.model_install.errors import LocalFileError, ModelDownloadError

try:  # POSIX only; without it two concurrent downloads are simply not guarded against each other.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# Bytes read and written at a time, downloading or unpacking.
CHUNK_SIZE = 64 * 1024
# A model folder's name: it can never point outside models/ or be hidden.
MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def ensure_writable(models_dir: Path) -> None:
    """Create ``models_dir`` if needed and prove a file can be written there, before any work is done.

    A read-only disk, a folder owned by someone else or a path through a file would otherwise fail deep inside
    unpacking with an OSError; here it fails first, with the folder named and the way out.
    """
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=models_dir):
            pass
    except OSError as exc:
        raise LocalFileError(_cannot_write_message(models_dir, exc), transient=False) from exc


def make_work_folder(folder: Path, prefix: str) -> Path:
    """A new hidden folder in ``folder`` (never taken for a model), or a plain error when it cannot be
    made."""
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
    except OSError as exc:
        raise LocalFileError(_cannot_write_message(folder, exc), transient=False) from exc


def _cannot_write_message(folder: Path, exc: OSError) -> str:
    return (
        f"Cannot write to the models folder {folder} ({exc.strerror or exc}). Install into a folder you can "
        f"write to with --dir DIR or the {MODELS_DIR_ENV} variable, or fix the folder's permissions."
    )


def ensure_free_space(folder: Path, needed: int) -> None:
    """Fail before writing rather than half way through when the disk cannot hold ``needed`` bytes."""
    if needed <= 0:
        return
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < needed:
        raise LocalFileError(disk_full_message(folder, needed - free))


def disk_full_message(folder: Path, needed: int | None) -> str:
    need = f" about {mb(needed)} more" if needed else " more room"
    return (
        f"The disk holding {folder} is full: the model needs{need}. Free some space (or set "
        f"{MODELS_DIR_ENV} to a folder on another disk) and run `voiceguide models download` again."
    )


@contextlib.contextmanager
def locked_folder(models_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the models folder so two downloads never write the same files at once.

    Locking the folder itself leaves no lock file behind to clean up or to be committed by mistake.
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(models_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise ModelDownloadError(
                f"Another model download or install into {models_dir} is already running; wait for it "
                "to finish."
            ) from exc
        yield
    finally:
        os.close(fd)


def remove_stale_work_folders(models_dir: Path, name: str) -> None:
    """Hidden folders a killed run left behind; safe to delete because the caller holds the folder lock."""
    for pattern in (f".{name}.unpacking-*", f".{name}.replaced-*"):
        for stale in models_dir.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


def swap_into_place(new: Path, target: Path) -> None:
    """Rename the verified folder to ``target``; an existing model is moved aside first and restored on error.

    Renames within one folder are atomic, so ``target`` is always either the old model, the new one, or
    (for the instant between the two renames) absent, never a mixture.
    """
    aside: Path | None = None
    if target.exists():
        aside = make_work_folder(target.parent, f".{target.name}.replaced-")
        try:
            os.rename(target, aside / "old")
        except OSError as exc:
            shutil.rmtree(aside, ignore_errors=True)
            raise LocalFileError(f"Cannot replace the model in {target}: {exc.strerror or exc}.") from exc
    try:
        os.rename(new, target)
    except OSError as exc:
        if aside is not None:
            os.rename(aside / "old", target)
            shutil.rmtree(aside, ignore_errors=True)
        raise LocalFileError(f"Cannot move the model into {target}: {exc.strerror or exc}.") from exc
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def mb(n: int | None) -> str:
    return f"{(n or 0) / 1_000_000:.1f} MB"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
