"""Writing files for the user: all or nothing, no litter, the user's path in every error."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from mlops_atlas.errors import AtlasError, UsageError
from mlops_atlas.outputs import write_atomically


def test_writes_and_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.bib"
    write_atomically(target, "first\n")
    write_atomically(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.bib"]


def test_a_folder_as_target_is_named_and_leaves_no_partial_file(tmp_path: Path) -> None:
    folder = tmp_path / "out.bib"
    folder.mkdir()
    with pytest.raises(UsageError, match=r"out\.bib: cannot write \(is a folder"):
        write_atomically(folder, "text")
    assert list(tmp_path.iterdir()) == [folder]
    assert list(folder.iterdir()) == []


def test_a_failed_write_keeps_the_previous_file_and_removes_the_partial(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "lone surrogate \udcff")  # cannot be encoded as UTF-8
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_an_unwritable_folder_is_a_user_error_naming_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(AtlasError, match=r"file/out\.txt: cannot write"):
        write_atomically(blocker / "out.txt", "text")


def test_concurrent_writers_to_one_target_do_not_collide(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            for _ in range(50):
                write_atomically(target, f"writer {number}\n" * 1000)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    lines = set(target.read_text(encoding="utf-8").splitlines())
    assert len(lines) == 1  # one writer's whole text, never a mix
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
