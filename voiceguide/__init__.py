"""VoiceGuide: an offline voice assistant that answers health questions out loud from compiled documents."""

import os as _os

# ONNX Runtime (Piper's voice, faster-whisper's VAD) otherwise writes a device id and an event database under
# ~/.cache/Microsoft/DeveloperTools at import: an identifier on disk that nobody asked for. It reads this
# variable only when it is imported, so it is set here, before any VoiceGuide module can import it.
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"
