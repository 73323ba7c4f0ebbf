"""Sound in and out: recognizers (asr/) and their models, text to speech, earcons, audio files and
devices (with the file-backed stand-ins for a machine with no sound card)."""
