"""The two failures an install reports, worded for the person running the command."""

from __future__ import annotations


class ModelDownloadError(Exception):
    """A failure explained for the person running the command: what went wrong and what to do next.

    ``transient`` says whether fetching the file again could help (a damaged transfer) or not (an archive that
    is simply not a Vosk model), so the advice attached to the message is never "try again" in vain.
    """

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


class LocalFileError(ModelDownloadError):
    """This computer could not store or move verified files (disk full, permissions): keep the download."""
