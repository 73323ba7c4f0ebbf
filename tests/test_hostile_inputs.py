"""Issue 9, the read side: nothing given to VoiceGuide hangs it (named pipes are refused before they are
opened), odd files and odd bytes get a plain message for that input alone, and nothing a document or a
question file holds reaches the terminal or the spoken text as markup or control codes. Real files, real
FIFOs, real processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.hostile import QUESTION_WAV, assert_plain, cli_env, leftovers, run_cli
from voiceguide.content.compiler import DEFAULT_DOCUMENTS

# ---------------------------------------------------------------------------------------------- named pipes


def test_ask_audio_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "q.wav"
    os.mkfifo(fifo)
    proc = run_cli(tmp_path, "ask", "--audio", str(fifo), timeout=30)
    assert_plain(proc, 1, "q.wav", "named pipe")


def test_batch_folder_with_a_fifo_answers_the_rest_and_writes_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("what causes a blood clot behind the knee\n")
    os.mkfifo(folder / "b.wav")
    (folder / "c.txt").write_text("how is a clot in the buttocks treated\n")
    report = tmp_path / "report.json"
    proc = run_cli(tmp_path, "batch", "--json", "--report", str(report), str(folder), timeout=60)
    assert_plain(proc, 1, "named pipe")
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [("error" in r) for r in results] == [False, True, False]
    assert results[2]["topic"] and json.loads(report.read_text())["summary"]["inputs"] == 3


def _documents_copy(root: Path) -> Path:
    docs = root / "docs"
    shutil.copytree(DEFAULT_DOCUMENTS, docs)
    return docs


@pytest.mark.parametrize(("kind", "said"), [
    ("fifo", "named pipe"),
    ("folder", "folder"),
    ("loop", "symbolic link loop"),
    ("dangling", "does not exist"),
])
def test_compile_with_an_odd_entry_in_the_documents_folder(tmp_path: Path, kind: str, said: str) -> None:
    docs = _documents_copy(tmp_path)
    odd = docs / "x.md"
    if kind == "fifo":
        os.mkfifo(odd)
    elif kind == "folder":
        odd.mkdir()
    elif kind == "loop":
        odd.symlink_to(docs / "y.md")
        (docs / "y.md").symlink_to(odd)
    else:
        odd.symlink_to(tmp_path / "gone.md")
    output = tmp_path / "compiled.json"
    output.write_text("previous\n")
    proc = run_cli(tmp_path, "compile", "--documents", str(docs), "--output", str(output), timeout=30)
    assert_plain(proc, 1, "x.md", said, "left as it was")
    assert output.read_text() == "previous\n" and leftovers(tmp_path) == []


@pytest.mark.parametrize(("kind", "said"), [("fifo", "named pipe"), ("list", "not a YAML mapping")])
def test_compile_with_a_bad_lexicon_leaves_the_content(tmp_path: Path, kind: str, said: str) -> None:
    lexicon = tmp_path / "lexicon.yaml"
    if kind == "fifo":
        os.mkfifo(lexicon)
    else:
        lexicon.write_text("- a list, not the lexicon\n")
    output = tmp_path / "compiled.json"
    output.write_text("previous\n")
    proc = run_cli(tmp_path, "compile", "--lexicon", str(lexicon), "--output", str(output), timeout=30)
    assert_plain(proc, 1, "lexicon", said, "left as it was")
    assert output.read_text() == "previous\n" and leftovers(tmp_path) == []


def test_a_fifo_as_the_settings_file_does_not_hang_say(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    fifo = Path(env["VOICEGUIDE_CONFIG_DIR"]) / "config.json"
    os.mkfifo(fifo)
    proc = run_cli(tmp_path, "say", "--output", str(tmp_path / "hi.wav"), "hello there", env=env, timeout=30)
    assert_plain(proc, 0, "named pipe", "default speech settings")
    assert sf.info(str(tmp_path / "hi.wav")).frames > 0
    assert fifo.is_fifo()


def test_a_fifo_as_content_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "compiled.json"
    os.mkfifo(fifo)
    proc = run_cli(tmp_path, "ask", "--content", str(fifo), "what causes a clot", timeout=30)
    assert_plain(proc, 1, "named pipe", "voiceguide compile")


# ---------------------------------------------------------------------------------------------- documents


def test_two_documents_with_the_same_title_warn(tmp_path: Path) -> None:
    docs = _documents_copy(tmp_path)
    first = sorted(docs.iterdir())[0]
    shutil.copy(first, docs / ("copy-" + first.name))
    proc = run_cli(tmp_path, "compile", "--documents", str(docs), "--output", str(tmp_path / "c.json"))
    assert_plain(proc, 0, "same title", first.name, "copy-" + first.name)


HOSTILE_MARKDOWN = """---
title: Hostile clot notes
---
# Hostile clot notes

## Symptoms of a clot

A clot can make the leg swell. See [the guide](javascript:alert(1)) and <javascript:alert(2)> for more.
&lt;script&gt;alert(3)&lt;/script&gt; Pain behind the knee is common &amp;lt;b&amp;gt;too.

| sign | how often |
|------|-----------|
| tablecellword | often |

<table><tr><td>cellsecret</td></tr></table>

## Treatment of a clot

Doctors treat a clot with anticoagulant medicine. <img src=x onerror=alert(4)>
"""


def test_links_entities_and_tables_never_reach_spoken_text(tmp_path: Path) -> None:
    docs = _documents_copy(tmp_path)  # the real documents too: a compile needs their urgent advice
    (docs / "hostile.md").write_text(HOSTILE_MARKDOWN)
    output = tmp_path / "c.json"
    proc = run_cli(tmp_path, "compile", "--documents", str(docs), "--output", str(output))
    assert_plain(proc, 0)
    sections = json.loads(output.read_text())["sections"]
    sentences = [s for sec in sections if sec["id"].startswith("hostile") for s in sec["sentences"]]
    spoken = " ".join(sentences)
    assert "A clot can make the leg swell." in sentences and "the guide" in spoken
    for bad in ("javascript", "alert", "script", "<", ">", "|", "tablecellword", "cellsecret",
                "onerror", "&"):
        assert bad not in spoken, (bad, sentences)


# ------------------------------------------------------------------------------- question files and terminals


def test_one_bad_utf8_byte_loses_only_its_line(tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_bytes(b"what causes a blood clot behind the knee\nhow is a clot \xff treated\n"
                          b"what are the symptoms of a clot in the buttocks\n")
    proc = run_cli(tmp_path, "batch", "--json", str(questions))
    assert_plain(proc, 1, "line 2", "not UTF-8")
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [("error" in r) for r in results] == [False, True, False]
    assert results[0]["topic"] and results[2]["topic"]


def test_plain_batch_output_escapes_control_characters(tmp_path: Path) -> None:
    name = "q\x1b[2J\x07.txt"
    (tmp_path / name).write_bytes(b"\x1b[31mwhat causes a blood clot behind the knee\x00\n")
    (tmp_path / "nul.txt").write_bytes(b"\x9b2Jhow is a clot treated\x1b]0;owned\x07\n")
    proc = run_cli(tmp_path, "batch", name, "nul.txt", str(tmp_path / ("gone\x1b[5m.wav")), input=b"")
    out = assert_plain(proc, 1, "\\x1b")
    raw = proc.stdout + proc.stderr
    for control in (b"\x1b", b"\x00", b"\x07", "\x9b".encode()):
        assert control not in raw, (control, raw)
    assert "gone\\x1b[5m.wav" in out


def test_a_15_mb_question_is_refused_in_little_memory(tmp_path: Path) -> None:
    """A 15 MB one-line question used 1.67 GB. Piped into chat it is refused with a plain reply (and the next
    question still answered); in a batch file it is refused for that line or that file."""
    huge = "what causes a clot " * (15 * 2**20 // 19)
    # The peak from /proc (VmHWM), not getrusage: ru_maxrss survives exec, so a child forked from a large
    # pytest process would report pytest's own peak.
    wrapper = ("import sys\nfrom voiceguide.cli.app import main\ncode = main(sys.argv[1:])\n"
               "peak = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
               "print('MAXRSS_KB', peak, file=sys.stderr)\n"
               "sys.exit(code)\n")
    proc = subprocess.run([sys.executable, "-c", wrapper, "chat"], input=huge + "\nwhat causes a clot\n",
                          capture_output=True, text=True, timeout=60, env=cli_env(tmp_path))
    out = assert_plain(proc, 0, "too long", "at most 2,000")
    assert "From the article" in proc.stdout  # the next question was answered
    max_rss_mb = int(out.split("MAXRSS_KB")[1].split()[0]) / 1024
    assert max_rss_mb < 250, max_rss_mb
    big_line = tmp_path / "line.txt"
    big_line.write_text("what causes a clot " * 300 + "\nwhat causes a blood clot behind the knee\n")
    proc = run_cli(tmp_path, "batch", "--json", str(big_line))
    assert_plain(proc, 1, "too long")
    assert [("error" in json.loads(r)) for r in proc.stdout.splitlines()] == [True, False]
    big_file = tmp_path / "huge.txt"
    big_file.write_text(huge)
    proc = run_cli(tmp_path, "batch", str(big_file))
    assert_plain(proc, 1, "too large", "at most 10.0 MB")


# ---------------------------------------------------------------------------------------------- audio


def _damaged_wav(path: Path) -> Path:
    speech, rate = sf.read(str(QUESTION_WAV), dtype="float32")
    speech[1000:1010] = np.nan
    speech[2000] = np.inf
    sf.write(str(path), speech, rate, subtype="FLOAT")
    return path


def test_nan_samples_are_damaged_for_listen_as_for_ask(tmp_path: Path) -> None:
    bad = _damaged_wav(tmp_path / "nan.wav")
    proc = run_cli(tmp_path, "ask", "--audio", str(bad))
    assert_plain(proc, 1, "nan.wav", "damaged (invalid sample values)")
    proc = run_cli(tmp_path, "listen", "--input-file", str(bad), "--output-file", str(tmp_path / "o.wav"),
                   "--fast")
    assert_plain(proc, 2, "nan.wav", "damaged (invalid sample values)")
    assert not (tmp_path / "o.wav").exists() and leftovers(tmp_path) == []
