"""The downloadable models, read from ``model_catalogue.yaml`` into typed records.

The catalogue is data (addresses, sizes, checksums and where each value came from) so that adding a model or
correcting a checksum is an edit to one reviewed file, not to code. It is checked strictly on load: an unknown
key, a checksum that is not 64 hex digits or a file name with a path in it is a mistake in the file, and a
mistake there would otherwise surface as a refused download on someone's kiosk.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).with_name("model_catalogue.yaml")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Trust(enum.Enum):
    """Where a catalogue entry's sizes and checksums came from (see the YAML file's header)."""

    CHECKED_HERE = "checked-here"
    PUBLISHED = "published"


@dataclass(frozen=True)
class ModelSource:
    """A Vosk model archive: where it comes from and what the bytes must look like."""

    name: str
    url: str
    size: int | None = None
    sha256: str | None = None
    md5: str | None = None
    description: str = ""
    trust: Trust | None = None
    note: str = ""


@dataclass(frozen=True)
class ModelFile:
    """One file of a Whisper model folder; ``size``/``sha256`` None when not known in advance."""

    name: str
    url: str
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class WhisperSource:
    """A Whisper model in CTranslate2 format, installed file by file as ``models/<folder>``."""

    name: str
    folder: str
    files: tuple[ModelFile, ...]
    description: str = ""
    page: str = ""
    revision: str = ""
    trust: Trust | None = None
    note: str = ""

    @property
    def size(self) -> int | None:
        """The download's total size, or None when a file's size is not known in advance."""
        sizes = [f.size for f in self.files]
        return None if None in sizes else sum(s for s in sizes if s is not None)


@dataclass(frozen=True)
class Catalogue:
    vosk: tuple[ModelSource, ...]
    whisper: tuple[WhisperSource, ...] = field(default_factory=tuple)

    def find(self, name: str) -> ModelSource | WhisperSource | None:
        """The entry called ``name`` (or installed as folder ``name``), or None."""
        for entry in (*self.vosk, *self.whisper):
            if name == entry.name or name == getattr(entry, "folder", None):
                return entry
        return None

    @property
    def names(self) -> list[str]:
        return [e.name for e in (*self.vosk, *self.whisper)]


class CatalogueError(ValueError):
    """The catalogue file itself is wrong (a packaging mistake, not the user's)."""


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue at ``path`` (default: the one shipped with the package, ``CATALOGUE_PATH``)."""
    path = Path(path or CATALOGUE_PATH)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"Cannot read the model catalogue {path}: {exc}") from exc
    raw = _mapping(data, str(path), {"vosk", "whisper"})
    vosk = tuple(_vosk(item, f"vosk[{i}]") for i, item in enumerate(raw.get("vosk") or []))
    whisper = tuple(_whisper(item, f"whisper[{i}]") for i, item in enumerate(raw.get("whisper") or []))
    catalogue = Catalogue(vosk=vosk, whisper=whisper)
    names = catalogue.names + [w.folder for w in whisper]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CatalogueError(f"The model catalogue names {', '.join(duplicates)} more than once.")
    return catalogue


def _vosk(item: Any, where: str) -> ModelSource:
    raw = _mapping(item, where, {"name", "url", "size", "sha256", "md5", "description", "trust", "note"})
    return ModelSource(
        name=_folder_name(raw, "name", where),
        url=_text(raw, "url", where, required=True),
        size=_size(raw, where),
        sha256=_sha256(raw.get("sha256"), where),
        md5=raw.get("md5"),
        description=_text(raw, "description", where),
        trust=_trust(raw, where),
        note=_text(raw, "note", where),
    )


def _whisper(item: Any, where: str) -> WhisperSource:
    keys = {"name", "folder", "files", "description", "page", "revision", "trust", "note"}
    raw = _mapping(item, where, keys)
    files = []
    for i, entry in enumerate(raw.get("files") or []):
        at = f"{where}.files[{i}]"
        f = _mapping(entry, at, {"name", "url", "size", "sha256"})
        files.append(
            ModelFile(
                name=_folder_name(f, "name", at),
                url=_text(f, "url", at, required=True),
                size=_size(f, at),
                sha256=_sha256(f.get("sha256"), at),
            )
        )
    if "model.bin" not in {f.name for f in files}:
        raise CatalogueError(f"Model catalogue {where}: a Whisper model needs model.bin among its files.")
    return WhisperSource(
        name=_text(raw, "name", where, required=True),
        folder=_folder_name(raw, "folder", where),
        files=tuple(files),
        description=_text(raw, "description", where),
        page=_text(raw, "page", where),
        revision=_text(raw, "revision", where),
        trust=_trust(raw, where),
        note=_text(raw, "note", where),
    )


def _mapping(item: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise CatalogueError(f"Model catalogue {where}: expected a mapping.")
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise CatalogueError(f"Model catalogue {where}: unknown key(s) {', '.join(unknown)}.")
    return item


def _text(raw: dict[str, Any], key: str, where: str, required: bool = False) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"Model catalogue {where}: {key} must be a non-empty string.")
    return value.strip()


def _folder_name(raw: dict[str, Any], key: str, where: str) -> str:
    value = _text(raw, key, where, required=True)
    if not _FOLDER.match(value):
        raise CatalogueError(f"Model catalogue {where}: {key} {value!r} must be a plain file or folder name.")
    return value


def _size(raw: dict[str, Any], where: str) -> int | None:
    value = raw.get("size")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
        raise CatalogueError(f"Model catalogue {where}: size must be a positive number of bytes or null.")
    return value


def _sha256(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _SHA256.match(value):
        raise CatalogueError(f"Model catalogue {where}: sha256 must be 64 lower-case hex digits or null.")
    return value


def _trust(raw: dict[str, Any], where: str) -> Trust | None:
    value = raw.get("trust")
    if value is None:
        return None
    try:
        return Trust(value)
    except ValueError:
        allowed = ", ".join(t.value for t in Trust)
        raise CatalogueError(f"Model catalogue {where}: trust must be one of {allowed}.") from None


# The official model: the catalogue's first Vosk entry (model_catalogue.yaml says where its size and checksum
# come from).
OFFICIAL_MODEL = load_catalogue().vosk[0]
