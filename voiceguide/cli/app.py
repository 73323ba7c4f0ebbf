"""The `voiceguide` command. Each subcommand is a thin shell over a module that does one job."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from voiceguide import __version__


def _print_json(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _conversation(args: argparse.Namespace):
    from voiceguide.answer.conversation import Conversation
    from voiceguide.content.content_model import load_content

    return Conversation(load_content(args.content), emergency_number=args.emergency_number)


# -- text commands -----------------------------------------------------------------------------
def cmd_ask(args: argparse.Namespace) -> int:
    if args.audio:
        from voiceguide.batch import BatchOptions, run_batch

        options = BatchOptions(
            args.emergency_number, content=args.content, engine=args.engine, model=args.model, json=args.json
        )
        return run_batch([args.audio], options, single=True)
    text = " ".join(args.text)
    if not text.strip():
        print(
            "Give a question, for example: voiceguide ask what are the symptoms of a blood clot",
            file=sys.stderr,
        )
        return 2
    from voiceguide.input_limits import question_problem

    problem = question_problem(text)
    if problem:
        print(f"voiceguide ask: {problem}", file=sys.stderr)
        return 2
    reply = _conversation(args).handle(text)
    if args.json:
        _print_json(reply.to_json())
    else:
        print(reply.answer)
    return 0


def _lines(stream: Iterable[str]) -> Iterable[str]:
    for line in stream:
        line = line.strip()
        if line:
            yield line


def _read_question(limit: int) -> str:
    """One line of piped input, never more than `limit` characters in memory: the rest of a longer line is
    read and dropped, and the line comes back as limit + 1 characters so the caller can say it was too
    long."""
    line = sys.stdin.readline(limit + 1)
    if len(line) > limit and not line.endswith("\n"):
        while True:
            rest = sys.stdin.readline(65536)
            if not rest or rest.endswith("\n"):
                break
    return line


def cmd_chat(args: argparse.Namespace) -> int:
    from voiceguide.answer.commands import Command
    from voiceguide.input_limits import MAX_QUESTION_CHARS, question_problem

    conversation = _conversation(args)
    interactive = sys.stdin.isatty()
    if interactive:
        print("VoiceGuide text mode. Ask about blood clots; say help for topics, goodbye to leave.")
    while True:
        try:
            line = input("You: ") if interactive else _read_question(MAX_QUESTION_CHARS)
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not interactive and line == "":
            return 0
        line = line.strip()
        if not line:
            continue
        problem = question_problem(line)
        if problem:
            print(f"VoiceGuide: Sorry, {problem}", flush=True)
            continue
        reply = conversation.handle(line)
        if args.json:
            _print_json(reply.to_json())
        else:
            print(f"VoiceGuide: {reply.answer}" if reply.answer else "VoiceGuide: (stopped)", flush=True)
        if reply.command is Command.GOODBYE:
            return 0


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share from 0 to 1 (such as 0.9)")
    return value


def cmd_batch(args: argparse.Namespace) -> int:
    from voiceguide.batch import BatchOptions, run_batch

    if not args.paths and args.expect is None:
        print(
            "voiceguide batch: give one or more inputs (question files, recordings, folders), "
            "or --expect FILE.",
            file=sys.stderr,
        )
        return 2
    options = BatchOptions(
        args.emergency_number, content=args.content, engine=args.engine, model=args.model, json=args.json,
        jobs=args.jobs, out_dir=args.out_dir, report=args.report, junit=args.junit, expect=args.expect,
        min_pass=args.min_pass,
    )
    return run_batch(args.paths, options)


def cmd_topics(args: argparse.Namespace) -> int:
    from voiceguide.content.content_model import load_content

    content = load_content(args.content)
    for section in content.sections:
        where = content.location_name(content.location_of(section))
        print(f"{section.id:48} {section.about:14} {where:18} {section.heading}")
    return 0


def cmd_compile(args: argparse.Namespace) -> int:
    from voiceguide.content.compiler import (
        DEFAULT_DOCUMENTS,
        DEFAULT_LEXICON,
        DEFAULT_OUTPUT,
        CompileError,
        DocumentError,
        compile_content,
        render_compiled,
        write_compiled,
    )
    from voiceguide.safe_files import (
        InputFileError,
        SafeFileError,
        UnsafeTargetError,
        check_target,
        read_bytes,
    )

    documents = Path(args.documents or DEFAULT_DOCUMENTS)
    output = Path(args.output or DEFAULT_OUTPUT)
    try:
        check_target(output)  # a device, pipe, link or folder there is refused before the work is done
        content = compile_content(documents, Path(args.lexicon or DEFAULT_LEXICON))
    except UnsafeTargetError as exc:
        print(f"voiceguide compile: {exc}", file=sys.stderr)
        return 2
    except (DocumentError, CompileError, OSError) as exc:
        problem = str(exc).rstrip(".") if isinstance(exc, (DocumentError, CompileError, SafeFileError)) \
            else f"{getattr(exc, 'filename', None) or documents}: {exc.strerror or exc}"
        print(
            f"voiceguide compile: {problem}. The previous {output.name} was left as it was.", file=sys.stderr
        )
        return 1
    _warn_duplicate_titles(content)
    if args.check:
        try:
            current = read_bytes(output, "compiled content", 64 * 2**20).decode("utf-8", "replace")
        except InputFileError:
            current = ""
        if current != render_compiled(content):
            print(f"{output} is stale: run `voiceguide compile`.", file=sys.stderr)
            return 1
        print(f"{output} is up to date.")
        return 0
    try:
        write_compiled(content, output)
    except SafeFileError as exc:
        print(f"voiceguide compile: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, UnsafeTargetError) else 1
    print(
        f"Compiled {len(content['documents'])} documents into {len(content['sections'])} sections: {output}",
        file=sys.stderr,
    )
    return 0


def _warn_duplicate_titles(content: dict) -> None:
    """Answers name their source by title; two documents with one title could not be told apart by ear."""
    seen: dict[str, str] = {}
    for document in content["documents"]:
        key = " ".join(document["title"].lower().split())
        if key in seen:
            print(f"voiceguide compile: warning: {seen[key]} and {document['file']} have the same title "
                  f"({document['title']!r}); a listener cannot tell which one an answer came from.",
                  file=sys.stderr)
        else:
            seen[key] = document["file"]


# -- parser ------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    from voiceguide.speech.asr.models import add_recognizer_args

    parser = argparse.ArgumentParser(
        prog="voiceguide",
        description="Offline voice assistant for health information. With no command, it listens.",
    )
    parser.add_argument("--version", action="version", version=f"voiceguide {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", type=Path, help="compiled content file (default: the packaged one)")
    common.add_argument(
        "--emergency-number",
        default=None,
        help="number to tell people to call in an emergency "
        "(default: 'your local emergency number, such as 911'; or set VOICEGUIDE_EMERGENCY_NUMBER)",
    )
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", parents=[common], help="answer one question (text, or --audio FILE)")
    ask.add_argument("text", nargs="*")
    ask.add_argument("--json", action="store_true", help="print the JSON result")
    ask.add_argument("--audio", help="a recording of the question (WAV, FLAC or OGG)")
    add_recognizer_args(ask)
    ask.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", parents=[common], help="interactive text session (also reads piped stdin)")
    chat.add_argument("--json", action="store_true", help="one JSON result per line")
    chat.set_defaults(func=cmd_chat)

    batch = sub.add_parser(
        "batch", parents=[common], help="answer many questions: .txt files, audio files, folders"
    )
    batch.add_argument("paths", nargs="*", help="inputs (with --expect and none given: the file's inputs)")
    batch.add_argument("--json", action="store_true", help="one JSON result per input")
    batch.add_argument("--report", type=Path,
                       help="also write the results to this file, in the format its extension names: .json, "
                       ".jsonl, .csv or .html (a page with the summary, misses first, a filter and players)")
    batch.add_argument("--expect", type=Path, metavar="FILE",
                       help="JSON Lines of expected answers (input, and topic, urgency, answer_contains or "
                       "command): each result gains expected and pass, and a summary line ends the run")
    batch.add_argument("--min-pass", type=_share, default=1.0, metavar="SHARE",
                       help="with --expect: exit 1 when the share of inputs as expected is below this "
                       "(0 to 1; default 1.0, every one)")
    batch.add_argument("--junit", type=Path, metavar="FILE",
                       help="also write JUnit XML here: one test case per input, for CI systems")
    batch.add_argument("--out-dir", type=Path, help="write each spoken answer as a WAV here")
    batch.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1),
        help="recordings decoded at once, one process each (default: 2, or 1 on a one-core machine)",
    )
    add_recognizer_args(batch)
    batch.set_defaults(func=cmd_batch)

    topics = sub.add_parser("topics", parents=[common], help="list what VoiceGuide can answer")
    topics.set_defaults(func=cmd_topics)

    comp = sub.add_parser("compile", help="compile the documents into the content file")
    comp.add_argument("--documents", help="folder of source documents")
    comp.add_argument("--lexicon", help="lexicon YAML")
    comp.add_argument("--output", help="compiled content file to write")
    comp.add_argument("--check", action="store_true", help="only check that the compiled file is up to date")
    comp.set_defaults(func=cmd_compile)

    # The downloader (and its HTTP stack) is imported only when this command runs: nothing else needs it.
    models = sub.add_parser(
        "models", add_help=False, help="list Vosk models (models list), or download the official English one"
    )
    models.add_argument("rest", nargs=argparse.REMAINDER)
    models.set_defaults(func=cmd_models)

    _add_speech_commands(sub, common)
    from voiceguide.wyoming_service.server import add_serve_command

    add_serve_command(sub, common)
    return parser


def cmd_models(args: argparse.Namespace) -> int:
    from voiceguide.cli.models import models_command

    return models_command(args.rest or ["--help"])


def _add_speech_commands(sub, common: argparse.ArgumentParser) -> None:
    """Speech commands live in their own module so text-only use never imports audio libraries."""
    from voiceguide.cli import speech as speech_cli

    speech_cli.add_commands(sub, common)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["models"]:  # its own parser, options and all ("models --help", "models download --dir")
        return cmd_models(argparse.Namespace(rest=argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "emergency_number", None) is None and hasattr(args, "content"):
        from voiceguide.answer.conversation import DEFAULT_EMERGENCY_NUMBER

        args.emergency_number = DEFAULT_EMERGENCY_NUMBER
    if args.command is None:
        return _default(parser, argv)
    from voiceguide.content.content_model import ContentError

    try:
        return args.func(args)
    except ContentError as exc:
        print(f"voiceguide: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _default(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Plain `voiceguide` starts the live assistant, or explains why it cannot and offers text mode."""
    from voiceguide.cli import speech as speech_cli

    return speech_cli.default_entry(parser, lambda: main(["chat"]))
