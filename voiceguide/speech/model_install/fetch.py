"""One file over HTTP into a ``.part`` file, resumed with Range requests after a dropped connection, with
messages that say what went wrong and what to do."""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import re
import socket
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from voiceguide.speech.model_catalogue import OFFICIAL_MODEL
from voiceguide.speech.model_install.disk import (
    CHUNK_SIZE,
    MODEL_NAME,
    disk_full_message,
    ensure_free_space,
    file_size,
    mb,
    unlink,
)
from voiceguide.speech.model_install.errors import ModelDownloadError

MODEL_SITE = "https://alphacephei.com/vosk/models"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3

USER_AGENT = "VoiceGuide-model-download/1 (+https://alphacephei.com/vosk/models)"


class _Interrupted(Exception):
    """The connection ended early; the ``.part`` file holds what arrived and can be resumed."""


class _Restart(Exception):
    """What is on disk cannot be continued (server changed, range refused); start from byte 0."""


def model_name_from_url(url: str) -> str:
    """The install folder name, from the archive's file name; refuses names that could escape ``models/``."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise ModelDownloadError(
            f"Cannot download {url!r}: only http:// and https:// addresses are supported."
        )
    base = urllib.parse.unquote(parsed.path.rsplit("/", 1)[-1])
    name = base[: -len(".zip")] if base.lower().endswith(".zip") else base
    if not MODEL_NAME.match(name):
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
            unlink(part)
        except _Interrupted as why:
            have = file_size(part)
            if attempts_left <= 0:
                raise ModelDownloadError(
                    f"The download was interrupted ({why}) after {mb(have)}. What arrived is kept in "
                    f"{part}; run `voiceguide models download` again to continue from there."
                ) from why
            attempts_left -= 1
            say(f"Connection lost ({why}) after {mb(have)}; resuming.")


def _fetch_once(
    url: str,
    part: Path,
    expected_size: int | None,
    progress: bool,
    timeout: float,
    say: Callable[[str], None],
    site: str,
) -> int:
    have = file_size(part)
    if expected_size is not None and have > expected_size:
        raise _Restart("the partial file is larger than the model")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
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
            say(f"Resuming the download at {mb(have)}.")
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
            unlink(part)
            raise ModelDownloadError(
                f"The server offers {total:,} bytes for {url}, but the model should be {expected_size:,} "
                "bytes. The file on the site may have changed or be damaged; check "
                f"{site} and try again later."
            )
        ensure_free_space(part.parent, (total or 0) - have)
        _stream(response, part, mode, have, total, progress, url)
    return total if total is not None else file_size(part)


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
            raise ModelDownloadError(disk_full_message(part.parent, (total or received) - received)) from exc
        raise ModelDownloadError(f"Cannot write {part}: {exc.strerror or exc}.") from exc
    if total is not None and received < total:
        raise _Interrupted(f"the server sent {received:,} of {total:,} bytes")


def _parse_content_range(value: str | None) -> tuple[int, int | None]:
    match = re.match(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", value or "")
    if not match:
        raise _Restart(f"unusable Content-Range {value!r}")
    total = None if match.group(3) == "*" else int(match.group(3))
    return int(match.group(1)), total


def _total_from_content_range(value: str | None) -> int | None:
    match = re.match(r"^\s*bytes\s+\*/(\d+)\s*$", value or "")
    return int(match.group(1)) if match else None


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


def _describe(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "the name could not be looked up"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
