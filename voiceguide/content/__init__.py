"""The content: source documents in, the compiled content (plain data a person can read) out, and the
model the rest of VoiceGuide reads it through. This folder also holds the documents and the
YAML data (lexicon, messages, speakable rules) and compiled.json."""
