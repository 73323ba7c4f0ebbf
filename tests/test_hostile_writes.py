"""Issue 9, the write side: nothing at a path is replaced unless it is a regular file or a new name, nothing
is half-written, answers are never lost to a name clash, and a full or read-only disk is a plain error with a
non-zero exit. Every case runs the real command on real files, pipes, device nodes and file systems."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from tests.conftest import REPO
from tests.hostile import (
    OTHER_QUESTION_WAV,
    QUESTION_WAV,
    assert_plain,
    cli_env,
    fill,
    leftovers,
    make_special,
    mounted_tmpfs,
    run_cli,
    same_kind,
)

KINDS = ["fifo", "symlink", "folder", "device"]


def _valid_wav(path: Path) -> bool:
    info = sf.info(str(path))
    return info.frames > 0 and info.samplerate > 0


# ---------------------------------------------------------------------------------------------- clobbering


@pytest.mark.parametrize("kind", KINDS)
def test_say_output_never_replaces_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    target = tmp_path / "out.wav"
    make_special(target, kind, link_to=victim)
    proc = run_cli(tmp_path, "say", "--output", str(target), "hello there")
    assert_plain(proc, 2, "refusing to write", "not a regular file")
    assert same_kind(target, kind) and victim.read_text() == "keep me\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_compile_output_never_replaces_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text("{}\n")
    target = tmp_path / "compiled.json"
    make_special(target, kind, link_to=victim)
    proc = run_cli(tmp_path, "compile", "--output", str(target))
    assert_plain(proc, 2, "refusing to write", "not a regular file")
    assert same_kind(target, kind) and victim.read_text() == "{}\n"
    assert leftovers(tmp_path) == []


def test_a_regular_file_or_a_new_name_is_written_with_the_umask_mode(tmp_path: Path) -> None:
    """compiled.json used to come out 0600 (mkstemp's mode), so another account could not read it."""
    new = tmp_path / "new" / "compiled.json"
    proc = run_cli(tmp_path, "compile", "--output", str(new), preexec_fn=lambda: os.umask(0o022))
    assert_plain(proc, 0, "compiled")
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    json.loads(new.read_text())
    existing = tmp_path / "existing.wav"
    existing.write_text("old")
    existing.chmod(0o640)
    proc = run_cli(tmp_path, "say", "--output", str(existing), "hello there")
    assert_plain(proc, 0)
    assert _valid_wav(existing) and stat.S_IMODE(existing.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


_KILLED_WRITER = """
import sys, time
from voiceguide.safe_files import PendingFile
pending = PendingFile(sys.argv[1])
with open(pending.temp, "wb") as handle:
    handle.write(b"x" * 8 * 2**20)
print(pending.temp, flush=True)
time.sleep(60)
"""


def test_an_orphan_left_by_kill_9_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "compiled.json"
    writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)], stdout=subprocess.PIPE,
                              text=True, env=cli_env(tmp_path))
    temp = Path(writer.stdout.readline().strip())  # type: ignore[union-attr]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(10)
    assert temp.stat().st_size == 8 * 2**20  # the 8 MB orphan of the issue
    proc = run_cli(tmp_path, "compile", "--output", str(target))
    assert_plain(proc, 0)
    assert not temp.exists() and leftovers(tmp_path) == []
    json.loads(target.read_text())


def test_a_live_writers_temporary_file_is_never_taken_for_an_orphan(tmp_path: Path) -> None:
    from voiceguide.safe_files import PendingFile, clean_orphans

    first = PendingFile(tmp_path / "a.json")
    second = PendingFile(tmp_path / "a.json")  # same process, same target: distinct names, both kept
    assert first.temp != second.temp
    assert clean_orphans(tmp_path) == [] and first.temp.exists() and second.temp.exists()
    first.discard()
    second.discard()


# ---------------------------------------------------------------------------------------------- lost answers


def test_batch_out_dir_gives_two_inputs_of_one_name_two_files(tmp_path: Path) -> None:
    for folder, source in (("a", QUESTION_WAV), ("b", OTHER_QUESTION_WAV)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.wav").write_bytes(source.read_bytes())
    out = tmp_path / "out"
    proc = run_cli(tmp_path, "batch", "--json", "--jobs", "1", "--out-dir", str(out), "a/x.wav", "b/x.wav",
                   timeout=120)
    assert_plain(proc, 0)
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    written = [r["audio_out"] for r in results]
    assert len(set(written)) == 2 and sorted(Path(w).name for w in written) == ["x-2.wav", "x.wav"]
    assert all(_valid_wav(Path(w)) for w in written)
    assert leftovers(out) == []


def test_two_batches_on_one_out_dir_do_not_share_temporary_files(tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("what causes a blood clot behind the knee\nhow is a clot in the buttocks treated\n"
                         "what are the symptoms of a clot\n")
    out = tmp_path / "out"
    env = cli_env(tmp_path)
    command = [sys.executable, "-m", "voiceguide", "batch", "--out-dir", str(out), str(questions)]
    batches = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for batch in batches:
        stdout, stderr = batch.communicate(timeout=120)
        assert batch.returncode == 0 and "Traceback" not in stderr and "ERROR" not in stdout, stdout + stderr
    assert sorted(p.name for p in out.iterdir()) == ["q-001.wav", "q-002.wav", "q-003.wav"]
    assert all(_valid_wav(p) for p in out.iterdir())


# ----------------------------------------------------------------------------------- full and read-only disks


def _listen(root: Path, *output: str) -> subprocess.CompletedProcess:
    return run_cli(root, "listen", "--input-file", str(QUESTION_WAV), *output, "--fast", timeout=120)


def test_listen_output_file_on_a_full_disk(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "small", size="64k") as small:
        proc = _listen(tmp_path, "--output-file", str(small / "out.wav"))
        assert_plain(proc, 1, "out.wav", "the disk is full")
        assert list(small.iterdir()) == []  # no partial WAV, no temporary file


def test_listen_output_dir_on_a_full_disk(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "small", size="64k") as small:
        proc = _listen(tmp_path, "--output-dir", str(small / "answers"))
        assert_plain(proc, 1, "the disk is full")
        left = list((small / "answers").iterdir())
        assert all(p.stat().st_size > 0 and _valid_wav(p) for p in left), left  # whole answers only
        assert leftovers(small) == []


@pytest.mark.parametrize("flag", ["--output-file", "--output-dir"])
def test_listen_output_on_a_read_only_disk(tmp_path: Path, flag: str) -> None:
    with mounted_tmpfs(tmp_path / "ro", read_only=True) as ro:
        proc = _listen(tmp_path, flag, str(ro / ("out.wav" if flag == "--output-file" else "answers")))
        assert_plain(proc, 1, "read-only")
        assert list(ro.iterdir()) == []


_QUESTIONS = "what causes a blood clot behind the knee\nhow is a clot in the buttocks treated\n"


def _report_batch(root: Path, report: Path, **kwargs) -> subprocess.CompletedProcess:
    questions = root / "q.txt"
    questions.write_text(_QUESTIONS)
    return run_cli(root, "batch", "--report", str(report), str(questions), **kwargs)


def test_batch_report_on_a_read_only_disk(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "ro", read_only=True) as ro:
        proc = _report_batch(tmp_path, ro / "report.json")
        assert_plain(proc, 1, "report was not written", "read-only")
        assert list(ro.iterdir()) == []


def test_batch_report_on_dev_full_is_refused_and_dev_full_stays(tmp_path: Path) -> None:
    proc = _report_batch(tmp_path, Path("/dev/full"))
    assert_plain(proc, 2, "/dev/full", "device")
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_batch_report_on_a_full_disk(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "small", size="64k") as small:
        fill(small, 1024)
        proc = _report_batch(tmp_path, small / "report.json")
        assert_plain(proc, 1, "report was not written", "the disk is full")
        assert sorted(p.name for p in small.iterdir()) == ["filler"]


def test_batch_report_over_a_file_size_limit(tmp_path: Path) -> None:
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1500, 1500))

    proc = _report_batch(tmp_path, tmp_path / "out" / "report.json", preexec_fn=limit)
    assert_plain(proc, 1, "report was not written", "file size limit")
    assert list((tmp_path / "out").iterdir()) == []


def test_say_output_on_a_full_disk_leaves_the_old_file(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "small", size="64k") as small:
        old = small / "out.wav"
        old.write_bytes(b"old")
        fill(small, 2048)
        started = time.monotonic()
        proc = run_cli(tmp_path, "say", "--output", str(old), "this sentence is long enough to fill the disk")
        assert_plain(proc, 1, "the disk is full")
        assert old.read_bytes() == b"old" and leftovers(small) == []
        assert time.monotonic() - started < 30
    assert REPO.exists()


# ----------------------------------------------------------------------------------------- the transcript log


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_transcript_log_never_writes_through_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    from voiceguide.safe_files import SafeFileError, append_line

    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    target = tmp_path / "log.jsonl"
    make_special(target, kind, link_to=victim)
    started = time.monotonic()
    with pytest.raises(SafeFileError, match=r"log\.jsonl"):
        append_line(target, '{"heard": "x"}')
    assert time.monotonic() - started < 5  # a pipe with no reader does not hang the loop
    assert victim.read_text() == "keep\n" and same_kind(target, kind)


def test_transcript_log_on_a_full_disk_keeps_whole_lines_only(tmp_path: Path) -> None:
    from voiceguide.safe_files import FileWriteError, append_line

    with mounted_tmpfs(tmp_path / "small", size="64k") as small:
        log = small / "log.jsonl"
        first = "x" * 4000  # the next line crosses into a page the full disk cannot give
        append_line(log, first)
        fill(small, 0)
        with pytest.raises(FileWriteError, match="the disk is full"):
            append_line(log, "y" * 300)
        assert log.read_text() == first + "\n"
        assert stat.S_IMODE(log.stat().st_mode) == 0o600  # a person's words: readable by the owner only
