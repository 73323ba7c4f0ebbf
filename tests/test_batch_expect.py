"""`voiceguide batch --expect`, reports by extension and --junit: the real command on typed questions and real
recordings, its files read back with the standard library's own parsers (json, csv, xml.etree)."""

from __future__ import annotations

import csv
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from scripts.make_expectations import EXPECT, LABELS, expectations_text
from tests.conftest import answered_as_labelled, label_expectation
from tests.hostile import QUESTION_WAV, assert_plain, run_cli
from voiceguide.answer.conversation import Conversation
from voiceguide.content.content_model import load_content
from voiceguide.expectations import Check, load_expectations, parse_expectation, topic_ids

CAUSES = "what causes a blood clot behind the knee"
EMERGENCY = "my leg is swollen and i have chest pain"
WEATHER = "will it rain tomorrow"


def _lines(*objects: dict) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def _typed_expectations(folder: Path) -> Path:
    """Three questions as expected and one expected wrongly on purpose (a miss to find)."""
    path = folder / "expect.jsonl"
    path.write_text(_lines(
        {"input": CAUSES, "topic": "blood-clot-behind-knee.causes", "urgency": "none"},
        {"input": EMERGENCY, "urgency": "emergency", "answer_contains": ["NOT-IN-ANY-ANSWER", "Emergency"]},
        {"input": WEATHER, "topic": None, "command": None},
        {"input": "how is a clot in the buttocks treated", "topic": "blood-clot-behind-knee.causes",
         "answer_contains": ["no such words here"]},
    ))
    return path


def test_the_corpus_expectations_are_made_from_its_labels():
    """tests/audio/expect.jsonl is scripts/make_expectations.py's output for labels.yaml, parses, names files
    that are there, and scores each typed label exactly as the label does."""
    assert EXPECT.read_text() == expectations_text(), "run scripts/make_expectations.py"
    labels = yaml.safe_load(LABELS.read_text())
    expectations = load_expectations(EXPECT)
    assert [e.input for e in expectations.items] == [label["file"] for label in labels]
    assert all(e.audio is not None and e.audio.is_file() for e in expectations.items)
    assert expectations.unknown_topics(topic_ids(load_content())) is None
    by_kind = {label["topic"] == "any": label for label in labels}
    assert Check.TOPIC not in parse_expectation(label_expectation(by_kind[True])).checks
    assert parse_expectation(label_expectation(by_kind[False])).checks == (
        Check.TOPIC, Check.URGENCY, Check.COMMAND
    )
    content = load_content()
    for label in labels[:40]:
        reply = Conversation(content).handle(label["text"])
        assert answered_as_labelled(label, reply), label["file"]
        wrong = {**label, "urgency": "emergency" if label["urgency"] != "emergency" else "none"}
        assert not answered_as_labelled(wrong, reply), label["file"]


def test_typed_questions_scored_with_a_summary_line_and_min_pass(tmp_path: Path):
    expect = _typed_expectations(tmp_path)
    questions = tmp_path / "q.txt"
    questions.write_text(
        f"{CAUSES}\n{EMERGENCY}\n{WEATHER}\nhow is a clot in the buttocks treated\nhello there\n"
    )
    proc = run_cli(tmp_path, "batch", "--json", "--expect", str(expect), str(questions))
    assert proc.returncode == 1, proc.stderr  # 3 of 4 is below the default --min-pass 1.0
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["pass"] for r in rows] == [True, True, True, False, None]
    assert rows[3]["missed"] == ["topic", "answer"] and rows[4]["expected"] is None
    assert rows[1]["expected"] == {
        "urgency": "emergency", "answer_contains": ["NOT-IN-ANY-ANSWER", "Emergency"]
    }
    assert rows[2]["expected"] == {"topic": None, "command": None}
    assert proc.stderr.splitlines()[-1] == (
        "3 of 4 as expected (topic 2/3, urgency 2/2, answer 1/2, command 1/1); "
        "1 input not in the expectations"
    )
    assert run_cli(
        tmp_path, "batch", "--expect", str(expect), "--min-pass", "0.75", str(questions)
    ).returncode == 0
    assert run_cli(
        tmp_path, "batch", "--expect", str(expect), "--min-pass", "0.76", str(questions)
    ).returncode == 1
    # Without --json the summary ends stdout; with no inputs given, the file's own inputs are run.
    alone = run_cli(tmp_path, "batch", "--expect", str(expect), "--min-pass", "0.7")
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.splitlines()[-1] == (
        "3 of 4 as expected (topic 2/3, urgency 2/2, answer 1/2, command 1/1)"
    )
    assert_plain(run_cli(tmp_path, "batch", "--expect", str(expect), "--min-pass", "1.5"), 2, "from 0 to 1")


def test_recordings_are_found_relative_to_the_expectations_file(tmp_path: Path):
    folder = tmp_path / "set"
    folder.mkdir()
    shutil.copy(QUESTION_WAV, folder / "knee.wav")
    expect = folder / "expect.jsonl"
    expect.write_text(_lines(
        {"input": "knee.wav", "topic": "blood-clot-behind-knee.symptoms", "urgency": "none"},
        {"input": "gone.wav", "urgency": "none"},
    ))
    proc = run_cli(tmp_path, "batch", "--json", "--expect", str(expect), "--min-pass", "0.5")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["pass"] for r in rows] == [True, False]  # a recording that is not there is a miss, not skipped
    assert "no such file" in rows[1]["error"] and rows[1]["missed"] == ["urgency"]
    assert proc.returncode == 0 and "1 of 2 as expected" in proc.stderr
    # Given as a folder from elsewhere, the same recording is matched by its real path.
    proc = run_cli(tmp_path, "batch", "--json", "--expect", str(expect), str(folder))
    assert [json.loads(line)["pass"] for line in proc.stdout.splitlines()] == [True]
    assert proc.returncode == 0 and "not in this run: gone.wav (line 2)" in proc.stderr


@pytest.mark.parametrize(("content", "words"), [
    ('{"input": "a question", "urgency": "none"}\nnot json\n', ["line 2", "not JSON"]),
    ('{"input": "a question", "urgancy": "none"}\n', ["line 1", "unknown field 'urgancy'"]),
    ('{"input": "a question", "urgency": "soon"}\n', ["line 1", "emergency, see-doctor, none"]),
    ('{"input": "a question", "answer_contains": "clot"}\n', ["line 1", "answer_contains", "list"]),
    ('{"input": "a question", "answer_contains": []}\n', ["line 1", "answer_contains"]),
    ('{"input": "a question"}\n', ["line 1", "nothing to check"]),
    ('{"topic": null}\n', ["line 1", "input"]),
    ('["a question", "none"]\n', ["line 1", "JSON object"]),
    ('{"input": "a question", "topic": "knee.symptons"}\n', ["line 1", "knee.symptons", "not a topic"]),
    ('{"input": "a question", "topic": []}\n', ["line 1", "topic"]),
    ('{"input": "a question", "command": "jump"}\n', ["line 1", "command", "repeat"]),
    ('\n{"input": "Same  question", "urgency": "none"}\n{"input": "same question", "topic": null}\n',
     ["line 3", "already expected on line 2"]),
    ("", ["no expectations"]),
])
def test_a_bad_expectations_file_is_refused_naming_the_line(tmp_path: Path, content: str, words: list[str]):
    expect = tmp_path / "expect.jsonl"
    expect.write_text(content)
    questions = tmp_path / "q.txt"
    questions.write_text(f"{CAUSES}\n")
    report = tmp_path / "r.html"
    proc = run_cli(tmp_path, "batch", "--expect", str(expect), "--report", str(report), str(questions))
    out = assert_plain(proc, 2, str(expect), *words)
    assert len(out.strip().splitlines()) == 1 and not report.exists()  # refused before any answer


def test_bad_bytes_and_a_missing_expectations_file(tmp_path: Path):
    expect = tmp_path / "expect.jsonl"
    expect.write_bytes(
        b'{"input": "a question", "urgency": "none"}\n{"input": "caf\xe9", "urgency": "none"}\n'
    )
    assert_plain(run_cli(tmp_path, "batch", "--expect", str(expect)), 2, "line 2", "not UTF-8")
    assert_plain(
        run_cli(tmp_path, "batch", "--expect", str(tmp_path / "nope.jsonl")), 2, "nope.jsonl", "no such file"
    )
    assert_plain(run_cli(tmp_path, "batch"), 2, "--expect")


def test_reports_by_extension_and_junit(tmp_path: Path):
    expect = _typed_expectations(tmp_path)
    questions = tmp_path / "q.txt"
    questions.write_text(f"{CAUSES}\n{EMERGENCY}\n{WEATHER}\nhow is a clot in the buttocks treated\n"
                         f"=HYPERLINK(\"x\") what causes a clot\n")
    missing = tmp_path / "missing.wav"
    base = ("batch", "--expect", str(expect), "--min-pass", "0", str(questions), str(missing))
    for suffix in (".json", ".jsonl", ".csv", ".html"):
        proc = run_cli(
            tmp_path, *base, "--report", str(tmp_path / f"r{suffix}"), "--junit", str(tmp_path / "j.xml")
        )
        assert proc.returncode == 1, proc.stderr  # an input without expectations failed (missing.wav)
    whole = json.loads((tmp_path / "r.json").read_text())
    rows = whole["results"]
    assert len(rows) == 6 and whole["summary"]["failed"] == 1
    assert whole["summary"]["expect"]["line"].startswith("3 of 4 as expected")
    assert whole["summary"]["expect"]["topic"] == {"right": 2, "checked": 3}
    untimed = [{k: v for k, v in r.items() if not k.endswith("_ms")} for r in rows]
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [{k: v for k, v in r.items() if not k.endswith("_ms")} for r in lines] == untimed  # another run
    with open(tmp_path / "r.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert [r["input"] for r in table[:4]] == [r["input"] for r in rows[:4]]
    assert [r["pass"] for r in table] == ["true", "true", "true", "false", "", ""]
    assert table[1]["expected_answer_contains"] == "NOT-IN-ANY-ANSWER; Emergency"
    assert table[2]["expected_topic"] == "(none)" and table[3]["missed"] == "topic; answer"
    assert table[4]["input"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert "no such file" in table[5]["error"]

    suite = ET.parse(tmp_path / "j.xml").getroot()
    assert suite.tag == "testsuites"
    (inner,) = suite.findall("testsuite")
    for element in (suite, inner):
        assert {k: element.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
            "tests": "6", "failures": "1", "errors": "1", "skipped": "1"}
    cases = inner.findall("testcase")
    assert [c.get("name") for c in cases] == [r["input"] for r in rows]
    assert cases[3].find("failure") is not None and (
        "missed topic, answer" in cases[3].find("failure").get("message")
    )
    assert cases[4].find("skipped") is not None and cases[5].find("error") is not None
    assert all(c.find("failure") is None and c.find("error") is None for c in cases[:3])

    page = (tmp_path / "r.html").read_text()
    assert "3 of 4 as expected" in page and "http" not in page.lower().replace('http-equiv', '')


def test_junit_without_expectations_and_with_control_characters(tmp_path: Path):
    questions = tmp_path / "q.txt"
    questions.write_text(f"{CAUSES}\n")
    odd = tmp_path / "bell\x07.wav"
    odd.write_bytes(b"RIFF")
    proc = run_cli(tmp_path, "batch", "--junit", str(tmp_path / "j.xml"), str(questions), str(odd))
    assert proc.returncode == 1
    suite = ET.parse(tmp_path / "j.xml").getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "2", "0", "1", "0"
    )
    assert "\\x07" in suite.findall(".//testcase")[1].get("name")


def test_an_unknown_report_extension_is_refused_before_any_work(tmp_path: Path):
    questions = tmp_path / "q.txt"
    questions.write_text(f"{CAUSES}\n")
    proc = run_cli(tmp_path, "batch", "--report", str(tmp_path / "r.txt"), str(questions))
    assert_plain(proc, 2, ".txt", ".json, .jsonl, .csv, .html")
    assert proc.stdout == "" and not (tmp_path / "r.txt").exists()
