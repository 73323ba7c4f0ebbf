"""Batch runs: many inputs (typed question files, recordings, folders of recordings) in, one result each out.

Each input is answered by a fresh conversation, so a result never depends on the order of the files. One bad
input fails alone: its result carries `error`, the batch goes on, and the exit code says something failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga")
TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class BatchInput:
    """One thing to answer: a line of a question file, or a recording."""

    label: str  # what the JSON `input` shows: the question line, or the file path as given
    text: str | None = None
    audio: Path | None = None
    out_name: str = "answer"
    error: str | None = None


def expand_inputs(paths: list[str]) -> Iterator[BatchInput]:
    """Question files give one input per non-empty line; folders give their audio and question files, sorted."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            children = sorted(p for p in path.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES + TEXT_SUFFIXES)
            if not children:
                yield BatchInput(given, error=f"{given}: no audio ({', '.join(AUDIO_SUFFIXES)}) or .txt files here")
            for child in children:
                yield from expand_inputs([str(child)])
        elif not path.exists():
            yield BatchInput(given, error=f"{given}: no such file")
        elif path.suffix.lower() in TEXT_SUFFIXES:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                yield BatchInput(given, error=f"{given}: cannot read questions ({exc})")
                continue
            for number, line in enumerate(lines, 1):
                if line.strip():
                    yield BatchInput(line.strip(), text=line.strip(), out_name=f"{path.stem}-{number:03d}")
        else:
            yield BatchInput(given, audio=path, out_name=path.stem)


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
            from voiceguide.asr.base import RecognizerError
            from voiceguide.asr.models import choose_recognizer

            try:
                self._recognizer, self.reason = choose_recognizer(self._content, self._engine, self._model)
            except RecognizerError as exc:
                self._error = str(exc)
        if self._error:
            raise RuntimeError(self._error)
        return self._recognizer


def answer_one(item: BatchInput, content, recognizer: _LazyRecognizer, emergency_number: str) -> dict[str, Any]:
    from voiceguide.conversation import Conversation

    started = time.perf_counter()
    result: dict[str, Any] = {"input": item.label, "heard": None, "topic": None, "urgency": None,
                              "answer": None, "sources": []}
    # A recording has no engine until a recognizer has heard it; a typed line is "text".
    engine: str | None = None if item.audio is not None or item.error else "text"
    confidence: float | None = 1.0
    asr_ms = 0.0
    try:
        if item.error:
            raise ValueError(item.error)
        text = item.text
        if item.audio is not None:
            from voiceguide.audio_file import load_audio

            audio = load_audio(item.audio)
            asr_started = time.perf_counter()
            transcript = recognizer.get().transcribe(audio)
            asr_ms = (time.perf_counter() - asr_started) * 1000
            text, engine, confidence = transcript.text, transcript.engine, transcript.confidence
        reply = Conversation(content, emergency_number=emergency_number).handle(text or "")
        result.update(reply.to_json())
        result["input"] = item.label
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
    from voiceguide.content_model import load_content

    content = load_content(content_path)
    _worker = (content, _LazyRecognizer(content, engine, model), emergency_number)


def _answer_in_worker(item: BatchInput) -> dict[str, Any]:
    assert _worker is not None
    content, recognizer, emergency_number = _worker
    result = answer_one(item, content, recognizer, emergency_number)
    result["_reason"] = recognizer.reason
    return result


def _answers(items: list[BatchInput], args: argparse.Namespace, content, recognizer: _LazyRecognizer):
    """Results in input order. Recordings are decoded by `--jobs` worker processes (one recognizer each),
    since decoding is CPU-bound and a batch of recordings is exactly the case that can use every core."""
    jobs = max(1, int(getattr(args, "jobs", 1) or 1))
    recordings = sum(item.audio is not None for item in items)
    if jobs == 1 or recordings < 2:
        for item in items:
            yield answer_one(item, content, recognizer, args.emergency_number)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=min(jobs, recordings),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(getattr(args, "content", None), getattr(args, "engine", None), getattr(args, "model", None),
                  args.emergency_number),
    ) as pool:
        for result in pool.map(_answer_in_worker, items):
            recognizer.reason = result.pop("_reason", "") or recognizer.reason
            yield result


def run_batch(paths: list[str], args: argparse.Namespace, *, single: bool = False) -> int:
    from tqdm import tqdm

    from voiceguide.content_model import load_content

    content = load_content(getattr(args, "content", None))
    recognizer = _LazyRecognizer(content, getattr(args, "engine", None), getattr(args, "model", None))
    items = list(expand_inputs(paths))
    out_dir: Path | None = getattr(args, "out_dir", None)
    results = []
    failed = 0
    show_bar = sys.stderr.isatty() and not single
    answers = _answers(items, args, content, recognizer)
    for item, result in tqdm(
        zip(items, answers, strict=True), total=len(items), desc="VoiceGuide batch", unit="input",
        disable=not show_bar, file=sys.stderr,
    ):
        if out_dir is not None and result.get("answer"):
            _speak_to_file(result, out_dir / f"{item.out_name}.wav")
        failed += "error" in result
        results.append(result)
        _print_result(result, as_json=args.json, single=single)
    if getattr(args, "report", None):
        _write_report(args.report, results, recognizer.reason)
    if recognizer.reason and not args.json:
        print(recognizer.reason, file=sys.stderr)
    return 1 if failed else 0


def _speak_to_file(result: dict[str, Any], path: Path) -> None:
    from voiceguide.speech_settings import load_settings
    from voiceguide.tts import say_to_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        say_to_file(result["answer"], path, load_settings())
        result["audio_out"] = str(path)
    except Exception as exc:  # the answer is still in the report; only its audio is missing
        result["error"] = f"could not write the spoken answer to {path}: {exc}"


def _print_result(result: dict[str, Any], *, as_json: bool, single: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False), flush=True)
    elif "error" in result:
        print(f"{result['input']}: ERROR {result['error']}", flush=True)
    elif single:
        print(result["answer"], flush=True)
    else:
        print(f"{result['input']}: [{result['topic'] or '-'}, {result['urgency']}] {result['answer']}", flush=True)


def _write_report(path: Path, results: list[dict[str, Any]], engine_reason: str) -> None:
    """The report holds what was heard, so it is written only when asked for (--report)."""
    summary = {
        "inputs": len(results),
        "failed": sum("error" in r for r in results),
        "answered": sum(r.get("topic") is not None for r in results),
        "emergency": sum(r.get("urgency") == "emergency" for r in results),
        "see_doctor": sum(r.get("urgency") == "see-doctor" for r in results),
        "recognizer": engine_reason or None,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"summary": summary, "results": results}, indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
