"""Writing files for the user: all or nothing, no litter, the user's path in every error."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from mlops_atlas.errors import AtlasError, UsageError
from mlops_atlas.outputs import UnsafePathError, path_inside, write_atomically


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


# ---- paths built from data stay inside their folder -------------------------------------


@pytest.mark.parametrize(
    "relative",
    [
        "entries/../../../bibliography/references.bib",
        "../x.bib",
        "entries/..",
        ".",
        "",
        "/etc/passwd",
        "entries/a\0.bib",
        "entries/link/escape.bib",
    ],
)
def test_a_path_that_leaves_its_folder_is_refused(tmp_path: Path, relative: str) -> None:
    root = tmp_path / "downloads"
    (root / "entries").mkdir(parents=True)
    (root / "entries" / "link").symlink_to(tmp_path)  # a link out of the folder
    with pytest.raises(UnsafePathError, match="would be written outside") as caught:
        path_inside(root, relative)
    assert isinstance(caught.value, AtlasError)
    assert str(root) in str(caught.value)


@pytest.mark.parametrize("relative", ["references.bib", "entries/a.b_c-1.bib", "topics/x/../y.bib"])
def test_a_path_inside_its_folder_is_returned(tmp_path: Path, relative: str) -> None:
    assert path_inside(tmp_path / "downloads", relative) == tmp_path / "downloads" / relative


def test_the_site_build_refuses_a_download_path_that_leaves_its_folder(
    tmp_path: Path, monkeypatch
) -> None:
    """Even if a bad name got past the bibliography's checks, nothing is written outside."""
    import shutil

    from mlops_atlas.bibliography import DEFAULT_BIB
    from mlops_atlas.site import prepare

    (tmp_path / "bibliography").mkdir()
    shutil.copy(DEFAULT_BIB, tmp_path / "bibliography" / "references.bib")
    victim = tmp_path / "docs" / "generated" / "references.bib"
    victim.parent.mkdir(parents=True)
    victim.write_text("the real bibliography\n")
    escape = "entries/../../references.bib"  # from docs/generated/downloads/ up to the victim
    monkeypatch.setattr(prepare, "export_files", lambda bibliography: {escape: "overwritten\n"})
    monkeypatch.setattr(prepare, "registry", dict)  # no diagrams: this test is about downloads
    (tmp_path / "examples").mkdir()
    with pytest.raises(UnsafePathError, match="would be written outside"):
        prepare.prepare(tmp_path, cache_dir=tmp_path / "cache")
    assert victim.read_text() == "the real bibliography\n"


def test_an_atomically_written_file_is_readable_by_others(tmp_path: Path) -> None:
    """A built site is served by another user (a web server): 0644, not mkstemp's 0600."""
    target = write_atomically(tmp_path / "search_index.json", "{}")
    assert target.stat().st_mode & 0o777 == 0o644
