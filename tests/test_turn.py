"""The turn-taking state machine on synthetic frames: a vowel-like harmonic tone stands for a voice, digital
silence and quiet noise for a room. Each test feeds 20 ms chunks, as the microphone does, and reads the audio
clock; nothing here waits, renders or decodes, so the whole file runs in well under a second."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from voiceguide.live.turn import (
    ECHO_GUARD,
    PRE_ROLL,
    BargeInDetector,
    Frame,
    Step,
    TurnEvent,
    TurnOptions,
    TurnOutcome,
    TurnState,
    TurnTaker,
)
from voiceguide.live.voice_activity import EndOfSpeech, SpeechGate

RATE = 16000
CHUNK = 320  # 20 ms
CHUNK_S = CHUNK / RATE


@cache
def _voice(samples: int, level: float) -> np.ndarray:
    """A steady vowel: harmonics of 140 Hz shaped by formant peaks near 700, 1200 and 2500 Hz."""
    t = np.arange(samples) / RATE
    signal = np.zeros(samples)
    for k in range(1, 27):
        f = 140.0 * k
        gain = (np.exp(-(((f - 700) / 200) ** 2)) + 0.6 * np.exp(-(((f - 1200) / 250) ** 2))
                + 0.3 * np.exp(-(((f - 2500) / 400) ** 2)) + 0.05)
        signal += gain * np.sin(2 * np.pi * f * t + k)
    return (signal / np.max(np.abs(signal)) * level * 32767).astype(np.int16)


def voice(seconds: float, level: float = 0.3) -> np.ndarray:
    return _voice(round(seconds * RATE), level)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE), np.int16)


def room(seconds: float, level: float = 0.002) -> np.ndarray:
    """Quiet noise, about -54 dBFS: a room, not a person."""
    return (np.random.default_rng(7).normal(0, level, round(seconds * RATE)) * 32767).astype(np.int16)


def chunks(*parts: np.ndarray) -> list[np.ndarray]:
    pcm = np.concatenate(parts)
    return [pcm[i : i + CHUNK] for i in range(0, len(pcm) - CHUNK + 1, CHUNK)]


def taker(playing: bool = False, **options: object) -> TurnTaker:
    return TurnTaker(TurnOptions(**options), RATE, CHUNK, playing=playing)  # type: ignore[arg-type]


def feed(machine: TurnTaker, audio: list[np.ndarray], *, playing: bool = False,
         until: TurnState | None = None) -> list[Step]:
    """Feeds chunks and returns their steps, stopping after the first step in state `until`."""
    steps = []
    for chunk in audio:
        steps.append(machine.feed(Frame(chunk, playing=playing)))
        if steps[-1].state is until:
            break
    return steps


def events(steps: list[Step]) -> list[TurnEvent]:
    return [event for step in steps for event in step.events]


def first(steps: list[Step], event: TurnEvent) -> int:
    return next(i for i, step in enumerate(steps) if event in step.events)


# ---------------------------------------------------------------------------------------------- utterances


def test_speech_starts_an_utterance_with_the_audio_before_it() -> None:
    machine = taker()
    steps = feed(machine, chunks(room(1.0), voice(1.0)))
    start = first(steps, TurnEvent.SPEECH_STARTED)
    assert start == 50 + 2  # the third voiced chunk (three of the last four)
    assert all(step.state is TurnState.LISTENING for step in steps[:start])
    assert steps[start].state is TurnState.IN_SPEECH and steps[start].speech_heard
    # The pre-roll (0.6 s, the onset included) opens the utterance, so its first syllable is not lost...
    assert len(steps[start].new_audio) == round(PRE_ROLL / CHUNK_S)
    assert np.array_equal(np.concatenate(steps[start].new_audio)[-3 * CHUNK :], voice(1.0)[: 3 * CHUNK])
    # ...and every chunk after it joins the utterance as it comes.
    assert all(step.state is TurnState.IN_SPEECH and len(step.new_audio) == 1 for step in steps[start + 1 :])
    assert len(machine.captured) == round(PRE_ROLL / CHUNK_S) + len(steps) - start - 1


def test_a_pause_ends_the_utterance() -> None:
    machine = taker()
    steps = feed(machine, chunks(silence(0.5), voice(1.0), silence(2.0)), until=TurnState.END_OF_TURN)
    end = steps[-1]
    assert end.state is TurnState.END_OF_TURN and end.utterance is not None
    last_voiced = max(i for i, step in enumerate(steps) if step.voiced)
    silent = len(steps) - 1 - last_voiced
    assert round(0.6 / CHUNK_S) - 3 <= silent <= round(0.6 / CHUNK_S)  # end_silence, or the endpointer first
    # On the way: a hint to decode early at 0.1 s of pause, and a question at 0.3 s (left unanswered here).
    assert first(steps, TurnEvent.PAUSED) == last_voiced + round(0.1 / CHUNK_S)
    assert first(steps, TurnEvent.JUDGE_PAUSE) <= last_voiced + round(0.3 / CHUNK_S)
    utterance = end.utterance
    assert not utterance.engaged and not utterance.barged_in
    whole = np.concatenate(utterance.chunks)
    assert utterance.voiced_until == len(whole) - silent * CHUNK
    assert np.count_nonzero(whole) == np.count_nonzero(voice(1.0))  # all of the voice, once


def test_a_pause_after_a_finished_question_ends_it_sooner() -> None:
    audio = chunks(silence(0.5), voice(1.0), silence(2.0))
    steps = feed(taker(), audio, until=TurnState.END_OF_TURN)
    judge = first(steps, TurnEvent.JUDGE_PAUSE)
    assert steps[judge].state is TurnState.IN_SPEECH

    unfinished = taker()
    feed(unfinished, audio[: judge + 1])
    assert unfinished.judge_pause(False).state is TurnState.IN_SPEECH  # "...a clot in my": wait for more

    finished = taker()
    feed(finished, audio[: judge + 1])
    end = finished.judge_pause(True)
    assert end.state is TurnState.END_OF_TURN and end.utterance is not None
    waited = steps[-1].utterance
    assert waited is not None and len(end.utterance.chunks) < len(waited.chunks)
    assert end.utterance.voiced_until == waited.voiced_until  # the same words, heard sooner


def test_a_short_pause_inside_a_question_does_not_end_it() -> None:
    machine = taker()
    steps = feed(machine, chunks(silence(0.5), voice(0.8), silence(0.25), voice(0.8), silence(1.0)),
                 until=TurnState.END_OF_TURN)
    assert events(steps).count(TurnEvent.SPEECH_STARTED) == 1
    assert events(steps).count(TurnEvent.PAUSED) == 2  # one per pause
    utterance = steps[-1].utterance
    assert utterance is not None
    assert np.count_nonzero(np.concatenate(utterance.chunks)) >= 2 * len(voice(0.8)) - 20


def test_clicks_and_a_quiet_room_start_nothing() -> None:
    machine = taker()
    click = np.concatenate([voice(0.02), silence(0.3)])  # one voiced chunk at a time
    steps = feed(machine, chunks(room(2.0), *[click] * 6, room(2.0)))
    assert sum(step.voiced for step in steps) == 6  # the gate hears each click...
    assert all(step.state is TurnState.LISTENING and not step.events for step in steps)  # ...none is speech


def test_stray_voiced_frames_do_not_hold_an_utterance_open() -> None:
    """A clatter every half second resets a bare silence count each time; the endpointer, which looks at
    the whole last 0.3 s, still calls the speech over."""
    machine = taker()
    clatter = np.concatenate([voice(0.04), silence(0.5)])
    steps = feed(machine, chunks(silence(0.5), voice(1.0), silence(0.5), *[clatter] * 10),
                 until=TurnState.END_OF_TURN)
    assert steps[-1].state is TurnState.END_OF_TURN
    assert sum(step.voiced for step in steps[-40:]) >= 2  # clatter was heard during the pause...
    assert len(steps) * CHUNK_S < 0.5 + 1.0 + 0.5 + 3 * 0.54  # ...and the utterance still ended


def test_an_utterance_is_cut_at_max_utterance() -> None:
    machine = taker(max_utterance=3.0)
    steps = feed(machine, chunks(voice(5.0)), until=TurnState.END_OF_TURN)
    start = first(steps, TurnEvent.SPEECH_STARTED)
    assert steps[-1].state is TurnState.END_OF_TURN
    assert len(steps) - 1 - start == round(3.0 / CHUNK_S)


def test_the_input_ending_ends_the_utterance() -> None:
    machine = taker()
    feed(machine, chunks(silence(0.5), voice(0.5)))
    utterance = machine.input_ended()
    assert utterance is not None and utterance.voiced_until == sum(len(c) for c in utterance.chunks)
    assert taker().input_ended() is None


def test_the_loop_must_answer_before_feeding_more() -> None:
    machine = taker()
    feed(machine, chunks(silence(0.5), voice(0.5), silence(1.0)), until=TurnState.END_OF_TURN)
    with pytest.raises(RuntimeError):
        machine.feed(Frame(silence(0.02)))
    machine.end_turn(TurnOutcome.NOTHING, playing=False)
    assert machine.feed(Frame(silence(0.02))).state is TurnState.LISTENING


# ---------------------------------------------------------------------------------------------- playback


def test_the_echo_of_our_own_voice_does_not_interrupt_but_a_person_does() -> None:
    machine = taker(playing=True)
    echo = feed(machine, chunks(voice(3.0, level=0.08)), playing=True)
    assert all(step.voiced for step in echo[5:])  # a detector rightly calls the echo speech...
    assert all(step.state is TurnState.SPEAKING and not step.events for step in echo)  # ...it is not a person
    person = feed(machine, chunks(voice(1.0, level=0.3)), playing=True, until=TurnState.IN_SPEECH)
    assert person[-1].events == (TurnEvent.BARGE_IN,)
    assert len(person) == round(0.18 / CHUNK_S)  # sustained: 180 ms of loud voice
    assert len(person[-1].new_audio) == round(PRE_ROLL / CHUNK_S)  # what interrupted is kept
    steps = feed(machine, chunks(silence(1.0)), until=TurnState.END_OF_TURN)
    utterance = steps[-1].utterance
    assert utterance is not None and utterance.barged_in and utterance.engaged


def test_no_barge_in_when_it_is_off() -> None:
    machine = taker(playing=True, barge_in=False)
    steps = feed(machine, chunks(voice(3.0)), playing=True)
    assert all(step.state is TurnState.SPEAKING and not step.events for step in steps)


def test_speech_is_taken_only_after_the_echo_guard_once_playback_ends() -> None:
    machine = taker(playing=True)
    feed(machine, chunks(silence(1.0)), playing=True)
    steps = feed(machine, chunks(voice(1.0)))
    assert steps[0].events == (TurnEvent.NOW_LISTENING,)  # told once, when playback ends
    start = first(steps, TurnEvent.SPEECH_STARTED)
    assert (start + 1) * CHUNK_S >= ECHO_GUARD + 2 * CHUNK_S
    assert events(steps).count(TurnEvent.NOW_LISTENING) == 1


# ---------------------------------------------------------------------------------------------- keys


def test_push_to_talk_takes_speech_only_after_the_key() -> None:
    machine = taker(push_to_talk=True, listen_window=2.0)
    ignored = feed(machine, chunks(voice(1.0)))
    assert all(step.state is TurnState.WAITING_FOR_KEY and not step.events for step in ignored)
    pressed = machine.feed(Frame(silence(0.02), key_pressed=True))
    assert pressed.events == (TurnEvent.ARMED,) and pressed.state is TurnState.SPEAKING  # the listening tone
    feed(machine, chunks(silence(0.2)), playing=True)
    steps = feed(machine, chunks(silence(0.5), voice(0.6), silence(1.0)), until=TurnState.END_OF_TURN)
    assert steps[0].events == (TurnEvent.NOW_LISTENING_ENGAGED,)
    utterance = steps[-1].utterance
    assert utterance is not None and utterance.engaged
    machine.end_turn(TurnOutcome.ANSWERED, playing=False)
    assert machine.feed(Frame(voice(0.02))).state is TurnState.WAITING_FOR_KEY


def test_push_to_talk_window_closes_without_speech() -> None:
    machine = taker(push_to_talk=True, listen_window=2.0)
    machine.feed(Frame(silence(0.02), key_pressed=True))
    steps = feed(machine, chunks(silence(3.0)))
    states = [step.state for step in steps]
    assert TurnState.LISTENING in states and states[-1] is TurnState.WAITING_FOR_KEY
    assert 2.0 <= (states.index(TurnState.WAITING_FOR_KEY) + 1) * CHUNK_S <= 2.0 + 2 * CHUNK_S


def test_the_key_stops_an_answer_and_ends_an_utterance_at_once() -> None:
    machine = taker(playing=True)
    stopped = machine.feed(Frame(voice(0.02), playing=True, key_pressed=True))
    assert stopped.events == (TurnEvent.KEY_STOP,)
    steps = feed(machine, chunks(silence(0.5), voice(2.0)), until=TurnState.IN_SPEECH)
    assert TurnEvent.SPEECH_STARTED in steps[-1].events
    end = machine.feed(Frame(voice(0.02), key_pressed=True))
    assert end.state is TurnState.END_OF_TURN and end.utterance is not None
    assert end.new_audio == () and not end.speech_heard  # the chunk after the key is not part of it


# ---------------------------------------------------------------------------------------------- after a turn


def test_idle_timeout_resets_a_conversation_once() -> None:
    machine = taker(idle_timeout=2.0)
    feed(machine, chunks(silence(0.5), voice(0.5), silence(1.0)), until=TurnState.END_OF_TURN)
    machine.end_turn(TurnOutcome.ANSWERED, playing=False)
    steps = feed(machine, chunks(room(5.0)))
    assert events(steps) == [TurnEvent.IDLE_RESET]
    assert first(steps, TurnEvent.IDLE_RESET) == round(2.0 / CHUNK_S) - 1


@pytest.mark.parametrize("outcome", [TurnOutcome.NOTHING, TurnOutcome.FORGOTTEN])
def test_nothing_to_forget_means_no_idle_reset(outcome: TurnOutcome) -> None:
    machine = taker(idle_timeout=2.0)
    feed(machine, chunks(silence(0.5), voice(0.5), silence(1.0)), until=TurnState.END_OF_TURN)
    machine.end_turn(outcome, playing=False)
    assert TurnEvent.IDLE_RESET not in events(feed(machine, chunks(room(5.0))))


def test_the_wake_phrase_alone_opens_a_listening_window() -> None:
    machine = taker(listen_window=2.0)
    feed(machine, chunks(silence(0.5), voice(0.5), silence(1.0)), until=TurnState.END_OF_TURN)
    machine.end_turn(TurnOutcome.WAKE, playing=True)  # the listening tone
    steps = feed(machine, chunks(silence(0.3)), playing=True) + feed(machine, chunks(silence(0.3)))
    assert events(steps) == [TurnEvent.NOW_LISTENING_ENGAGED]
    steps = feed(machine, chunks(voice(0.5), silence(1.0)), until=TurnState.END_OF_TURN)
    assert steps[-1].utterance is not None and steps[-1].utterance.engaged
    machine.end_turn(TurnOutcome.ANSWERED, playing=False)
    steps = feed(machine, chunks(silence(0.5), voice(0.5), silence(1.0)), until=TurnState.END_OF_TURN)
    assert steps[-1].utterance is not None and not steps[-1].utterance.engaged  # one utterance only


def test_push_to_talk_waits_for_the_key_after_an_answer() -> None:
    machine = taker(push_to_talk=True)
    machine.feed(Frame(silence(0.02), key_pressed=True))
    feed(machine, chunks(voice(0.6), silence(1.0)), until=TurnState.END_OF_TURN)
    machine.end_turn(TurnOutcome.ANSWERED, playing=True)
    steps = feed(machine, chunks(silence(0.5)), playing=True) + feed(machine, chunks(silence(0.1)))
    assert events(steps) == [TurnEvent.NOW_WAITING_FOR_KEY]


# ---------------------------------------------------------------------------------------------- detectors


def test_end_of_speech_follows_the_last_three_tenths_of_a_second() -> None:
    detector = EndOfSpeech(RATE)
    assert not any(detector.accept(c) for c in chunks(silence(1.0)))  # nothing heard: nothing over
    voiced = [detector.accept(c) for c in chunks(voice(1.0))]
    assert detector.in_speech and not any(voiced)
    over = [detector.accept(c) for c in chunks(silence(1.0))]
    assert over[-1] and not detector.in_speech
    assert over.index(True) * CHUNK_S <= 0.6  # webrtcvad's own hangover plus the window
    assert detector.quiet_for == pytest.approx((len(over) - over.index(True)) * CHUNK_S, abs=0.04)
    again = [detector.accept(c) for c in chunks(voice(1.0))]
    assert not again[-1] and detector.quiet_for == 0.0  # speech may start again
    with pytest.raises(ValueError):
        EndOfSpeech(22050)


def test_speech_gate_ignores_what_is_below_its_floor() -> None:
    gate = SpeechGate()
    assert gate.frame(voice(0.02))[0]
    quiet, rms = gate.frame(voice(0.02, level=0.005))
    assert not quiet and 0 < rms < SpeechGate.FLOOR_RMS


def test_barge_in_detector_needs_sustained_loud_voice() -> None:
    detector = BargeInDetector(CHUNK_S)
    assert not any(detector.update(True, 1000.0) for _ in range(150))
    assert not any(detector.update(True, 1500.0) for _ in range(30))  # louder, but not twice the echo
    assert [detector.update(True, 4000.0) for _ in range(9)][-1]
