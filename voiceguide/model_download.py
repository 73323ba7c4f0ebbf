"""Fetch, verify and install a Vosk model, and the `voiceguide models` command.

This module and whisper_download.py (which installs Whisper models with the helpers here) are the only code in
VoiceGuide that touches the network.

Everything else runs offline, so this module is built to fail in words a person can act on and to never leave
something behind that the recognizer could mistake for a model. The download streams into
``models/<name>.zip.part`` (kept after a dropped connection so the next run resumes with an HTTP Range
request), the archive is checked (size, checksum, CRCs, no paths escaping the folder, the files Vosk needs),
unpacked into a hidden temporary folder inside ``models/`` and only then renamed into place. Hidden (dot)
folders are never treated as models, so a crash at any point leaves the old model or the new one, never half
of one.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import os
import re
import shutil
import socket
import ssl
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from tqdm import tqdm

from voiceguide.asr.model_folders import missing_model_files
from voiceguide.asr.models import MODELS_DIR_ENV
from voiceguide.model_catalogue import OFFICIAL_MODEL

try:  # POSIX only; without it two concurrent downloads are simply not guarded against each other.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


MODEL_SITE = "https://alphacephei.com/vosk/models"


CHUNK_SIZE = 64 * 1024
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
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

_USER_AGENT = "VoiceGuide-model-download/1 (+https://alphacephei.com/vosk/models)"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ModelDownloadError(Exception):
    """A failure explained for the person running the command: what went wrong and what to do next.

    ``transient`` says whether fetching the file again could help (a damaged transfer) or not (an archive that
    is simply not a Vosk model), so the advice attached to the message is never "try again" in vain.
    """

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


class LocalFileError(ModelDownloadError):
    """This computer could not store or move verified files (disk full, permissions): keep the download."""


class _Interrupted(Exception):
    """The connection ended early; the ``.part`` file holds what arrived and can be resumed."""


class _Restart(Exception):
    """What is on disk cannot be continued (server changed, range refused); start from byte 0."""


# --------------------------------------------------------------------------------------------- downloading


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
        fresh_tries = 2 if _size(part) else 1
        for attempt in range(fresh_tries):
            # Fetch errors keep the partial file (offline, disk full, dropped connection: all resumable).
            total = fetch_file(url, part, expected_size, progress, timeout, retries, say)
            try:
                _check_size(part, total, expected_size)
                check_checksums(part, expected_md5, expected_sha256, say)
                target = _install_unlocked(part, models_dir, name, say)
            except LocalFileError:
                raise  # the archive itself is fine; once there is room, the next run installs it at once
            except ModelDownloadError as exc:
                _unlink(part)  # resuming bytes that failed verification would only fail again
                if attempt + 1 < fresh_tries and exc.transient:
                    say(f"{exc} Downloading it again from the beginning.")
                    continue
                advice = "run `voiceguide models download` again" if exc.transient else f"see {MODEL_SITE}"
                raise ModelDownloadError(
                    f"{exc} The downloaded file was deleted and nothing was installed; {advice}.",
                    transient=exc.transient,
                ) from exc
            _unlink(part)
            return target
    raise AssertionError("unreachable")  # pragma: no cover


def model_name_from_url(url: str) -> str:
    """The install folder name, from the archive's file name; refuses names that could escape ``models/``."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise ModelDownloadError(
            f"Cannot download {url!r}: only http:// and https:// addresses are supported."
        )
    base = urllib.parse.unquote(parsed.path.rsplit("/", 1)[-1])
    name = base[: -len(".zip")] if base.lower().endswith(".zip") else base
    if not _NAME_RE.match(name):
        raise ModelDownloadError(
            f"Cannot tell the model's name from {url!r}: the address should end in a file name like "
            f"{OFFICIAL_MODEL.name}.zip."
        )
    return name


def fetch_file(
    url: str,
    part: Path,
    expected_size: int | None,
    progress: bool,
    timeout: float,
    retries: int,
    say: Callable[[str], None],
    site: str = MODEL_SITE,
) -> int:
    """Bring ``part`` to the complete file, resuming after drops; return the size the server announced.

    ``site`` is where a person can look for the file when the address fails (named in the messages).
    """
    attempts_left = retries
    restarted = False
    while True:
        try:
            return _fetch_once(url, part, expected_size, progress, timeout, say, site)
        except _Restart as why:
            if restarted:
                raise ModelDownloadError(
                    f"The download from {url} could not be resumed or restarted cleanly ({why}). "
                    "Run `voiceguide models download` again."
                ) from why
            restarted = True
            say(f"Starting the download again from the beginning ({why}).")
            _unlink(part)
        except _Interrupted as why:
            have = _size(part)
            if attempts_left <= 0:
                raise ModelDownloadError(
                    f"The download was interrupted ({why}) after {_mb(have)}. What arrived is kept in "
                    f"{part}; run `voiceguide models download` again to continue from there."
                ) from why
            attempts_left -= 1
            say(f"Connection lost ({why}) after {_mb(have)}; resuming.")


def _fetch_once(
    url: str,
    part: Path,
    expected_size: int | None,
    progress: bool,
    timeout: float,
    say: Callable[[str], None],
    site: str,
) -> int:
    have = _size(part)
    if expected_size is not None and have > expected_size:
        raise _Restart("the partial file is larger than the model")
    headers = {"User-Agent": _USER_AGENT, "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            if exc.code == 416 and have:
                total = _total_from_content_range(exc.headers.get("Content-Range"))
                if total is not None and total == have:
                    return total  # a previous run got every byte but stopped before installing
                raise _Restart("the server refused to continue the partial file") from exc
            raise ModelDownloadError(http_error_message(url, exc.code, exc.reason, site)) from exc
    except urllib.error.URLError as exc:
        raise ModelDownloadError(connection_error_message(url, exc.reason)) from exc
    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
        raise ModelDownloadError(connection_error_message(url, exc)) from exc

    with response:
        if have and response.status == 206:
            start, total = _parse_content_range(response.headers.get("Content-Range"))
            if start != have:
                raise _Restart(f"the server resumed at byte {start}, not {have}")
            mode = "ab"
            say(f"Resuming the download at {_mb(have)}.")
        elif response.status == 200:
            if have:
                say("The server cannot resume downloads; starting again from the beginning.")
            have = 0
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            mode = "wb"
        else:
            raise ModelDownloadError(http_error_message(url, response.status, response.reason, site))
        if expected_size is not None and total is not None and total != expected_size:
            _unlink(part)
            raise ModelDownloadError(
                f"The server offers {total:,} bytes for {url}, but the model should be {expected_size:,} "
                "bytes. The file on the site may have changed or be damaged; check "
                f"{site} and try again later."
            )
        ensure_free_space(part.parent, (total or 0) - have)
        _stream(response, part, mode, have, total, progress, url)
    return total if total is not None else _size(part)


def _stream(
    response: http.client.HTTPResponse,
    part: Path,
    mode: str,
    have: int,
    total: int | None,
    progress: bool,
    url: str,
) -> None:
    """Copy the body to ``part``; a short body is an interruption, not a finished file."""
    show = progress and sys.stderr.isatty()
    received = have
    try:
        with (
            open(part, mode) as out,
            tqdm(
                total=total,
                initial=have,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=model_name_from_url(url),
                disable=not show,
                file=sys.stderr,
                leave=False,
            ) as bar,
        ):
            while True:
                try:
                    # read1: whatever has arrived, so a stall loses nothing already received.
                    chunk = response.read1(CHUNK_SIZE)
                except (TimeoutError, ConnectionError, http.client.HTTPException, ssl.SSLError) as exc:
                    raise _Interrupted(_describe(exc)) from exc
                except OSError as exc:
                    raise _Interrupted(_describe(exc)) from exc
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ModelDownloadError(_disk_full_message(part.parent, (total or received) - received)) from exc
        raise ModelDownloadError(f"Cannot write {part}: {exc.strerror or exc}.") from exc
    if total is not None and received < total:
        raise _Interrupted(f"the server sent {received:,} of {total:,} bytes")


# -------------------------------------------------------------------------------------------- verification


def _check_size(part: Path, announced: int, expected: int | None) -> None:
    size = _size(part)
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


def install_model_zip(
    zip_path: Path, models_dir: Path, *, name: str | None = None, report: Callable[[str], None] | None = None
) -> Path:
    """Verify a model archive and install it as ``models_dir/<name>``, replacing an old copy only at the end.

    Usable on its own for an archive copied over by hand (for a kiosk that never goes online).
    """
    say = report or (lambda _message: None)
    zip_path, models_dir = Path(zip_path), Path(models_dir)
    name = name or zip_path.name.removesuffix(".part").removesuffix(".zip")
    if not _NAME_RE.match(name):
        raise ModelDownloadError(f"{name!r} is not a usable model folder name.")
    if not zip_path.is_file():
        raise ModelDownloadError(f"There is no file {zip_path}.")
    ensure_writable(models_dir)
    with locked_folder(models_dir):
        remove_stale_work_folders(models_dir, name)
        return _install_unlocked(zip_path, models_dir, name, say)


def _install_unlocked(zip_path: Path, models_dir: Path, name: str, say: Callable[[str], None]) -> Path:
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


def remove_stale_work_folders(models_dir: Path, name: str) -> None:
    """Hidden folders a killed run left behind; safe to delete because the caller holds the folder lock."""
    for pattern in (f".{name}.unpacking-*", f".{name}.replaced-*"):
        for stale in models_dir.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


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
    budget = unpack_budget(_size(zip_path))
    if declared > budget:
        raise ModelDownloadError(
            f"{zip_path.name} would unpack to {declared:,} bytes from {_size(zip_path):,}, far more than a "
            f"model archive of that size ever holds (at most {budget:,}); it looks like a zip bomb, so it was "
            "not unpacked.",
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
    """Unpack ``members`` into ``work``, writing at most ``budget`` bytes in all and each member's declared size.

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
            raise LocalFileError(_disk_full_message(work.parent, None)) from exc
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


# --------------------------------------------------------------------------------------- messages, helpers


def connection_error_message(url: str, reason: object) -> str:
    host = urllib.parse.urlparse(url).hostname or url
    if isinstance(reason, ssl.SSLError):
        return (
            f"Could not make a secure connection to {host} ({_describe(reason)}). Check the "
            "computer's date and time and any proxy, then run `voiceguide models download` again. "
            "VoiceGuide keeps working offline with its embedded recognizer meanwhile."
        )
    return (
        f"No internet connection: could not reach {host} ({_describe(reason)}). VoiceGuide keeps working "
        "offline with its embedded recognizer; connect to the internet and run `voiceguide models download` "
        "again (or fetch the zip on another computer and install it with "
        "`voiceguide models download --file ZIP`)."
    )


def http_error_message(url: str, code: int, reason: str, site: str = MODEL_SITE) -> str:
    if code == 404:
        hint = (
            f"the model may have moved; find it on {site} and pass its address with --url."
            if site == MODEL_SITE
            else f"the file may have moved; check {site}."
        )
    elif code in (401, 403, 407):
        hint = "access was refused; a proxy or firewall may be blocking it."
    elif code >= 500 or code == 429:
        hint = "the model site has a problem or is busy; try again later."
    else:
        hint = "run `voiceguide models download` again later."
    return f"The model site answered {code} {reason} for {url}: {hint}"


def _disk_full_message(folder: Path, needed: int | None) -> str:
    need = f" about {_mb(needed)} more" if needed else " more room"
    return (
        f"The disk holding {folder} is full: the model needs{need}. Free some space (or set "
        f"{MODELS_DIR_ENV} to a folder on another disk) and run `voiceguide models download` again."
    )


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
    """A new hidden folder in ``folder`` (never taken for a model), or a plain error when it cannot be made."""
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
        raise LocalFileError(_disk_full_message(folder, needed - free))


def _describe(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "the name could not be looked up"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _parse_content_range(value: str | None) -> tuple[int, int | None]:
    match = re.match(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", value or "")
    if not match:
        raise _Restart(f"unusable Content-Range {value!r}")
    total = None if match.group(3) == "*" else int(match.group(3))
    return int(match.group(1)), total


def _total_from_content_range(value: str | None) -> int | None:
    match = re.match(r"^\s*bytes\s+\*/(\d+)\s*$", value or "")
    return int(match.group(1)) if match else None


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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _mb(n: int | None) -> str:
    return f"{(n or 0) / 1_000_000:.1f} MB"


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
