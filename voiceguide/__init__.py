"""VoiceGuide: an offline voice assistant that answers health questions out loud from compiled documents."""

__version__ = "0.1.0"
