"""The kiosk as a service: start-up waits for a microphone that is not there yet (as at boot) and says what it
waits for; and the systemd unit that runs it passes `systemd-analyze verify`.

The microphone is a recording that appears after a few tries (the file-backed stand-in for a USB microphone
found late at boot); everything else is real: `voiceguide listen --kiosk` in its own process, its backoff,
espeak-ng speaking the wait into an answers folder, and Whisper hearing what it said.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO
from tests.sessions import build_session, private_env, spoken_turns
from voiceguide.live.kiosk_startup import Missing, wait_for_devices
from voiceguide.speech.file_devices import FileInput

UNIT = REPO / "scripts" / "voiceguide-kiosk.service"
QUESTION = "what are the symptoms of a blood clot behind the knee"


def test_start_up_waits_for_a_microphone_that_appears_later(tmp_path: Path) -> None:
    """Tries 1-2 find no recording; the wait before the third puts it in place. Backoff doubles; what is
    waited for is announced once, and again only when it changes (here: first missing, then an empty file)."""
    session = build_session(tmp_path / "session.wav", [QUESTION], noise_db=None)
    microphone = tmp_path / "microphone.wav"
    delays: list[float] = []
    announced: list[Missing] = []
    opened: list[FileInput] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        if len(delays) == 2:
            microphone.write_bytes(b"")  # plugged in, but not working yet
        if len(delays) == 4:
            shutil.copy(session, microphone)

    tries = wait_for_devices(lambda _attempt: opened.append(FileInput(microphone, realtime=False)),
                             announced.append, sleep=sleep, max_backoff=4.0)
    assert tries == 5 and delays == [1.0, 2.0, 4.0, 4.0]
    assert [m.what for m in announced] == ["microphone", "microphone"]
    assert "does not exist" in announced[0].reason and "is empty" in announced[1].reason
    assert all(m.speaker_works for m in announced)
    assert len(opened) == 1 and opened[0].duration > 2.0


def _wait_for_line(proc: subprocess.Popen, wanted: str, lines: list[str], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            break
        lines.append(line)
        if wanted in line:
            return
    raise AssertionError(f"{wanted!r} never appeared:\n{''.join(lines)}")


def test_kiosk_waits_speaks_and_starts_when_the_microphone_appears(tmp_path: Path) -> None:
    from tests.test_tts_piper import heard

    session = build_session(tmp_path / "session.wav", [QUESTION], noise_db=None)
    microphone = tmp_path / "microphone.wav"
    answers = tmp_path / "answers"
    proc = subprocess.Popen([str(REPO / ".venv/bin/voiceguide"), "listen", "--kiosk", "--no-welcome",
                             "--fast", "--input-file", str(microphone), "--output-dir", str(answers)],
                            env=private_env(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        _wait_for_line(proc, "waiting for the microphone (attempt 2)", lines)
        os.replace(shutil.copy(session, tmp_path / "plugging-in.wav"), microphone)  # it appears whole
        rest, _ = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = "".join(lines) + rest
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    assert "trying again in 1 s" in output.lower() and "trying again in 2 s" in output.lower()
    # Shown once (not at every try), then the run went on as usual and answered.
    assert output.count("Waiting for the microphone: The recording") == 1, output
    turns = spoken_turns(output)
    assert len(turns) == 1 and turns[0][1], output
    names = sorted(p.name for p in answers.iterdir())
    assert names == ["001-answer-1.wav", "001-waiting.wav"], names
    samples, rate = sf.read(str(answers / "001-waiting.wav"), dtype="float32")
    assert float(np.sqrt(np.mean(samples**2))) > 0.02
    words = heard(samples, rate).split()
    assert "waiting" in words and "microphone" in words, words


# ---------------------------------------------------------------------------------------------- the unit


def _unit() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_unit_runs_the_kiosk_unprivileged_and_restarts_it() -> None:
    unit = _unit()
    assert re.search(r"voiceguide listen --kiosk\b", unit["ExecStart"][0]), unit["ExecStart"]
    assert unit["Restart"] == ["on-failure"]
    assert unit.get("DynamicUser") == ["yes"] or unit.get("User", ["root"])[0] not in ("root", "0")
    assert "audio" in unit["SupplementaryGroups"][0].split()
    assert "MALLOC_ARENA_MAX=2" in " ".join(unit["Environment"])
    assert unit["StandardOutput"] == ["journal"] and unit["StandardError"] == ["journal"]
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateNetwork"):
        assert hardening in unit, hardening


def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    """systemd's own check of the unit. It also checks that ExecStart's program exists,
    so the unit is verified with its program path pointing at this checkout's voiceguide;
    the user need not exist for verify."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (Debian: apt-get install systemd)")
    text = UNIT.read_text()
    installed = re.search(r"ExecStart=(\S+)", text)
    assert installed is not None
    local = tmp_path / "voiceguide-kiosk.service"
    local.write_text(text.replace(installed.group(1), str(REPO / ".venv/bin/voiceguide")))
    proc = subprocess.run([analyze, "verify", str(local)], capture_output=True, text=True, timeout=60)
    problems = [line for line in (proc.stdout + proc.stderr).splitlines()
                if line.strip() and "Failed to connect to bus" not in line and "-.mount" not in line]
    assert proc.returncode == 0 and not problems, proc.stdout + proc.stderr


def test_a_broken_unit_fails_verification(tmp_path: Path) -> None:
    """The check above can fail: a misspelt setting and a relative program path are reported."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (Debian: apt-get install systemd)")
    broken = tmp_path / "broken.service"
    broken.write_text("[Service]\nExecStart=voiceguide listen --kiosk\nRestartt=on-failure\n")
    proc = subprocess.run([analyze, "verify", str(broken)], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "Restartt" in proc.stderr, proc.stderr
