"""Fetching, checking and installing speech models: the only code in VoiceGuide that touches the network.

Everything else runs offline, so this package is built to fail in words a person can act on and to never
leave something behind that a recognizer could mistake for a model: downloads resume from ``.part`` files,
archives and files are checked before anything is unpacked or renamed, and work happens in hidden (dot)
folders inside ``models/`` that are renamed into place only once complete. ``vosk`` installs Vosk archives,
``whisper`` installs Whisper folders file by file; both use ``fetch`` (HTTP with resume), ``unpack`` (zip
checks) and ``disk`` (the models folder: lock, room, work folders, the final swap).
"""
