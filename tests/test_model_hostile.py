"""Issue 9's model cases: a zip bomb and a read-only models folder, each ending in a plain message.

Each case checks the message, that no traceback reaches the person, the exit code, and that nothing was left
behind in the models folder. The zip bomb is a real zip (2 MB that unpacks to 2 GiB of zeros), served by the
real HTTP server on 127.0.0.1 and also given with ``--file``; the read-only folder is a real read-only tmpfs
mount, so the operating system itself refuses the writes (permission bits would not stop root).
"""

from __future__ import annotations

import contextlib
import io
import struct
import subprocess
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from model_server import serve
from test_model_download import GOOD_ZIP, MODEL_NAME, assert_nothing_installed

from voiceguide.cli.models import models_command
from voiceguide.speech.model_install import unpack
from voiceguide.speech.model_install.errors import ModelDownloadError
from voiceguide.speech.model_install.vosk import download_model

GIB = 1024**3


def _raw_zip(entries: list[tuple[str, int, int, int, bytes]]) -> bytes:
    """A zip written by hand: (name, method, crc32, unpacked size, stored data) per member, no zip64.

    By hand because zlib would need about a minute of CPU to compress 2 GiB into a bomb, while repeating one
    compressed block takes a second; and because only a hand-written header can state a false size.
    """
    out, central = bytearray(), bytearray()
    date = (0 << 9) | (1 << 5) | 1  # 1980-01-01
    for name, method, crc, size, data in entries:
        encoded = name.encode()
        offset = len(out)
        fields = (20, 0, method, 0, date, crc, len(data), size, len(encoded), 0)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + data
        central += struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHH", *fields)
        central += struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def _stored(name: str, data: bytes) -> tuple[str, int, int, int, bytes]:
    return (name, zipfile.ZIP_STORED, zlib.crc32(data), len(data), data)


def zip_bomb(unpacked: int = 2 * GIB) -> bytes:
    """A Vosk-shaped model zip whose am/final.mdl is ``unpacked`` bytes of zeros, compressed about 1000:1.

    Each 1 MiB of zeros compresses to the same block because a full flush resets the compressor, so the
    deflate stream is that block repeated, then an empty final block.
    """
    mib = bytes(1024**2)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = unpacked // len(mib)
    stream = block * count + compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(mib, crc)
    top = f"{MODEL_NAME}/"
    return _raw_zip(
        [
            (top + "am/final.mdl", zipfile.ZIP_DEFLATED, crc, count * len(mib), stream),
            _stored(top + "conf/model.conf", b"--sample-frequency=16000\n"),
            _stored(top + "graph/HCLG.fst", b"graph" * 100),
        ]
    )


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = zip_bomb()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # a real zip that really declares 2 GiB
        assert sum(m.file_size for m in archive.infolist()) >= 2 * GIB
    assert len(data) < 3_000_000
    return data


def test_zip_bomb_download_is_refused_before_unpacking(bomb: bytes, tmp_path: Path) -> None:
    models = tmp_path / "models"
    with serve({f"/{MODEL_NAME}.zip": bomb}, f"/{MODEL_NAME}.zip") as server:
        started = time.monotonic()
        with pytest.raises(
            ModelDownloadError, match=r"would unpack to 2,147,4\d\d,\d{3} bytes.*zip bomb"
        ) as failure:
            download_model(server.url, models, progress=False)
    # Refused on the declared sizes, without inflating 2 GiB (which alone takes several seconds).
    assert time.monotonic() - started < 2.0
    assert "nothing was installed" in str(failure.value)
    assert "again" not in str(failure.value)  # the same archive again would be refused again
    assert_nothing_installed(models)


def test_zip_bomb_file_is_refused_with_a_plain_message(bomb: bytes, tmp_path: Path) -> None:
    archive = tmp_path / f"{MODEL_NAME}.zip"
    archive.write_bytes(bomb)
    models = tmp_path / "models"
    out, err = io.StringIO(), io.StringIO()
    assert models_command(["download", "--file", str(archive), "--dir", str(models)], out, err) == 1
    message = err.getvalue()
    assert message.splitlines()[-1].startswith("voiceguide models download: ") and "zip bomb" in message
    assert "Traceback" not in message and out.getvalue() == ""
    assert archive.read_bytes() == bomb  # the person's own file is left alone
    assert_nothing_installed(models)


def test_headers_that_understate_the_contents_are_refused(tmp_path: Path) -> None:
    """A member that inflates to more than its header says never reaches the disk in full."""
    real = bytes(5_000_000)
    stream = zlib.compress(real, 9)[2:-4]  # raw deflate
    top = f"{MODEL_NAME}/"
    liar = _raw_zip(
        [
            (top + "am/final.mdl", zipfile.ZIP_DEFLATED, zlib.crc32(real), 1000, stream),
            _stored(top + "conf/model.conf", b"x"),
            _stored(top + "graph/HCLG.fst", b"y"),
        ]
    )
    archive = tmp_path / f"{MODEL_NAME}.zip"
    archive.write_bytes(liar)
    with pytest.raises(ModelDownloadError, match=r"damaged"):
        unpack.install_model_zip(archive, tmp_path / "models")
    assert_nothing_installed(tmp_path / "models")


def test_bytes_written_while_unpacking_are_capped(tmp_path: Path) -> None:
    """The second guard on its own: unpacking stops once it has written its budget, whatever was declared."""
    archive_path = tmp_path / "m.zip"
    archive_path.write_bytes(GOOD_ZIP)
    work = tmp_path / "work"
    work.mkdir()
    with zipfile.ZipFile(archive_path) as archive:
        members = archive.infolist()
        budget = sum(m.file_size for m in members) // 2
        with pytest.raises(ModelDownloadError, match=r"unpacks to more than it declares.*not installed"):
            unpack._extract(archive, members, work, archive_path, budget=budget)
    written = sum(p.stat().st_size for p in work.rglob("*") if p.is_file())
    assert written <= budget


def test_real_model_archives_are_within_the_budget() -> None:
    # The official small English model: 41,205,931 bytes unpacking to about 68 MB.
    assert unpack.unpack_budget(41_205_931) > 70_000_000
    # A big model (vosk-model-en-us-0.22: about 1.8 GB unpacking to under 3 GB).
    assert unpack.unpack_budget(1_800_000_000) > 3_000_000_000
    assert unpack.unpack_budget(2_087_450) < 2 * GIB


# ------------------------------------------------------------------------------------ read-only models folder


@contextlib.contextmanager
def read_only_mount(where: Path) -> Iterator[Path]:
    """A real read-only file system at ``where`` (tmpfs mounted ro); skips when mounting is not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(where)], capture_output=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a read-only tmpfs here ({exc}); needs root with CAP_SYS_ADMIN")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here ({done.stderr.decode().strip()}); needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True, timeout=10, check=False)


@pytest.mark.parametrize("inside", [False, True], ids=["the folder itself", "a folder to create in it"])
def test_install_from_file_into_a_read_only_folder_says_so(tmp_path: Path, inside: bool) -> None:
    archive = tmp_path / f"{MODEL_NAME}.zip"
    archive.write_bytes(GOOD_ZIP)
    with read_only_mount(tmp_path / "ro") as ro:
        models = ro / "models" if inside else ro
        out, err = io.StringIO(), io.StringIO()
        assert models_command(["download", "--file", str(archive), "--dir", str(models)], out, err) == 1
        message = err.getvalue()
        assert "Traceback" not in message and out.getvalue() == ""
        assert message.splitlines()[-1].startswith("voiceguide models download: ")
        assert "Read-only file system" in message and "--dir DIR" in message
        assert sorted(p.name for p in ro.iterdir()) == []
    assert archive.read_bytes() == GOOD_ZIP


def test_download_into_a_read_only_folder_fails_before_downloading(tmp_path: Path) -> None:
    with (
        read_only_mount(tmp_path / "ro") as ro,
        serve({f"/{MODEL_NAME}.zip": GOOD_ZIP}, f"/{MODEL_NAME}.zip") as server,
    ):
        with pytest.raises(ModelDownloadError, match=r"Cannot write to the models folder .*Read-only"):
            download_model(server.url, ro, progress=False)
        assert server.requests == []  # nothing was fetched that could not be kept
