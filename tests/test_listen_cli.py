"""`voiceguide listen` run as a person runs it, with recordings for the microphone: `--output-dir` (one WAV
per spoken answer) and push-to-talk driven through a real pseudo-terminal with real key presses.

Everything is real: a subprocess of .venv/bin/voiceguide, espeak-ng speech in, the embedded recognizer, the
Conversation, espeak-ng speech out and the WAV files it writes. What each answer file must hold is worked out
independently: the text a fresh Conversation gives for what the run says it heard, rendered again here, with
the tones the loop plays around an answer, and compared by loudness envelope (espeak-ng's renders differ by
a few samples from run to run, so sample equality would be the wrong test).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO
from tests.sessions import Terminal, build_session, private_env, render_in_fresh_engine, spoken_turns
from voiceguide.answer.conversation import OUT_OF_SCOPE, Conversation, emergency_instruction
from voiceguide.content.content_model import load_content
from voiceguide.live.loop import WELCOME
from voiceguide.speech.earcons import earcon
from voiceguide.speech.settings import VOLUME_DEFAULT
from voiceguide.speech.tts import Renderer, spoken_sentences

VOICEGUIDE = str(REPO / ".venv/bin/voiceguide")
TONE_VOLUME = VOLUME_DEFAULT * 0.6  # the loop plays its tones at 60% of the speech volume
HANDS_FREE = [
    "what are the symptoms of a blood clot behind the knee",
    "repeat that",
    "my leg is swollen and now i have chest pain",
    "play some music",
]


_RENDERER: Renderer | None = None
RATE = 22050
FRAME = RATE // 100  # 10 ms


def expected_clips(text: str, tone_before: str | None, cue_after: bool,
                   rendered: Iterator[np.ndarray] | None = None) -> list[np.ndarray]:
    """What the loop sends to the speaker for one answer, clip by clip: its tone, each spoken sentence
    (rendered again here, or taken in turn from `rendered`), the listening cue."""
    global _RENDERER
    _RENDERER = _RENDERER or Renderer()
    clips = [earcon(tone_before, volume=TONE_VOLUME).samples] if tone_before else []
    clips += [next(rendered) if rendered is not None else _RENDERER.render(sentence).samples
              for sentence in spoken_sentences(text)]
    if cue_after:
        clips.append(earcon("listening", volume=TONE_VOLUME).samples)
    return clips


def rendered_as_listen_did(texts: list[str], scratch: Path) -> Iterator[np.ndarray]:
    """Every sentence of `texts`, in order, rendered by a new process, as the listen run rendered them one
    after another: espeak-ng's render of a sentence depends on what its process rendered before, so renders
    made in this process would depend on which tests ran first."""
    sentences = [sentence for text in texts for sentence in spoken_sentences(text)]
    return iter(render_in_fresh_engine(sentences, scratch, rate=RATE))


def envelope(samples: np.ndarray) -> np.ndarray:
    n = len(samples) // FRAME
    return np.sqrt(np.mean(samples[: n * FRAME].reshape(n, FRAME).astype(np.float64) ** 2, axis=1))


def find_clips(audio: np.ndarray, clips: list[np.ndarray], slack: float = 0.3) -> tuple[list[float], int]:
    """How well each clip is found in `audio`, in order, as the correlation of 10 ms loudness envelopes (1.0:
    the same sound); and where the last one ended. Each clip is looked for from 0.1 s before to `slack`
    seconds after the end of the previous one: a paced output file has a little silence between clips
    wherever playback waited, and espeak-ng's renders of one sentence differ by a few milliseconds
    depending on what it rendered before."""
    scores, position = [], 0
    for clip in clips:
        want = envelope(clip)
        best, best_at = -1.0, position
        for start in range(max(0, position - RATE // 10), position + int(slack * RATE) + 1, FRAME // 5):
            got = envelope(audio[start : start + len(clip)])
            if len(got) < min(len(want), 10):
                break
            n = min(len(got), len(want))
            score = float(np.corrcoef(got[:n], want[:n])[0, 1]) if np.std(got[:n]) > 0 else 0.0
            if score > best:
                best, best_at = score, start
        scores.append(best)
        position = best_at + len(clip)
    return scores, position


def same_sound(scores: list[float]) -> bool:
    """Every clip found, and found well on the whole. A single sentence may score lower: espeak-ng renders one
    sentence slightly differently depending on what it rendered before in the same process (measured: 0.63
    to 0.69 for one sentence of an otherwise exact answer, depending on which tests ran first; the first
    render of a process differs most), while a different answer scores below 0.6 on some clip (checked
    below)."""
    return min(scores) > 0.5 and float(np.mean(scores)) > 0.85


def read_answer(path: Path) -> np.ndarray:
    info = sf.info(str(path))
    assert (info.format, info.subtype, info.channels, info.samplerate) == ("WAV", "PCM_16", 1, 22050), info
    data, _rate = sf.read(str(path), dtype="float32")
    assert float(np.sqrt(np.mean(data**2))) > 0.02, f"{path.name} is silent"
    return data


# ---------------------------------------------------------------------------------------------- --output-dir


@pytest.fixture(scope="module")
def hands_free_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`voiceguide listen --input-file SESSION.wav --output-dir answers --fast`, hands-free with the welcome,
    unpaced so that each file is its clips back to back."""
    root = tmp_path_factory.mktemp("listen-output-dir")
    session = build_session(root / "session.wav", HANDS_FREE, noise_db=None)
    work = root / "work"
    work.mkdir()
    proc = subprocess.run([VOICEGUIDE, "listen", "--input-file", str(session), "--output-dir", "answers",
                           "--fast"], cwd=work, env=private_env(root), capture_output=True, text=True,
                          timeout=180, stdin=subprocess.DEVNULL)
    return {"proc": proc, "dir": work / "answers"}


def test_output_dir_holds_one_wav_per_spoken_answer_in_order(hands_free_run: dict, tmp_path: Path) -> None:
    proc, answers = hands_free_run["proc"], hands_free_run["dir"]
    assert proc.returncode == 0, proc.stderr
    assert f"Answers written to {Path('answers')}" in proc.stdout
    turns = spoken_turns(proc.stdout)
    assert len(turns) == len(HANDS_FREE), proc.stdout  # every utterance heard once, and each one answered
    names = sorted(p.name for p in answers.iterdir())
    assert names == ["001-welcome.wav", *(f"{i + 2:03d}-answer-{i + 1}.wav" for i in range(len(turns)))]

    # What a fresh conversation says to what was heard, in the heard order, rendered as the run did.
    conversation = Conversation(load_content())
    replies = [conversation.handle(heard) for heard, _said in turns]
    rendered = rendered_as_listen_did([WELCOME, *(r.answer for r in replies)], tmp_path)

    # The welcome: its sentences, then the listening cue (hands-free).
    welcome = read_answer(answers / names[0])
    scores, end = find_clips(welcome, expected_clips(WELCOME, None, cue_after=True, rendered=rendered))
    assert same_sound(scores) and end == pytest.approx(len(welcome), abs=FRAME), scores

    # Each answer, its clips back to back (unpaced, --fast); captions say it too.
    expected = [expected_clips(r.answer, "not_understood" if r.status == "not-understood" else "got_it", True,
                               rendered=rendered)
                for r in replies]
    for index, ((heard, said), reply, name) in enumerate(zip(turns, replies, names[1:], strict=True)):
        assert said == spoken_sentences(reply.answer), heard
        audio = read_answer(answers / name)
        scores, end = find_clips(audio, expected[index])
        assert same_sound(scores) and end == pytest.approx(len(audio), abs=FRAME), (name, heard, scores)
        for other, clips in zip(replies, expected, strict=True):  # ...and it is no other answer
            if other.answer != reply.answer:
                assert min(find_clips(audio, clips)[0]) < 0.6, (name, other.heard)

    # The session went as the person meant it: an answer, the same again, the emergency advice first, the
    # out-of-scope reply.
    first, again, emergency, elsewhere = (r.answer for r in replies)
    assert again == first and "knee" in first.lower()
    assert emergency.startswith(emergency_instruction())
    assert elsewhere == OUT_OF_SCOPE


# ---------------------------------------------------------------------------------------------- push-to-talk

PUSH_TO_TALK = [
    "what are the symptoms of a blood clot behind the knee",  # after Enter
    "what causes a blood clot in the buttocks",  # after space, pressed while the first answer plays
    "how is a blood clot treated",  # no key pressed: must not be answered
]


def test_push_to_talk_on_a_terminal_answers_only_after_a_key(tmp_path: Path) -> None:
    """Enter arms listening; space pressed during an answer stops it at once and arms listening again; speech
    with no key press before it is not answered. The recording waits while VoiceGuide speaks, like a person,
    and runs at twice real time (keys are read as they are pressed, so push-to-talk cannot run unpaced)."""
    session = build_session(tmp_path / "session.wav", PUSH_TO_TALK, gaps=2.0, noise_db=None, lead=1.5)
    work = tmp_path / "work"
    work.mkdir()
    term = Terminal([VOICEGUIDE, "listen", "--push-to-talk", "--no-welcome", "--input-file", str(session),
                     "--speed", "2", "--output-dir", "answers"], work, private_env(tmp_path))
    try:
        ready = term.read_until("Ready. Press Enter or space to talk.")
        term.press(b"\r")  # Enter, as a terminal sends it
        first = term.read_until("Saying: ", ready)
        time.sleep(0.75)  # 1.5 s into the first sentence, at twice real time
        term.press(b" ")  # space while the first answer is being said
        stopped = term.read_until("(Stopped.)", first)
        term.read_until("Heard: ", stopped)
    finally:
        code = term.finish()
    assert code == 0, term.output

    turns = spoken_turns(term.output)
    assert len(turns) == 2, term.output  # the third question had no key press before it
    conversation = Conversation(load_content())
    (heard_1, said_1), (heard_2, said_2) = turns
    answer_1, answer_2 = conversation.handle(heard_1), conversation.handle(heard_2)
    assert answer_1.topic == "blood-clot-behind-knee.symptoms", heard_1
    assert said_1 == spoken_sentences(answer_1.answer)[: len(said_1)]
    assert len(said_1) < len(spoken_sentences(answer_1.answer))  # cut short by the key
    assert said_2 == spoken_sentences(answer_2.answer)
    assert answer_2.topic is not None and "buttock" in answer_2.topic, heard_2

    answers = work / "answers"
    names = sorted(p.name for p in answers.iterdir())
    # The listening tone after Enter comes before any answer, so it has a file of its own.
    assert names == ["001-sound.wav", "002-answer-1.wav", "003-answer-2.wav"], names
    tone = read_answer(answers / names[0])
    assert 0 <= len(tone) - len(earcon("listening", volume=TONE_VOLUME).samples) < 0.05 * 22050  # + pacing
    # The first answer stops where space was pressed: its tone, the start of its first sentence, then the
    # listening tone that space also asked for; no more of the answer than what the captions showed.
    clips_1 = expected_clips(answer_1.answer, "got_it", cue_after=False)
    cut = read_answer(answers / names[1])
    tone_and_start = [clips_1[0], clips_1[1][: RATE]]  # the first second of the first sentence
    assert min(find_clips(cut, tone_and_start)[0]) > 0.9
    assert len(cut) < len(clips_1[0]) + sum(len(c) for c in clips_1[1 : len(said_1) + 1]) + RATE
    # The second answer is whole, and it is the answer to the second question (no cue: push-to-talk).
    clips_2 = expected_clips(answer_2.answer, "got_it", cue_after=False)
    whole = read_answer(answers / names[2])
    scores, end = find_clips(whole, clips_2)
    assert same_sound(scores) and len(whole) - end < 0.3 * RATE, scores
    assert min(find_clips(whole, clips_1)[0]) < 0.6


def test_push_to_talk_needs_keys(tmp_path: Path) -> None:
    """Without a terminal, or unpaced, no key could ever be pressed in time: a usage error, not a run that
    silently answers nothing."""
    session = build_session(tmp_path / "s.wav", ["help"], noise_db=None)
    for extra in ([], ["--fast"]):
        proc = subprocess.run([VOICEGUIDE, "listen", "--push-to-talk", "--input-file", str(session),
                               "--output-dir", str(tmp_path / "out"), *extra],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert ("--speed" if extra else "terminal") in proc.stderr
        assert not (tmp_path / "out").exists()
