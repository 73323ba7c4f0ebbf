"""Understanding and answering, pure functions over typed data: text in, a Reply out (router, triage,
conversation, commands, the speakable step, and the spoken copy)."""
