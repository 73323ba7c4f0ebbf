"""The live assistant: the loop (wiring only), the turn-taking state machine, the player, the kiosk's
start-up and retries, and the caption screen."""
