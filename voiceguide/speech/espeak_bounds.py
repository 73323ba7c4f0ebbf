"""Keeps pyttsx3 2.99's espeak-ng driver within what espeak-ng's C library allows, so rendering cannot crash
the process.

Why each part is needed:
- pyttsx3's `_espeak.Synth` tells espeak_Synth that the text is `len(text) * 10` bytes long. In the mode
  pyttsx3 uses (AUDIO_OUTPUT_RETRIEVAL, asynchronous) espeak-ng copies that many bytes into its command queue
  (create_espeak_text: memcpy(copy, text, size)), so every render read nine times the text's length past the
  end of the Python bytes object. Usually that memory is mapped and the garbage after the terminating NUL is
  ignored; when the text happens to end near an unmapped page the process dies with SIGSEGV inside
  espeak_Synth on the speech thread.
  `install` replaces that one function with one that passes the true size: the text and its NUL.
- espeak-ng runs the synthesis on a thread of its own and calls back into Python from there. The
  "finished-utterance" callback fires before that thread is done with the command, and
  espeak_SetVoiceByName, which pyttsx3 calls directly, replaces the voice tables that thread reads. So
  nothing may be changed until espeak-ng is idle: `wait_until_idle` before properties change and after
  every render, and `cancel` stops a render that overran so it cannot run on into the next one.
- The driver's callback is a ctypes thunk kept alive only by a module global that pyttsx3 replaces (or
  clears, when an engine is destroyed); the engine owner keeps its own reference (`synth_callback`), so
  espeak-ng can never call into freed memory while the process lives.
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any


def _synth_with_true_size(module: ModuleType) -> Any:
    def synth(text: Any, position: int = 0, position_type: int = module.POS_CHARACTER, end_position: int = 0,
              flags: int = 0, user_data: Any = None) -> int:
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        # CPython keeps a NUL after every bytes object's data, so len + 1 bytes are always readable.
        size = len(data) + 1
        return module.cSynth(data, size, position, position_type, end_position, flags, None, user_data)

    synth.__doc__ = module.Synth.__doc__
    synth.voiceguide_true_size = True  # type: ignore[attr-defined]
    return synth


def install(module: ModuleType) -> None:
    """Replaces pyttsx3.drivers._espeak.Synth (looked up at call time by the driver) with the true-size one;
    installing twice is harmless."""
    if not getattr(module.Synth, "voiceguide_true_size", False):
        module.Synth = _synth_with_true_size(module)


def synth_callback(module: ModuleType) -> Any:
    """The ctypes thunk espeak-ng currently calls, for the engine owner to keep referenced."""
    return getattr(module, "SynthCallback", None)


def wait_until_idle(module: ModuleType, timeout: float) -> bool:
    """Waits until espeak-ng's own thread has finished every queued command (True), or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while module.IsPlaying():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.002)
    return True


def cancel(module: ModuleType, timeout: float = 5.0) -> None:
    """Stops whatever espeak-ng is rendering and waits until it has let go."""
    module.Cancel()
    wait_until_idle(module, timeout)
