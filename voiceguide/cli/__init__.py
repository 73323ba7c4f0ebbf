"""The command line: the parser and one module per command group. Nothing imports back into cli."""

from voiceguide.cli.app import main

__all__ = ["main"]
