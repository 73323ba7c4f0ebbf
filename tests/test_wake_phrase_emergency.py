"""With `--wake-phrase`, someone in trouble is answered even if they do not say it first.

A real run: `voiceguide listen` with a recording of espeak-ng speech as the microphone (no wake phrase in it),
the embedded recognizer, the real Conversation and triage, and an answers folder as the speaker.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import REPO
from tests.sessions import build_session, private_env, spoken_turns
from voiceguide.answer.conversation import Conversation, emergency_instruction
from voiceguide.answer.triage import Urgency
from voiceguide.content.content_model import load_content
from voiceguide.speech.tts import spoken_sentences

VOICEGUIDE = str(REPO / ".venv/bin/voiceguide")


def test_a_warning_sign_is_answered_without_the_wake_phrase(tmp_path: Path) -> None:
    ordinary = "what are the symptoms of a blood clot behind the knee"
    emergency = "help, I have chest pain and I can't breathe"
    session = build_session(tmp_path / "session.wav", [ordinary, emergency], noise_db=None)
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run([VOICEGUIDE, "listen", "--wake-phrase", "hey guide", "--no-welcome", "--fast",
                           "--input-file", str(session), "--output-dir", "answers"],
                          cwd=work, env=private_env(tmp_path), capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    turns = spoken_turns(proc.stdout)
    # The ordinary question, without the wake phrase, is not answered;
    # the emergency is, with the advice first.
    assert len(turns) == 1, proc.stdout
    heard, said = turns[0]
    conversation = Conversation(load_content())
    assert conversation.urgency(heard) is Urgency.EMERGENCY, heard
    reply = conversation.handle(heard)
    assert reply.answer.startswith(emergency_instruction())
    assert said == spoken_sentences(reply.answer), proc.stdout
    assert said[0] == "This could be an emergency."
    assert [p.name for p in sorted((work / "answers").iterdir())] == ["001-answer-1.wav"]
    # ...and the ordinary question was heard as one (the run did not simply miss it): it is not urgent.
    assert Conversation(load_content()).urgency(ordinary) is Urgency.NONE
