"""A Vosk model fetched, verified and installed as ``models/<name>``.

The download streams into ``models/<name>.zip.part`` (kept after a dropped connection so the next run
resumes), the archive is checked (size, checksum, then everything ``unpack`` checks), unpacked into a hidden
folder and only then renamed into place, so a crash at any point leaves the old model or the new one, never
half of one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from voiceguide.speech.model_install.disk import (
    ensure_writable,
    file_size,
    locked_folder,
    remove_stale_work_folders,
    unlink,
)
from voiceguide.speech.model_install.errors import LocalFileError, ModelDownloadError
from voiceguide.speech.model_install.fetch import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    MODEL_SITE,
    fetch_file,
    model_name_from_url,
)
from voiceguide.speech.model_install.unpack import install_unlocked


def download_model(
    url: str,
    models_dir: Path,
    *,
    expected_size: int | None = None,
    expected_md5: str | None = None,
    expected_sha256: str | None = None,
    progress: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    report: Callable[[str], None] | None = None,
) -> Path:
    """Download the zip at ``url``, verify it and install it as ``models_dir/<name>``; return that folder.

    ``<name>`` is the archive's file name without ``.zip``. A dropped connection is resumed up to ``retries``
    times in this call, and the partial file is kept so a later call resumes too. Any verification failure
    deletes the partial file (resuming corrupt bytes would only fail again) and leaves an installed model of
    the same name untouched. ``report`` receives one-line status messages for people not watching a bar.
    Raises ModelDownloadError with a message meant for the user.
    """
    say = report or (lambda _message: None)
    name = model_name_from_url(url)
    models_dir = Path(models_dir)
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelDownloadError(
            f"Cannot create the models folder {models_dir}: {exc.strerror or exc}."
        ) from exc
    ensure_writable(models_dir)
    part = models_dir / f"{name}.zip.part"
    with locked_folder(models_dir):
        remove_stale_work_folders(models_dir, name)
        # A partial file left by an earlier run may belong to an older version of the archive; if what it
        # completes to fails verification, one fresh download is worth it before giving up.
        fresh_tries = 2 if file_size(part) else 1
        for attempt in range(fresh_tries):
            # Fetch errors keep the partial file (offline, disk full, dropped connection: all resumable).
            total = fetch_file(url, part, expected_size, progress, timeout, retries, say)
            try:
                _check_size(part, total, expected_size)
                check_checksums(part, expected_md5, expected_sha256, say)
                target = install_unlocked(part, models_dir, name, say)
            except LocalFileError:
                raise  # the archive itself is fine; once there is room, the next run installs it at once
            except ModelDownloadError as exc:
                unlink(part)  # resuming bytes that failed verification would only fail again
                if attempt + 1 < fresh_tries and exc.transient:
                    say(f"{exc} Downloading it again from the beginning.")
                    continue
                advice = "run `voiceguide models download` again" if exc.transient else f"see {MODEL_SITE}"
                raise ModelDownloadError(
                    f"{exc} The downloaded file was deleted and nothing was installed; {advice}.",
                    transient=exc.transient,
                ) from exc
            unlink(part)
            return target
    raise AssertionError("unreachable")  # pragma: no cover


def _check_size(part: Path, announced: int, expected: int | None) -> None:
    size = file_size(part)
    if expected is not None and size != expected:
        raise ModelDownloadError(
            f"The downloaded file is {size:,} bytes but the model is {expected:,} bytes, so it is "
            "incomplete or damaged."
        )
    if size != announced:
        raise ModelDownloadError(
            f"The downloaded file is {size:,} bytes but the server announced {announced:,} bytes."
        )


def check_checksums(part: Path, md5: str | None, sha256: str | None, say: Callable[[str], None]) -> None:
    wanted = {algo: value.lower() for algo, value in (("md5", md5), ("sha256", sha256)) if value}
    if not wanted:
        return
    say("Checking the file's checksum.")
    hashes = {algo: hashlib.new(algo) for algo in wanted}
    with open(part, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            for h in hashes.values():
                h.update(block)
    for algo, h in hashes.items():
        if h.hexdigest() != wanted[algo]:
            raise ModelDownloadError(
                f"The downloaded file's {algo.upper()} checksum is {h.hexdigest()}, expected "
                f"{wanted[algo]}: the file is damaged or not the official model."
            )
