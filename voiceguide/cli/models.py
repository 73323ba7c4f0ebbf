"""`voiceguide models`: list the installed models and download or install one.

Only the command line lives here (options, messages, exit codes); fetching, checking and installing are
voiceguide.speech.model_install's, and which model would be used is
voiceguide.speech.asr.models' one policy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from voiceguide.speech.asr.model_folders import missing_model_files
from voiceguide.speech.asr.models import MODEL_ENV, default_models_dir
from voiceguide.speech.model_catalogue import OFFICIAL_MODEL, ModelSource, load_catalogue
from voiceguide.speech.model_install.disk import file_size, folder_size, mb
from voiceguide.speech.model_install.errors import ModelDownloadError
from voiceguide.speech.model_install.fetch import model_name_from_url
from voiceguide.speech.model_install.unpack import install_model_zip
from voiceguide.speech.model_install.vosk import check_checksums, download_model


def configure_models_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``download`` and ``list`` to ``parser`` (usable as an argparse sub-command of the main CLI)."""
    actions = parser.add_subparsers(dest="models_action", metavar="{download,list}")
    actions.required = True
    download = actions.add_parser(
        "download",
        help=f"download and install a model (default: the official Vosk model, {OFFICIAL_MODEL.name})",
        description="The only VoiceGuide command that uses the network.",
    )
    download.add_argument(
        "name",
        nargs="?",
        help="a model named by `voiceguide models list` (Vosk, or Whisper such as base.en); "
        f"default {OFFICIAL_MODEL.name}",
    )
    source = download.add_mutually_exclusive_group()
    source.add_argument("--url", help="download another Vosk model zip instead of the official one")
    source.add_argument(
        "--file",
        type=Path,
        help="install a model zip, or a Whisper model folder, already on this computer (no network needed); "
        "with NAME, its files are checked against that model's checksums",
    )
    download.add_argument("--dir", type=Path, help="models folder to install into (default: models/)")
    download.add_argument("--no-progress", action="store_true", help="no progress bar")
    listing = actions.add_parser("list", help="list installed models and say which one would be used")
    listing.add_argument("--dir", type=Path, help="models folder to look in (default: models/)")
    return parser


def run_models(args: argparse.Namespace, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Carry out a parsed ``models`` command; returns the exit code (0 ok, 1 failed)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    models_dir = args.dir or default_models_dir()
    if args.models_action == "list":
        _print_list(models_dir, out)
        return 0

    def say(message: str) -> None:
        print(message, file=err, flush=True)

    try:
        target = _download(args, models_dir, say)
    except ModelDownloadError as exc:
        print(f"voiceguide models download: {exc}", file=err)
        return 1
    except OSError as exc:  # a file-system failure no check above foresaw: still words, not a traceback
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"voiceguide models download: {exc.strerror or exc}{where}. Nothing was installed.", file=err)
        return 1
    except KeyboardInterrupt:
        print("\nvoiceguide models download: stopped. Run it again to continue where it left off.", file=err)
        return 1
    print(target, file=out)
    return 0


def _download(args: argparse.Namespace, models_dir: Path, say: Callable[[str], None]) -> Path:
    """``models download``: a catalogue model by name, a zip or Whisper folder given with --file, or --url."""
    from voiceguide.speech.model_catalogue import WhisperSource

    catalogue = load_catalogue()
    entry = catalogue.find(args.name) if args.name else None
    if args.name and entry is None:
        raise ModelDownloadError(
            f"There is no model called {args.name!r}. These can be downloaded: {', '.join(catalogue.names)} "
            "(see `voiceguide models list`).",
            transient=False,
        )
    if args.name and args.url:
        raise ModelDownloadError("Give a model's name or --url, not both.", transient=False)
    if isinstance(entry, WhisperSource):
        from voiceguide.speech.model_install.whisper import download_whisper_model, install_whisper_folder

        if args.file is not None:
            if not args.file.is_dir():
                raise ModelDownloadError(
                    f"{args.file} is not a folder: a Whisper model is installed from the folder that holds "
                    "its model.bin, config.json, tokenizer.json and vocabulary file.",
                    transient=False,
                )
            return install_whisper_folder(args.file, models_dir, model=entry, report=say)
        say(f"Downloading {entry.name} from {entry.page}" + (f" ({mb(entry.size)})." if entry.size else "."))
        return download_whisper_model(entry, models_dir, progress=not args.no_progress, report=say)
    if args.file is not None:
        if args.file.is_dir():
            return _install_folder(args.file, models_dir, say)
        if args.file.name == f"{OFFICIAL_MODEL.name}.zip":
            _check_official_copy(args.file, say)
        return install_model_zip(args.file, models_dir, report=say)
    if args.url not in (None, OFFICIAL_MODEL.url):
        source = ModelSource(name=model_name_from_url(args.url), url=args.url)
    else:
        source = entry if isinstance(entry, ModelSource) else OFFICIAL_MODEL
    say(f"Downloading {source.name} from {source.url}" + (f" ({mb(source.size)})." if source.size else "."))
    return download_model(
        source.url,
        models_dir,
        expected_size=source.size,
        expected_md5=source.md5,
        expected_sha256=source.sha256,
        progress=not args.no_progress,
        report=say,
    )


def _install_folder(folder: Path, models_dir: Path, say: Callable[[str], None]) -> Path:
    from voiceguide.speech.asr.model_folders import Kind, model_kind

    kind = model_kind(folder)
    if kind is Kind.WHISPER:
        from voiceguide.speech.model_install.whisper import install_whisper_folder

        return install_whisper_folder(folder, models_dir, report=say)
    if kind is Kind.VOSK:
        raise ModelDownloadError(
            f"{folder} is an unpacked Vosk model: use it where it is with --model {folder} (or "
            f"{MODEL_ENV}), or install its zip with --file.",
            transient=False,
        )
    raise ModelDownloadError(
        f"{folder} is neither a Whisper model folder (model.bin, config.json, tokenizer.json, vocabulary) "
        "nor a model zip.",
        transient=False,
    )


def _check_official_copy(path: Path, say: Callable[[str], None]) -> None:
    """A hand-copied official archive gets the same size and checksum check as a downloaded one."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ModelDownloadError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if size != OFFICIAL_MODEL.size:
        raise ModelDownloadError(
            f"{path} is {size:,} bytes, but the official {path.name} is {OFFICIAL_MODEL.size:,} bytes: the "
            "copy is incomplete or not the official file. Download it again."
        )
    try:
        check_checksums(path, OFFICIAL_MODEL.md5, OFFICIAL_MODEL.sha256, say)
    except ModelDownloadError as exc:
        raise ModelDownloadError(f"{exc} Download it again.") from exc


def models_command(argv: Sequence[str], stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """``voiceguide models ARGS...`` in one call: ``argv`` is what follows ``models`` on the command line."""
    parser = configure_models_parser(argparse.ArgumentParser(prog="voiceguide models"))
    return run_models(parser.parse_args(list(argv)), stdout, stderr)


def _print_list(models_dir: Path, out: IO[str]) -> None:
    from voiceguide.speech.asr.model_folders import Kind, model_kind, whisper_model_problem

    print(f"Models folder: {models_dir}", file=out)
    folders = (
        sorted(p for p in models_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
        if models_dir.is_dir()
        else []
    )
    if not folders:
        print("  (no models installed)", file=out)
    for folder in folders:
        if model_kind(folder) is Kind.WHISPER:
            problem = whisper_model_problem(folder)
            state = f"Whisper, {mb(folder_size(folder))}" if problem is None else f"incomplete: {problem}"
        else:
            missing = missing_model_files(folder)
            state = (
                f"Vosk, {mb(folder_size(folder))}"
                if not missing
                else f"incomplete, lacks {', '.join(missing)}"
            )
        print(f"  {folder.name}  ({state})", file=out)
    catalogue = load_catalogue()
    if models_dir.is_dir():
        for part in sorted(models_dir.glob("*.zip.part")):
            print(
                f"  {part.name}: unfinished download, {mb(file_size(part))} so far; "
                "`voiceguide models download` continues it",
                file=out,
            )
        for whisper in catalogue.whisper:
            work = models_dir / f".{whisper.folder}.download"
            if work.is_dir():
                print(
                    f"  {whisper.folder}: unfinished download, {mb(folder_size(work))} so far; "
                    f"`voiceguide models download {whisper.name}` continues it",
                    file=out,
                )
    print("Can be downloaded with `voiceguide models download NAME`:", file=out)
    for entry in (*catalogue.vosk, *catalogue.whisper):
        kind = "Whisper" if entry in catalogue.whisper else "Vosk"
        size = mb(entry.size) if entry.size else "size not known in advance"
        print(f"  {entry.name}  ({kind}, {size}): {entry.description}", file=out)
    from voiceguide.speech.asr.base import RecognizerError
    from voiceguide.speech.asr.models import choose_engine

    try:
        choice = choose_engine(models_dir=models_dir)
    except RecognizerError as exc:
        print(f"Would use: nothing, because {exc}", file=out)
        return
    print(f"Would use: {choice.reason}.", file=out)
