"""`voiceguide ask --audio` and `voiceguide batch` on recordings: real files, the real recognizer, real WAVs
out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

VOICEGUIDE = Path(sys.executable).parent / "voiceguide"
AUDIO = Path(__file__).parent / "audio"
KNEE = AUDIO / "001-what-are-the-symptoms-of-a-blood-clot-be.wav"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(VOICEGUIDE), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_ask_audio_json(tmp_path: Path):
    # The same question as FLAC at 44.1 kHz stereo: any rate and channel count is converted.
    speech, rate = sf.read(KNEE, dtype="float32")
    stereo = tmp_path / "question.flac"
    import soxr

    sf.write(stereo, soxr.resample(np.stack([speech, speech], axis=1), rate, 44100), 44100)
    out = run("ask", "--audio", str(stereo), "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["input"] == str(stereo)
    assert result["topic"] == "blood-clot-behind-knee.symptoms"
    assert result["engine"] == "whisper" and 0 < result["confidence"] <= 1
    assert result["asr_ms"] > 0 and result["total_ms"] >= result["asr_ms"]


def test_batch_folder_with_bad_files_report_and_spoken_answers(tmp_path: Path):
    folder = tmp_path / "recordings"
    folder.mkdir()
    for name in (
        "001-what-are-the-symptoms-of-a-blood-clot-be.wav", "030-my-leg-is-swollen-and-now-i-have-chest-p.wav"
    ):
        source = AUDIO / name
        if source.exists():
            (folder / name).write_bytes(source.read_bytes())
    (folder / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really")
    (folder / "empty.ogg").write_bytes(b"")
    sf.write(folder / "silence.wav", np.zeros(16000, dtype=np.float32), 16000)
    questions = tmp_path / "typed.txt"
    questions.write_text("how is a blood clot in the buttocks treated\n")
    report, answers = tmp_path / "report.json", tmp_path / "answers"
    out = run(
        "batch", "--json", "--report", str(report), "--out-dir", str(answers), str(folder), str(questions)
    )
    assert out.returncode == 1  # some inputs failed, and the exit code says so
    results = [json.loads(line) for line in out.stdout.splitlines()]
    by_input = {Path(r["input"]).name if r["engine"] != "text" else r["input"]: r for r in results}
    assert all(r["engine"] is None for r in results if "error" in r)
    assert len(results) == len(list(folder.iterdir())) + 1
    good = by_input["001-what-are-the-symptoms-of-a-blood-clot-be.wav"]
    assert good["topic"] == "blood-clot-behind-knee.symptoms" and "error" not in good
    for bad in ("broken.wav", "empty.ogg", "silence.wav"):
        assert by_input[bad]["error"] and by_input[bad]["answer"] is None, bad
    assert "silent" in by_input["silence.wav"]["error"]
    assert by_input["030-my-leg-is-swollen-and-now-i-have-chest-p.wav"]["heard"]
    typed = by_input["how is a blood clot in the buttocks treated"]
    assert typed["topic"] == "blood-clot-buttocks.treatment"
    # Every answer was also spoken into a WAV of real speech.
    for r in results:
        if r["answer"]:
            wav, rate = sf.read(r["audio_out"], dtype="float32")
            assert rate >= 16000 and len(wav) / rate > 2.0 and np.abs(wav).max() > 0.05
    saved = json.loads(report.read_text())
    assert saved["summary"]["failed"] == 3 and len(saved["results"]) == len(results)
