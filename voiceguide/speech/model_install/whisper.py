"""Fetch, verify and install a Whisper model in CTranslate2 format, file by file, as ``models/<folder>``.

A Whisper model is a folder of separate files (model.bin, config.json, tokenizer.json, vocabulary.txt), not
one archive, so this is the Vosk installer's promise kept per file: each file streams into
``models/.<folder>.download/<file>.part`` (a hidden folder, never taken for a model, kept after a dropped
connection so the next run resumes with a Range request), must have the size and SHA-256 the catalogue pins,
and the SHA-256 the server declares (Hugging Face sends it with large files in X-Linked-ETag) where the
catalogue has none. A complete folder must then load in faster-whisper on the CPU, because a file can match
its checksum and still be a conversion this CTranslate2 cannot read; only then is the hidden folder renamed
into place. The network is used here and by the Vosk installer only.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from voiceguide.speech.asr.model_folders import whisper_load_problem, whisper_model_problem
from voiceguide.speech.model_catalogue import ModelFile, WhisperSource
from voiceguide.speech.model_install.disk import (
    MODEL_NAME,
    ensure_free_space,
    ensure_writable,
    file_size,
    locked_folder,
    make_work_folder,
    mb,
    remove_stale_work_folders,
    swap_into_place,
    unlink,
)
from voiceguide.speech.model_install.errors import LocalFileError, ModelDownloadError
from voiceguide.speech.model_install.fetch import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    connection_error_message,
    fetch_file,
    http_error_message,
)

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Declared:
    """What the server says about a file before sending it: its size and, when it tells, its SHA-256."""

    size: int | None
    sha256: str | None


def download_folder(model: WhisperSource, models_dir: Path) -> Path:
    """Where ``model``'s files gather until the whole folder is verified (hidden, so never used as a
    model)."""
    return Path(models_dir) / f".{model.folder}.download"


def download_whisper_model(
    model: WhisperSource,
    models_dir: Path,
    *,
    progress: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    report: Callable[[str], None] | None = None,
) -> Path:
    """Download, verify and install ``model`` as ``models_dir/<folder>``; return that folder.

    An installed model of the same name is replaced only by one that passed every check. Raises
    ModelDownloadError with a message meant for the person running the command.
    """
    say = report or (lambda _message: None)
    models_dir = Path(models_dir)
    ensure_writable(models_dir)
    site = model.page or "the model's page"
    with locked_folder(models_dir):
        remove_stale_work_folders(models_dir, model.folder)
        work = download_folder(model, models_dir)
        # Asked first, so an offline run or a changed file upstream leaves nothing behind.
        plans = [(f, _expected(f, probe(f.url, timeout, site), site)) for f in model.files]
        try:
            work.mkdir(exist_ok=True)
        except OSError as exc:
            raise LocalFileError(f"Cannot create {work}: {exc.strerror or exc}.") from exc
        ensure_free_space(models_dir, sum(max(0, size - _have(work, f)) for f, (size, _sha) in plans))
        for file, (size, sha256) in plans:
            _fetch_verified(file, work, size, sha256, progress, timeout, retries, say, site)
        say("Checking that the model loads.")
        problem = whisper_load_problem(work)
        if problem:
            shutil.rmtree(work, ignore_errors=True)
            raise ModelDownloadError(
                f"The downloaded {model.name} files match their checksums but do not make a usable model "
                f"({problem}). They were deleted and nothing was installed; see {site}.",
                transient=False,
            )
        target = models_dir / model.folder
        swap_into_place(work, target)
    say(f"Installed {model.name} in {target}.")
    return target


def install_whisper_folder(
    source: Path,
    models_dir: Path,
    *,
    model: WhisperSource | None = None,
    report: Callable[[str], None] | None = None,
) -> Path:
    """Copy a Whisper model folder fetched elsewhere into ``models_dir``, checked like a download.

    With ``model`` (``models download NAME --file DIR``) every file must have the catalogue's size and
    SHA-256 and it installs as the catalogue's folder name; without, it installs under the folder's own name
    and the load check is the proof. The copy is made in a hidden folder and renamed into place, so the source
    is never changed and a failed copy leaves nothing behind.
    """
    say = report or (lambda _message: None)
    source, models_dir = Path(source), Path(models_dir)
    problem = whisper_model_problem(source)
    if problem:
        raise ModelDownloadError(f"Cannot install {source}: {problem}.", transient=False)
    name = model.folder if model else source.name
    if not MODEL_NAME.match(name):
        raise ModelDownloadError(f"{name!r} is not a usable model folder name; rename the folder.")
    files = [p for p in sorted(source.iterdir()) if p.is_file() and not p.name.startswith(".")]
    ensure_writable(models_dir)
    with locked_folder(models_dir):
        remove_stale_work_folders(models_dir, name)
        ensure_free_space(models_dir, sum(p.stat().st_size for p in files))
        work = make_work_folder(models_dir, f".{name}.unpacking-")
        try:
            say(f"Copying {source}.")
            for path in files:
                try:
                    shutil.copyfile(path, work / path.name)
                except OSError as exc:
                    raise LocalFileError(
                        f"Cannot copy {path} into {models_dir}: {exc.strerror or exc}."
                    ) from exc
            if model is not None:
                for file in model.files:
                    copied = work / file.name
                    if not copied.is_file():
                        raise ModelDownloadError(f"{source} lacks {file.name}, which {model.name} has.")
                    _check_file(copied, file.size, file.sha256, f"{source / file.name}")
            say("Checking that the model loads.")
            problem = whisper_load_problem(work)
            if problem:
                raise ModelDownloadError(f"Cannot install {source}: {problem}.", transient=False)
            target = models_dir / name
            swap_into_place(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    say(f"Installed {name} in {target}.")
    return target


# ------------------------------------------------------------------------------------------- what to expect


class _RecordRedirects(urllib.request.HTTPRedirectHandler):
    """Keeps each redirect's headers (Hugging Face puts X-Linked-ETag and X-Linked-Size on the redirect)."""

    def __init__(self) -> None:
        self.hops: list[Message] = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        self.hops.append(headers)
        follow = super().redirect_request(req, fp, code, msg, headers, newurl)
        if follow is not None:
            # urllib turns a redirected HEAD into a GET, which would start sending the whole file.
            follow.method = req.get_method()
        return follow


def probe(url: str, timeout: float, site: str) -> Declared:
    """Ask the server (HEAD, following redirects) what it will send for ``url``; nothing is downloaded."""
    recorder = _RecordRedirects()
    opener = urllib.request.build_opener(recorder)
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            hops = [*recorder.hops, response.headers]
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            raise ModelDownloadError(http_error_message(url, exc.code, exc.reason, site)) from exc
    except urllib.error.URLError as exc:
        raise ModelDownloadError(connection_error_message(url, exc.reason)) from exc
    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
        raise ModelDownloadError(connection_error_message(url, exc)) from exc
    return Declared(size=_declared_size(hops), sha256=_declared_sha256(hops))


def _declared_sha256(hops: list[Message]) -> str | None:
    """X-Linked-ETag on any hop, else an ETag that is a SHA-256 (a git blob id of 40 digits is not)."""
    for header in ("X-Linked-ETag", "ETag"):
        for headers in hops:
            value = (headers.get(header) or "").strip().removeprefix("W/").strip('"').lower()
            if _HEX64.match(value):
                return value
    return None


def _declared_size(hops: list[Message]) -> int | None:
    for headers in hops:
        linked = headers.get("X-Linked-Size")
        if linked and linked.strip().isdigit():
            return int(linked)
    length = hops[-1].get("Content-Length")
    return int(length) if length and length.strip().isdigit() else None


def _expected(file: ModelFile, declared: Declared, site: str) -> tuple[int, str | None]:
    """The size and SHA-256 the file must have: the catalogue's, which the server must agree with.

    A disagreement is refused before downloading: the file upstream has changed, and the catalogue (pinned to
    a revision) or the server is wrong either way. Where the catalogue has no value, the server's is used; the
    weights themselves are never accepted without some SHA-256 to check.
    """
    for what, pinned, offered in (
        ("size", file.size, declared.size),
        ("SHA-256", file.sha256, declared.sha256),
    ):
        if pinned is not None and offered is not None and pinned != offered:
            shown = (lambda v: f"{v:,} bytes") if what == "size" else str
            raise ModelDownloadError(
                f"The server offers {file.name} with {what} {shown(offered)}, but the catalogue expects "
                f"{shown(pinned)}: the file upstream has changed. Nothing was downloaded; check {site}.",
                transient=False,
            )
    size = file.size if file.size is not None else declared.size
    sha256 = file.sha256 or declared.sha256
    if size is None:
        raise ModelDownloadError(
            f"Neither the catalogue nor the server gives the size of {file.url}, so a complete download "
            "could not be told from a cut one. Nothing was downloaded.",
            transient=False,
        )
    if sha256 is None and file.name == "model.bin":
        raise ModelDownloadError(
            f"Neither the catalogue nor the server gives a SHA-256 for {file.url}, so the weights could not "
            "be verified. Nothing was downloaded.",
            transient=False,
        )
    return size, sha256


# ----------------------------------------------------------------------------------------- fetch and check


def _have(work: Path, file: ModelFile) -> int:
    return file_size(work / file.name) or file_size(work / f"{file.name}.part")


def _fetch_verified(
    file: ModelFile,
    work: Path,
    size: int,
    sha256: str | None,
    progress: bool,
    timeout: float,
    retries: int,
    say: Callable[[str], None],
    site: str,
) -> None:
    """Bring ``work/<file>`` to the verified file, resuming a ``.part`` left by an earlier run."""
    final, part = work / file.name, work / f"{file.name}.part"
    if final.is_file():  # finished by an earlier run; checked again, since it sat on disk since then
        try:
            _check_file(final, size, sha256, file.name)
            return
        except ModelDownloadError:
            unlink(final)
    # A partial file from an earlier run may be of another version; if it completes to the wrong bytes, one
    # fresh download is worth it before giving up (as for Vosk archives).
    fresh_tries = 2 if file_size(part) else 1
    for attempt in range(fresh_tries):
        say(f"Downloading {file.name} ({mb(size)}).")
        announced = fetch_file(file.url, part, size, progress, timeout, retries, say, site)
        try:
            _check_file(part, size, sha256, file.name)
            if announced != size:
                raise ModelDownloadError(
                    f"The server announced {announced:,} bytes for {file.name}, not {size:,}."
                )
        except ModelDownloadError as exc:
            unlink(part)  # resuming bytes that failed verification would only fail again
            if attempt + 1 < fresh_tries:
                say(f"{exc} Downloading it again from the beginning.")
                continue
            raise ModelDownloadError(
                f"{exc} The downloaded file was deleted and nothing was installed; run "
                "`voiceguide models download` again.",
            ) from exc
        part.rename(final)
        return


def _check_file(path: Path, size: int | None, sha256: str | None, label: str) -> None:
    actual = file_size(path)
    if size is not None and actual != size:
        raise ModelDownloadError(
            f"{label} is {actual:,} bytes but should be {size:,}, so it is incomplete or damaged."
        )
    if sha256 is None:
        return
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    if digest.hexdigest() != sha256:
        raise ModelDownloadError(
            f"{label}'s SHA-256 is {digest.hexdigest()}, expected {sha256}: the file is damaged or not the "
            "published one."
        )
