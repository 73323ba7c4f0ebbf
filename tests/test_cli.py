"""The command line as people use it: the installed `voiceguide` command, and the JSON contract."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from voiceguide.cli import app as cli

VOICEGUIDE = Path(sys.executable).parent / "voiceguide"
CONTRACT = ["input", "heard", "topic", "urgency", "answer", "sources"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(VOICEGUIDE), *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_ask_json_knee_symptoms():
    out = run("ask", "--json", "what are the symptoms of a blood clot behind the knee")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert list(result) == CONTRACT
    assert result["topic"] == "blood-clot-behind-knee.symptoms"
    assert result["urgency"] == "none"
    assert result["sources"] == ["What Are the Symptoms of a Blood Clot Behind the Knee?"]


def test_ask_json_emergency_advice_first():
    result = json.loads(run("ask", "--json", "my leg is swollen and now I have chest pain").stdout)
    assert result["urgency"] == "emergency"
    assert result["answer"].startswith("This could be an emergency. Call your local emergency number")


def test_ask_json_weather_is_out_of_scope():
    result = json.loads(run("ask", "--json", "what's the weather like today").stdout)
    assert result["topic"] is None
    assert result["answer"].startswith("I can answer questions about blood clots")


def test_python_dash_m_is_the_same_command():
    out = subprocess.run(
        [sys.executable, "-m", "voiceguide", "ask", "what causes blood clots in the buttocks"],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0
    # the first factor leads
    assert "Extended periods of immobility are a significant contributor" in out.stdout


def test_emergency_number_flag():
    result = json.loads(run("ask", "--json", "--emergency-number", "112", "i can't breathe").stdout)
    assert result["answer"].startswith("This could be an emergency. Call 112 now.")


def test_batch_text_file_one_result_per_line_in_order(tmp_path: Path):
    questions = [
        "how is a blood clot behind the knee treated", "", "play some music", "i think i have a blood clot"
    ]
    qfile = tmp_path / "questions.txt"
    qfile.write_text("\n".join(questions) + "\n")
    out = run("batch", "--json", str(qfile))
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["input"] for r in results] == [q for q in questions if q]
    assert results[0]["topic"] == "blood-clot-behind-knee.treatment"
    assert results[1]["topic"] is None
    assert results[2]["urgency"] == "see-doctor"
    assert all(set(CONTRACT) <= set(r) and r["engine"] == "text" for r in results)


def test_batch_bad_input_fails_alone(tmp_path: Path):
    qfile = tmp_path / "q.txt"
    qfile.write_text("what causes a blood clot behind the knee\n")
    report = tmp_path / "report.json"
    out = run("batch", "--json", "--report", str(report), str(tmp_path / "missing.wav"), str(qfile))
    assert out.returncode == 1
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert "no such file" in results[0]["error"]
    assert results[1]["topic"] == "blood-clot-behind-knee.causes" and "error" not in results[1]
    saved = json.loads(report.read_text())
    assert saved["summary"]["inputs"] == 2 and saved["summary"]["failed"] == 1


def test_chat_with_piped_stdin():
    script = "what are the symptoms of a blood clot\nknee\nhow is it treated\nrepeat\ngoodbye\nnot read\n"
    out = run("chat", stdin=script)
    lines = out.stdout.splitlines()
    assert out.returncode == 0
    assert len(lines) == 5
    assert "For a clot behind the knee" in lines[0]
    assert "Treatment may include blood thinners" in lines[2]  # the sentence that answers leads
    assert lines[3] == lines[2]
    assert lines[4] == "VoiceGuide: Goodbye. Take care."


def test_topics_lists_sections():
    out = run("topics")
    assert "blood-clot-buttocks.symptoms" in out.stdout
    assert "blood-clot-behind-knee.fatal" in out.stdout


def test_compile_check_passes_on_the_committed_file():
    out = run("compile", "--check")
    assert out.returncode == 0, out.stderr


def test_whole_chat_session_opens_no_network_connection(monkeypatch, capsys):
    """Connecting, sending or looking up a name raises, so any attempt to reach the network fails this
    test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("VoiceGuide tried to open a network connection")

    for name in ("connect", "connect_ex", "sendto", "sendall", "send"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    session = "\n".join([
        "what are the symptoms of a blood clot behind the knee", "tell me more", "repeat",
        "my calf is swollen and i have chest pain", "what is the weather", "help", "goodbye",
    ]) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(session))
    assert cli.main(["chat", "--json"]) == 0
    replies = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(replies) == 7 and not attempts
    assert replies[3]["urgency"] == "emergency"


@pytest.mark.parametrize("argv", [["ask"], ["ask", "  "]])
def test_ask_without_a_question_explains(argv, capsys):
    assert cli.main(argv) == 2
    assert "Give a question" in capsys.readouterr().err
