"""Batch runs: many inputs (typed question files, recordings, folders of recordings) in, one result each out.

Each input is answered by a fresh conversation, so a result never depends on the order of the files. One bad
input fails alone: its result carries `error`, the batch goes on, and the exit code says something failed.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voiceguide.safe_files import plain_reason

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga")
TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class BatchOptions:
    """What a batch run was asked for: the options of `batch` (and of `ask --audio`, a batch of one)."""

    emergency_number: str
    content: Path | None = None  # None: the packaged compiled content
    engine: str | None = None
    model: str | None = None
    json: bool = False
    jobs: int = 1  # recordings decoded at once, one process each
    out_dir: Path | None = None  # each spoken answer as a WAV here
    report: Path | None = None
    junit: Path | None = None
    expect: Path | None = None
    min_pass: float = 1.0  # with `expect`: the share of inputs that must be as expected


@dataclass(frozen=True)
class WorkerAnswer:
    """One result from a worker process, and how that process's recognizer was chosen (said once at the
    end)."""

    result: dict[str, Any]
    recognizer_reason: str


@dataclass(frozen=True)
class BatchInput:
    """One thing to answer: a line of a question file, or a recording."""

    label: str  # what the JSON `input` shows: the question line, or the file path as given
    text: str | None = None
    audio: Path | None = None
    out_name: str = "answer"
    error: str | None = None


def expand_inputs(paths: list[str]) -> Iterator[BatchInput]:
    """Question files give one input per non-empty line; folders give their audio and question files, sorted.

    Nothing is opened before it is known to be a regular file (a named pipe in a folder would block the whole
    batch), and a question file with one bad byte loses only that line.
    """
    from voiceguide.safe_files import InputFileError, check_input

    for given in paths:
        path = Path(given)
        if path.is_dir():
            try:
                children = sorted(
                    p for p in path.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES + TEXT_SUFFIXES
                )
            except OSError as exc:
                yield BatchInput(given, error=f"{given}: cannot list the folder ({plain_reason(exc)})")
                continue
            if not children:
                yield BatchInput(
                    given, error=f"{given}: no audio ({', '.join(AUDIO_SUFFIXES)}) or .txt files here"
                )
            for child in children:
                yield from expand_inputs([str(child)])
            continue
        try:
            check_input(path, "question file" if path.suffix.lower() in TEXT_SUFFIXES else "recording")
        except InputFileError as exc:
            yield BatchInput(given, error=f"{given}: {exc.problem}")
            continue
        if path.suffix.lower() in TEXT_SUFFIXES:
            yield from _question_lines(given, path)
        else:
            yield BatchInput(given, audio=path, out_name=path.stem[:100])


def _question_lines(given: str, path: Path) -> Iterator[BatchInput]:
    from voiceguide.input_limits import MAX_QUESTION_FILE_BYTES, question_problem
    from voiceguide.safe_files import InputFileError, read_bytes

    try:
        raw = read_bytes(path, "question file", MAX_QUESTION_FILE_BYTES)
    except InputFileError as exc:
        yield BatchInput(given, error=f"{given}: {exc.problem}")
        return
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for number, line_bytes in enumerate(raw.splitlines(), 1):
        name = f"{path.stem[:100]}-{number:03d}"
        try:
            line = line_bytes.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            yield BatchInput(
                f"{given}:{number}",
                out_name=name,
                error=f"{given} line {number}: not UTF-8 text (a bad byte at column {exc.start + 1})",
            )
            continue
        if not line:
            continue
        problem = question_problem(line)
        if problem:
            yield BatchInput(f"{given}:{number}", out_name=name, error=f"{given} line {number}: {problem}")
        else:
            yield BatchInput(line, text=line, out_name=name)


def expected_items(expectations) -> Iterator[BatchInput]:
    """The inputs an expectations file names, in its order: each recording (checked like any other), and each
    typed question."""
    from voiceguide.input_limits import question_problem

    for item in expectations.items:
        if item.audio is not None:
            yield from expand_inputs([str(item.audio)])
            continue
        problem = question_problem(item.input)
        yield BatchInput(item.input, text=item.input, out_name=f"expected-{item.line:03d}",
                         error=f"{expectations.path} line {item.line}: {problem}" if problem else None)


def unique_out_names(items: list[BatchInput]) -> list[BatchInput]:
    """Two inputs called x.wav (from a/ and b/) get x.wav and x-2.wav: each answer has its own file."""
    from dataclasses import replace

    taken: set[str] = set()
    unique = []
    for item in items:
        name, count = item.out_name, 1
        while name.lower() in taken:
            count += 1
            name = f"{item.out_name}-{count}"
        taken.add(name.lower())
        unique.append(replace(item, out_name=name))
    return unique


class _LazyRecognizer:
    """Loads the recognizer on the first recording only: a batch of typed questions never pays for it."""

    def __init__(self, content, engine: str | None, model: str | None) -> None:
        self._content = content
        self._engine = engine
        self._model = model
        self._recognizer = None
        self._error: str | None = None
        self.reason = ""

    def get(self):
        if self._recognizer is None and self._error is None:
            from voiceguide.speech.asr.base import RecognizerError
            from voiceguide.speech.asr.models import choose_recognizer

            try:
                self._recognizer, self.reason = choose_recognizer(self._content, self._engine, self._model)
            except RecognizerError as exc:
                self._error = str(exc)
        if self._error:
            raise RuntimeError(self._error)
        return self._recognizer


def answer_one(
    item: BatchInput, content, recognizer: _LazyRecognizer, emergency_number: str
) -> dict[str, Any]:
    from voiceguide.answer.conversation import Conversation

    started = time.perf_counter()
    result: dict[str, Any] = {"input": item.label, "heard": None, "topic": None, "urgency": None,
                              "answer": None, "sources": [], "command": None}
    # A recording has no engine until a recognizer has heard it; a typed line is "text".
    engine: str | None = None if item.audio is not None or item.error else "text"
    confidence: float | None = 1.0
    asr_ms = 0.0
    try:
        if item.error:
            raise ValueError(item.error)
        text = item.text
        if item.audio is not None:
            from voiceguide.speech.audio_file import load_audio

            audio = load_audio(item.audio)
            asr_started = time.perf_counter()
            transcript = recognizer.get().transcribe(audio)
            asr_ms = (time.perf_counter() - asr_started) * 1000
            text, engine, confidence = transcript.text, transcript.engine, transcript.confidence
        reply = Conversation(content, emergency_number=emergency_number).handle(text or "")
        result.update(reply.to_json())
        result["input"] = item.label
        result["command"] = reply.command.value if reply.command else None
    except Exception as exc:  # one input fails alone, with its reason
        result["error"] = str(exc) or exc.__class__.__name__
        confidence = None
    result.update(
        engine=engine,
        confidence=None if confidence is None else round(confidence, 3),
        asr_ms=round(asr_ms, 1),
        total_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return result


_worker: tuple | None = None  # (content, recognizer, emergency number) in a batch worker process


def _start_worker(content_path, engine, model, emergency_number) -> None:
    global _worker
    from voiceguide.content.content_model import load_content

    content = load_content(content_path)
    _worker = (content, _LazyRecognizer(content, engine, model), emergency_number)


def _answer_in_worker(item: BatchInput) -> WorkerAnswer:
    assert _worker is not None
    content, recognizer, emergency_number = _worker
    return WorkerAnswer(answer_one(item, content, recognizer, emergency_number), recognizer.reason)


def _answers(items: list[BatchInput], options: BatchOptions, content, recognizer: _LazyRecognizer):
    """Results in input order. Recordings are decoded by `--jobs` worker processes (one recognizer each),
    since decoding is CPU-bound and a batch of recordings is exactly the case that can use every core."""
    jobs = max(1, options.jobs)
    recordings = sum(item.audio is not None for item in items)
    if jobs == 1 or recordings < 2:
        for item in items:
            yield answer_one(item, content, recognizer, options.emergency_number)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=min(jobs, recordings),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(options.content, options.engine, options.model, options.emergency_number),
    ) as pool:
        for answered in pool.map(_answer_in_worker, items):
            recognizer.reason = answered.recognizer_reason or recognizer.reason
            yield answered.result


def run_batch(paths: list[str], options: BatchOptions, *, single: bool = False) -> int:
    from tqdm import tqdm

    from voiceguide.content.content_model import load_content
    from voiceguide.safe_files import SafeFileError, check_target

    out_dir, report, junit = options.out_dir, options.report, options.junit
    try:  # refused before any work is done, not after the last answer
        for target in (report, junit):
            if target is not None:
                check_target(target)
        if report is not None:
            from voiceguide.reports import report_kind

            report_kind(report)
        if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
            print(f"voiceguide batch: --out-dir {_shown(str(out_dir))} is not a folder.", file=sys.stderr)
            return 2
    except (SafeFileError, ValueError) as exc:
        print(f"voiceguide batch: {_shown(str(exc))}", file=sys.stderr)
        return 2
    content = load_content(options.content)
    scorer = None
    if options.expect is not None:
        from voiceguide.expectations import ExpectationError, Scorer, load_expectations, topic_ids

        try:
            scorer = Scorer(load_expectations(options.expect))
            problem = scorer.expectations.unknown_topics(topic_ids(content))
            if problem:
                raise ExpectationError(problem)
        except ExpectationError as exc:
            print(f"voiceguide batch: --expect {_shown(str(exc))}", file=sys.stderr)
            return 2
    recognizer = _LazyRecognizer(content, options.engine, options.model)
    if paths or scorer is None:
        items = unique_out_names(list(expand_inputs(paths)))
    else:  # no paths: the expectations name the inputs
        items = unique_out_names(list(expected_items(scorer.expectations)))
    results = []
    failed = 0
    show_bar = sys.stderr.isatty() and not single
    answers = _answers(items, options, content, recognizer)
    for item, result in tqdm(
        zip(items, answers, strict=True), total=len(items), desc="VoiceGuide batch", unit="input",
        disable=not show_bar, file=sys.stderr,
    ):
        if out_dir is not None and result.get("answer"):
            _speak_to_file(result, out_dir / f"{item.out_name}.wav")
        failed += "error" in result
        if scorer is not None:
            scorer.score(result, item.audio or (Path(item.label) if item.text is None else None), item.text)
        results.append(result)
        _print_result(result, as_json=options.json, single=single)
    summary = _summary(results, recognizer.reason, scorer)
    for target, writer in ((report, "write_report"), (junit, "write_junit")):
        if target is None:
            continue
        from voiceguide import reports

        try:
            getattr(reports, writer)(target, results, summary)
        except SafeFileError as exc:
            what = "the report" if target is report else "the JUnit file"
            print(f"voiceguide batch: {what} was not written: {_shown(str(exc))}", file=sys.stderr)
            return 1
    if recognizer.reason and not options.json:
        print(recognizer.reason, file=sys.stderr)
    if scorer is None:
        return 1 if failed else 0
    return _expect_outcome(scorer, options, failed_unexpected=sum(
        "error" in r and r.get("expected") is None for r in results))


def _expect_outcome(scorer, options: BatchOptions, *, failed_unexpected: int) -> int:
    """Prints the one summary line (on stderr under --json, so stdout stays JSON Lines) and says whether the
    run met --min-pass. Expectations whose input was not in this run are named, not counted."""
    stream = sys.stderr if options.json else sys.stdout
    for item in scorer.not_run()[:5]:
        print(_shown(f"not in this run: {item.input} (line {item.line})"), file=sys.stderr)
    if len(scorer.not_run()) > 5:
        print(f"not in this run: {len(scorer.not_run()) - 5} more expected inputs", file=sys.stderr)
    print(scorer.tally.line(), file=stream, flush=True)
    if scorer.tally.checked == 0:
        print("voiceguide batch: no input of this run is in the expectations file.", file=sys.stderr)
        return 1
    return 1 if scorer.tally.share < options.min_pass or failed_unexpected else 0


def _speak_to_file(result: dict[str, Any], path: Path) -> None:
    from voiceguide.speech.settings import load_settings
    from voiceguide.speech.tts_engines import say_to_file

    try:
        say_to_file(result["answer"], path, load_settings())
        result["audio_out"] = str(path)
    except Exception as exc:  # the answer is still in the report; only its audio is missing
        result["error"] = f"could not write the spoken answer to {path}: {exc}"


# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC, CSI, NUL, BEL, ...), DEL, and the
# bidirectional overrides that make a file name read differently from what it is.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(text: str) -> str:
    """Text safe to print on a terminal: each control character as a visible escape (\\x1b, \\x00)."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _TERMINAL_CONTROLS.sub(escape, text)


def _print_result(result: dict[str, Any], *, as_json: bool, single: bool) -> None:
    if as_json:
        # json.dumps escapes C0 controls itself; C1 controls and bidi overrides become \\u escapes too (the
        # same string to a JSON reader).
        line = json.dumps(result, ensure_ascii=False)
        print(_TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", line), flush=True)
    elif "error" in result:
        print(_shown(f"{result['input']}: ERROR {result['error']}"), flush=True)
    elif single:
        print(_shown(result["answer"]), flush=True)
    else:
        print(
            _shown(f"{result['input']}: [{result['topic'] or '-'}, {result['urgency']}] {result['answer']}"),
            flush=True,
        )


def _summary(results: list[dict[str, Any]], engine_reason: str, scorer) -> dict[str, Any]:
    summary = {
        "inputs": len(results),
        "failed": sum("error" in r for r in results),
        "answered": sum(r.get("topic") is not None for r in results),
        "emergency": sum(r.get("urgency") == "emergency" for r in results),
        "see_doctor": sum(r.get("urgency") == "see-doctor" for r in results),
        "recognizer": engine_reason or None,
    }
    if scorer is not None:
        summary["expect"] = scorer.tally.to_json()
    return summary
