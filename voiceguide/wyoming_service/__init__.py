"""VoiceGuide as a Wyoming service (`voiceguide serve`): speech to text, answers and speech, for Home
Assistant's voice pipeline and its satellites. Built on the `wyoming` package, the protocol's own library."""
