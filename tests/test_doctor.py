"""`voiceguide doctor` on this machine (espeak-ng, PortAudio, no sound card) and with broken content."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import REPO
from voiceguide.doctor import FAIL, OK, WARN, check_content, check_settings, check_sound_devices, run_doctor


def test_doctor_reports_every_part_and_treats_no_sound_card_as_a_warning() -> None:
    proc = subprocess.run([str(REPO / ".venv/bin/voiceguide"), "doctor"], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    out = proc.stdout
    for part in ("Python packages", "speech engine (espeak-ng)", "sound system (PortAudio)", "microphone",
                 "speaker", "compiled content", "speech recognition", "recognizer hears speech"):
        assert part in out, out
    assert "ok    speech engine (espeak-ng): rendered" in out
    assert "ok    speech recognition:" in out, out
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert (proc.returncode != 0) == bool(fails), out
    assert not fails, out  # on this machine everything essential is there
    assert "Traceback" not in proc.stderr


def test_no_sound_card_is_a_warning_with_a_fix() -> None:
    checks = {c.name: c for c in check_sound_devices()}
    assert checks["sound system (PortAudio)"].status == OK
    for name in ("microphone", "speaker"):
        if checks[name].status != OK:  # this machine: no devices
            assert checks[name].status == WARN and "voiceguide chat" in checks[name].fix


def test_broken_content_fails_with_its_fix(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "compiled.json"
    broken.write_text("{ not json", encoding="utf-8")
    checks, content = check_content(broken)
    assert content is None and checks[0].status == FAIL and "voiceguide compile" in checks[0].fix
    assert run_doctor(content_path=broken) == 1
    out = capsys.readouterr().out
    assert "FAIL  compiled content" in out and "fix: rebuild it: voiceguide compile" in out


def test_damaged_settings_file_is_a_warning(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.json").write_text("{ damaged", encoding="utf-8")
    check = check_settings()
    assert check.status == WARN and "config.json" in check.fix
