"""The committed recorded-question corpus (tests/audio) is well formed and labelled the way it claims.

Recognition accuracy on these files is tested elsewhere, with the real recognizers; this file only makes sure
the corpus those tests stand on is sound: every label has its file and every file its label, the audio is what
recognizers are fed (16 kHz mono 16-bit), there is enough variety (voices, rates, noise, rooms, kinds of
question), and the labels are still what the generator would write from the question set today.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import soundfile as sf
import yaml

from tests.conftest import answered_as_labelled
from voiceguide.answer.commands import Command
from voiceguide.answer.conversation import Conversation
from voiceguide.answer.triage import Urgency

REPO = Path(__file__).resolve().parents[1]
AUDIO = REPO / "tests" / "audio"
LABELS = yaml.safe_load((AUDIO / "labels.yaml").read_text(encoding="utf-8"))
FIELDS = ("file", "text", "voice", "rate", "noise", "far_field", "topic", "urgency", "command", "kind")
KINDS = {"domain", "emergency", "see-doctor", "command", "out-of-scope"}
FRAME = 1600  # 100 ms at 16 kHz


def _generator(name: str = "make_test_audio"):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _read(label: dict) -> np.ndarray:
    samples, rate = sf.read(str(AUDIO / label["file"]), dtype="float32")
    assert rate == 16000
    return samples


def _quietest_frame_rms(samples: np.ndarray) -> float:
    frames = samples[: len(samples) // FRAME * FRAME].reshape(-1, FRAME)
    return float(np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)).min())


def _clean() -> list[dict]:
    """No noise added (far-field files without noise included): their edges are digital silence."""
    return [label for label in LABELS if label["noise"] is None]


def _noisy() -> list[dict]:
    return [label for label in LABELS if label["noise"] is not None]


def _group(label: dict) -> str:
    """The groups recognition is scored by: far field (with or without a little noise), else by SNR."""
    if label["far_field"]:
        return "far-field"
    return "clean" if label["noise"] is None else f"{label['noise']:g} dB"


def test_every_label_has_a_file_and_every_file_a_label():
    labelled = [label["file"] for label in LABELS]
    assert len(labelled) == len(set(labelled)), "a file is labelled twice"
    on_disk = {path.name for path in AUDIO.glob("*.wav")}
    assert set(labelled) - on_disk == set(), "labels without a file"
    assert on_disk - set(labelled) == set(), "files without a label"


def test_labels_have_the_documented_fields_and_values(content):
    # A topic is a section id, or "general.<aspect>" for the combined answer across both places.
    section_ids = ({section.id for section in content.sections}
                   | {f"general.{s.about}" for s in content.sections})
    commands = {command.value for command in Command}
    urgencies = {urgency.value for urgency in Urgency}
    for label in LABELS:
        assert tuple(label) == FIELDS, label["file"]
        assert label["text"] and label["text"] == label["text"].lower(), label["file"]
        assert label["urgency"] in urgencies, label["file"]
        assert label["kind"] in KINDS, label["file"]
        assert label["noise"] is None or isinstance(label["noise"], float), label["file"]
        assert isinstance(label["far_field"], bool), label["file"]
        topic = label["topic"]
        topics = topic if isinstance(topic, list) else [topic]
        for one in topics:
            assert one is None or one == "any" or one in section_ids, f"{label['file']}: unknown topic {one}"
        if label["kind"] == "command":
            assert label["command"] in commands and topic is None and label["urgency"] == "none", label
        else:
            assert label["command"] is None, label["file"]
        if label["kind"] == "out-of-scope":
            assert topic is None and label["urgency"] == "none", label["file"]
        if label["kind"] in ("emergency", "see-doctor"):
            assert label["urgency"] == label["kind"], label["file"]


def test_files_are_16k_mono_16bit_wav_of_sane_length():
    for label in LABELS:
        info = sf.info(str(AUDIO / label["file"]))
        assert (info.format, info.subtype) == ("WAV", "PCM_16"), label["file"]
        assert (info.samplerate, info.channels) == (16000, 1), label["file"]
        assert 0.4 <= info.duration <= 4.5, f"{label['file']}: {info.duration:.2f} s"


def test_files_hold_speech_that_is_neither_silent_nor_clipped():
    for label in LABELS:
        samples = _read(label)
        peak = float(np.max(np.abs(samples)))
        assert peak > 0.1, f"{label['file']} is (nearly) silent"
        assert np.mean(np.abs(samples) >= 32767 / 32768) < 1e-4, f"{label['file']} is clipped"


def test_corpus_is_large_and_varied_enough(content):
    assert len(LABELS) >= 110
    voices = {label["voice"] for label in LABELS}
    assert len(voices) >= 10 and len({voice for voice in voices if voice.startswith("flite:")}) >= 2, voices
    assert len({label["rate"] for label in LABELS}) >= 3
    groups = Counter(_group(label) for label in LABELS)
    assert groups["clean"] >= 40 and groups["10 dB"] >= 20 and groups["5 dB"] >= 15, groups
    assert groups["far-field"] >= 20 and set(groups) == {"clean", "10 dB", "5 dB", "far-field"}, groups
    assert {label["noise"] for label in LABELS if label["far_field"]} == {None, 20.0}, (
        "far field: a little noise")
    kinds = Counter(label["kind"] for label in LABELS)
    assert kinds["emergency"] >= 22 and kinds["see-doctor"] >= 12 and kinds["out-of-scope"] >= 10, kinds
    assert {"repeat", "more", "help", "stop"} <= {label["command"] for label in LABELS}
    # Every group has the hard cases, so each can be scored on its own.
    for group in groups:
        assert {label["kind"] for label in LABELS if _group(label) == group} == KINDS, group
    # Every section of both documents is asked about.
    asked = set()
    for label in LABELS:
        if label["kind"] == "domain":
            asked.update(label["topic"] if isinstance(label["topic"], list) else [label["topic"]])
    assert {section.id for section in content.sections} - asked == set()


def test_corpus_stays_small():
    total = sum((AUDIO / label["file"]).stat().st_size for label in LABELS)
    assert total < 9.0e6, f"tests/audio holds {total / 1e6:.1f} MB of audio; keep the corpus small"


def test_noisy_files_are_not_digitally_clean():
    """The SNR cannot be re-measured once speech and noise are mixed, but the noise can still be seen: clean
    files have digital silence at their edges, noisy ones a noise floor everywhere, and that floor sits a
    little more than the labelled SNR under the file's level (the quietest 100 ms of kitchen noise is below
    its average; a noise 40 dB down, as a barely audible hiss would be, fails)."""
    clean_floor = max(_quietest_frame_rms(_read(label)) for label in _clean())
    for label in _noisy():
        samples = _read(label)
        floor = _quietest_frame_rms(samples)
        assert floor > max(0.003, 20 * clean_floor), f"{label['file']}: quietest 100 ms at RMS {floor:.5f}"
        level_over_floor_db = 20 * np.log10(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) / floor)
        snr = label["noise"]
        assert snr - 3.0 < level_over_floor_db < snr + 12.0, (
            f"{label['file']}: {level_over_floor_db:.1f} dB over the floor at {snr:g} dB SNR"
        )


def test_far_field_rooms_are_reproducible_and_as_documented():
    """A far-field file's room is drawn from its name: the same response every time, a direct path with the
    documented direct-to-reverberant ratio, and a tail that decays in about the documented RT60."""
    gen = _generator()
    for label in (label for label in LABELS if label["far_field"]):
        response = gen.ar.room_impulse_response(label["file"], gen.SEED)
        assert np.array_equal(response, gen.ar.room_impulse_response(label["file"], gen.SEED))
        energy = response.astype(np.float64) ** 2
        drr_db = 10 * np.log10(energy[0] / energy[1:].sum())
        assert gen.ar.DRR_RANGE_DB[0] - 0.5 < drr_db < gen.ar.DRR_RANGE_DB[1] + 0.5, (label["file"], drr_db)
        decay_db = 10 * np.log10(np.cumsum(energy[::-1])[::-1] / energy.sum())
        t20 = 3 * (np.argmax(decay_db < -25) - np.argmax(decay_db < -5)) / 16000  # RT60 from a 20 dB decay
        assert 0.25 < t20 < gen.ar.RT60_RANGE_S[1], (label["file"], t20)


def test_labels_are_what_the_generator_writes_today():
    """Catches hand-edited labels, and a data file, question set or generator changed without regenerating."""
    gen = _generator()
    expected = gen.planned_labels(gen.labelled(gen.load_items()))
    assert len(expected) == len(LABELS)
    for want, label in zip(expected, LABELS, strict=True):
        assert label == want, (f"{label['file']}: labels are stale; "
                               "run .venv/bin/python scripts/make_test_audio.py")


def test_every_label_is_what_the_typed_router_answers(content):
    """The label's text, typed, gets the label's topic (or one of them), urgency and command: so a recording
    answered wrongly was misheard, not misrouted, and a router change that moves a label shows up here."""
    for label in LABELS:
        reply = Conversation(content).handle(label["text"])
        got = (reply.topic, reply.urgency.value, reply.command.value if reply.command else None)
        assert answered_as_labelled(label, reply), (label["file"], got)


def test_generator_refuses_to_run_without_the_noise_recording(tmp_path, capsys):
    gen = _generator()
    out = tmp_path / "audio"
    code = gen.main(["--out", str(out), "--noise", str(tmp_path / "missing" / "kitchen-noise-16k.wav")])
    assert code != 0
    message = capsys.readouterr().err
    assert "kitchen-noise" in message and "--no-noise" in message
    assert not out.exists(), "nothing is written when the noise is missing"


def test_label_texts_are_plain_words():
    """Text is what a recognizer should hear: lower case words, no markup, so recognizer tests can compare."""
    for label in LABELS:
        assert all(ch.isalnum() or ch in " '" for ch in label["text"]), label["text"]


def test_tuning_wordings_and_speakers_are_not_the_tests():
    """The tuning set (rendered into out/tuning, never read by tests) must stay apart from every test sentence
    and from this corpus's voices and rates, or tuning on it would be tuning on the test. Checked here too,
    so that a sentence added to a test set that equals a tuning wording fails at once."""
    tuning = _generator("make_tuning_audio")
    data = tuning.load()
    assert tuning.collisions(data) == []
    assert tuning.shared_speakers(data) == (set(), set())
    assert tuning.invalid_labels(data) == []
    assert len(tuning.planned_labels(data)) >= 120
