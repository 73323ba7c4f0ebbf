"""Issue 9, start-up: a settings file with numbers Python cannot use (NaN, Infinity, 1e400, a 5,000-digit
integer) or nesting deeper than its stack is a plain warning in doctor, say and listen --kiosk, never a
traceback; and a kiosk whose start-up fails (bad content, no speaker) says so where it can, logs it and
tries again with backoff instead of exiting. Real processes, real settings files, real signals."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.hostile import QUESTION_WAV, assert_plain, cli_env, run_cli

HOSTILE_SETTINGS = {
    "nan": '{"speech": {"rate": NaN}}',
    "infinity": '{"speech": {"volume": Infinity}}',
    "1e400": '{"speech": {"rate": 1e400}}',
    "5000-digits": '{"speech": {"rate": 1' + "0" * 4999 + "}}",
    "deep-nesting": '{"speech": ' + "[" * 100_000 + "]" * 100_000 + "}",
}


def _env_with_settings(root: Path, text: str) -> dict[str, str]:
    env = cli_env(root)
    (Path(env["VOICEGUIDE_CONFIG_DIR"]) / "config.json").write_text(text)
    return env


@pytest.mark.parametrize("case", sorted(HOSTILE_SETTINGS))
def test_hostile_settings_are_a_plain_warning_in_doctor_say_and_kiosk(tmp_path: Path, case: str) -> None:
    env = _env_with_settings(tmp_path, HOSTILE_SETTINGS[case])
    proc = run_cli(tmp_path, "doctor", env=env, timeout=120)
    assert_plain(proc, proc.returncode, "speech settings", "config.json")
    assert proc.returncode in (0, 1)  # 1 only when something else on this machine fails
    proc = run_cli(tmp_path, "say", "--output", str(tmp_path / "hi.wav"), "hello there", env=env)
    assert_plain(proc, 0, "config.json", "using default speech settings")
    assert sf.info(str(tmp_path / "hi.wav")).frames > 0
    proc = run_cli(tmp_path, "listen", "--kiosk", "--input-file", str(QUESTION_WAV), "--output-file",
                   str(tmp_path / "out.wav"), "--fast", "--no-welcome", env=env, timeout=120)
    out = assert_plain(proc, 0, "Heard:")
    assert "something went wrong" not in out and sf.info(str(tmp_path / "out.wav")).frames > 0


def _kiosk_until_retried(root: Path, *args: str, env: dict[str, str] | None = None,
                         marker: str = "start-up failed") -> tuple[int, str, float]:
    """Starts `listen --kiosk ARGS`, waits until its second start-up attempt has failed (a log line with
    `marker`), then interrupts it as a person at the keyboard would. (exit code, stderr, seconds between the
    two attempts)."""
    proc = subprocess.Popen([sys.executable, "-m", "voiceguide", "listen", "--kiosk", *args], cwd=root,
                            env=env or cli_env(root), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines, times = [], []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = proc.stderr.readline()  # type: ignore[union-attr]
            if not line:
                break
            lines.append(line)
            if marker in line:
                times.append(time.monotonic())
                if len(times) == 2:
                    break
        assert proc.poll() is None, "the kiosk exited instead of retrying:\n" + "".join(lines)
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(times) == 2, "".join(lines)
    return proc.returncode, "".join(lines) + rest, times[1] - times[0]


def test_kiosk_with_bad_content_speaks_logs_and_retries(tmp_path: Path) -> None:
    bad = tmp_path / "compiled.json"
    bad.write_text('{"format": 1')
    out = tmp_path / "out.wav"
    code, stderr, gap = _kiosk_until_retried(tmp_path, "--content", str(bad),
                                             "--input-file", str(QUESTION_WAV),
                                             "--output-file", str(out), "--fast")
    assert code == 0 and "Traceback" not in stderr
    assert "start-up failed (attempt 1)" in stderr and "start-up failed (attempt 2)" in stderr
    assert "compiled.json" in stderr and "trying again in 1 s" in stderr and "trying again in 2 s" in stderr
    assert gap >= 0.9  # the backoff was waited, not spun
    spoken, _rate = sf.read(str(out), dtype="float32")  # the error tone and sentence went to the "speaker"
    assert len(spoken) > 22050 and np.abs(spoken).max() > 0.05


@pytest.fixture
def no_sound_card() -> None:
    from voiceguide.speech.audio_devices import NoAudioDeviceError, list_devices

    try:
        if list_devices():
            pytest.skip("this machine has sound devices; the case is a kiosk without a speaker")
    except NoAudioDeviceError:
        pass


def test_kiosk_with_no_speaker_logs_and_retries(tmp_path: Path, no_sound_card: None) -> None:
    code, stderr, _gap = _kiosk_until_retried(tmp_path, marker="waiting for the speaker")
    assert code == 0 and "Traceback" not in stderr
    assert "waiting for the speaker (attempt 2)" in stderr and "No speaker or headphones" in stderr
