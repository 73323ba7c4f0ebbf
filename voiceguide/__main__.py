"""Lets `python -m voiceguide` behave exactly like the `voiceguide` command."""

from voiceguide.cli import main

raise SystemExit(main())
