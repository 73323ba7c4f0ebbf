"""Lets `python -m voiceguide` behave exactly like the `voiceguide` command."""

from voiceguide.cli.app import main

raise SystemExit(main())
