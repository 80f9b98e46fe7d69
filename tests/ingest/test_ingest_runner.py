"""iter_files and ingest_paths: sources, skipping unchanged files, replacing changed ones, per-file failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import ReadOptions, ingest_paths, iter_files, read_file, runner
from tests.ingest.ingest_helpers import FakeStore


def _corpus(tmp_path: Path) -> Path:
    root = tmp_path / "samples"
    (root / "interviews").mkdir(parents=True)
    (root / "interviews" / "maya.txt").write_text("Interviewer: Why?\nMaya: Price.\nInterviewer: Ok.\nMaya: Also speed.\n")
    (root / "reviews.csv").write_text("id,review\n1,Great battery life overall\n2,Screen cracked in a week\n")
    (root / "tickets.jsonl").write_text('{"message": "Cannot reset my password"}\n')
    (root / ".hidden.txt").write_text("secret notes")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text("not feedback")
    (root / "~$lock.docx").write_bytes(b"lock")
    (root / "logo.png").write_bytes(b"\x89PNG")
    return root


def test_iter_files_sources_relative_to_argument_parent(tmp_path: Path) -> None:
    root = _corpus(tmp_path)
    found = list(iter_files([root, root / "reviews.csv"]))
    assert [source for _, source in found] == ["samples/interviews/maya.txt", "samples/reviews.csv", "samples/tickets.jsonl"]
    assert [s for _, s in iter_files([root / "interviews" / "maya.txt"])] == ["maya.txt"]
    assert [s for _, s in iter_files([root / "logo.png"])] == ["logo.png"]  # named directly: yielded, fails later
    with pytest.raises(IngestError, match="no such file or folder"):
        list(iter_files([tmp_path / "missing"]))


def test_ingest_is_idempotent_and_reports_progress(tmp_path: Path) -> None:
    root, store, calls = _corpus(tmp_path), FakeStore(), []
    first = ingest_paths([root], store, ReadOptions(), progress=lambda *a: calls.append(a))
    assert (first.files, first.units_added, first.units_removed, first.skipped_unchanged, first.failed) == (3, 7, 0, 0, [])
    assert calls == [(1, 3, 0), (2, 3, 0), (3, 3, 7)]  # small files wait for one shared write
    assert store.batches == [["samples/interviews/maya.txt", "samples/reviews.csv", "samples/tickets.jsonl"]]
    assert first.units_per_second > 0
    assert set(store.units) == {"samples/interviews/maya.txt", "samples/reviews.csv", "samples/tickets.jsonl"}
    second = ingest_paths([root], store, ReadOptions())
    assert (second.units_added, second.units_removed, second.skipped_unchanged) == (0, 0, 3)
    assert len(store.calls) == 3


def test_parsed_units_are_written_in_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "WINDOW_UNITS", 5)
    root, store, calls = _corpus(tmp_path), FakeStore(), []
    report = ingest_paths([root], store, progress=lambda *a: calls.append(a))
    assert store.batches == [["samples/interviews/maya.txt", "samples/reviews.csv"], ["samples/tickets.jsonl"]]
    assert calls == [(1, 3, 0), (2, 3, 6), (3, 3, 7)]
    assert report.units_added == 7


def _two_surveys(tmp_path: Path) -> tuple[Path, Path]:
    for folder, answer in (("jan", "Delivery was late"), ("feb", "Refund took weeks")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "survey.csv").write_text(f"answer\n{answer}\n")
    return tmp_path / "jan" / "survey.csv", tmp_path / "feb" / "survey.csv"


def test_a_file_with_a_name_another_file_holds_gets_its_folder_in_its_name(tmp_path: Path) -> None:
    jan, feb = _two_surveys(tmp_path)
    store = FakeStore()
    ingest_paths([jan], store)
    report = ingest_paths([feb], store)
    assert {s: [u.text for u in units] for s, units in store.units.items()} == {
        "survey.csv": ["Delivery was late"], "feb/survey.csv": ["Refund took weeks"]}
    assert report.warnings[0].reason == (f"stored as 'feb/survey.csv': 'survey.csv' is another file ({jan}); if this one "
                                         "replaces it (a newer export), remove the old one with `journey remove survey.csv`")
    again = ingest_paths([feb, jan], store)
    assert (again.skipped_unchanged, again.failed, sorted(store.units)) == (2, [], ["feb/survey.csv", "survey.csv"])


def test_two_files_with_one_name_in_a_batch_fail_and_the_rest_goes_on(tmp_path: Path) -> None:
    jan, feb = _two_surveys(tmp_path)
    (tmp_path / "notes.txt").write_text("The parcel came torn.")
    store = FakeStore()
    report = ingest_paths([jan, feb, tmp_path / "notes.txt"], store)
    assert [(f.path, f.reason) for f in report.failed] == [
        (str(feb), f"its source name 'survey.csv' is already taken by {jan} in this batch, so it was not ingested "
                   "(pass the folders that hold them, e.g. `journey ingest jan feb`, so their names include the folder, or rename one)")]
    assert sorted(store.units) == ["notes.txt", "survey.csv"] and store.units["survey.csv"][0].text == "Delivery was late"
    folders = ingest_paths([tmp_path / "jan", tmp_path / "feb"], FakeStore())
    assert folders.failed == [] and folders.units_added == 2


def test_a_file_keeps_its_stored_name_however_it_is_passed_later(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jan, _ = _two_surveys(tmp_path)
    store = FakeStore()
    ingest_paths([tmp_path / "jan"], store)
    assert store.origins == {"jan/survey.csv": str(jan)}
    monkeypatch.chdir(tmp_path / "jan")
    report = ingest_paths([Path("survey.csv")], store)  # as a file, relative, from another folder
    assert (report.skipped_unchanged, report.units_added) == (1, 0)
    jan.write_text("answer\nDelivery was late\nSizes ran small\n")
    report = ingest_paths([Path("./survey.csv")], store)
    assert (report.units_added, list(store.units)) == (1, ["jan/survey.csv"])


def test_a_file_stored_before_origins_were_recorded_is_adopted_not_duplicated(tmp_path: Path) -> None:
    jan, feb = _two_surveys(tmp_path)
    store = FakeStore()
    ingest_paths([jan], store, names={jan: "jan/survey.csv"})  # as an older version named it, from the folder: no origin
    assert store.origins == {"jan/survey.csv": None}
    report = ingest_paths([jan], store)  # the same content under an older name: kept, origin recorded
    assert (list(store.units), store.origins["jan/survey.csv"], report.units_added) == (["jan/survey.csv"], str(jan), 0)
    report = ingest_paths([feb], store)  # another file: its own name, the old source untouched
    assert sorted(store.units) == ["jan/survey.csv", "survey.csv"] and report.warnings == []


def test_a_changed_file_under_an_older_name_is_stored_anew_with_a_warning(tmp_path: Path) -> None:
    jan, _ = _two_surveys(tmp_path)
    store = FakeStore()
    ingest_paths([jan], store, names={jan: "jan/survey.csv"})
    jan.write_text("answer\nDelivery was late\nSizes ran small\n")
    report = ingest_paths([jan], store)
    assert sorted(store.units) == ["jan/survey.csv", "survey.csv"]
    assert "'jan/survey.csv' in the store" in report.warnings[0].reason
    assert "journey remove jan/survey.csv" in report.warnings[0].reason


def test_explicit_names_that_clash_in_a_batch_fail(tmp_path: Path) -> None:
    jan, feb = _two_surveys(tmp_path)
    report = ingest_paths([jan, feb], FakeStore(), names={jan: "upload.csv", feb: "upload.csv"})
    assert [f.path for f in report.failed] == [str(feb)] and "'upload.csv' is already taken by" in report.failed[0].reason


def test_remove_resolves_names_files_and_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.ingest.naming import resolve_sources
    from vectorstore.base import SourceRecord

    jan, feb = _two_surveys(tmp_path)
    stored = {"survey.csv": SourceRecord("a", str(jan)), "feb/survey.csv": SourceRecord("b", str(feb)), "old/notes.txt": SourceRecord("c")}
    (tmp_path / "old").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_sources(["survey.csv", "./jan/survey.csv", str(jan)], stored, tmp_path) == (["survey.csv"], [])
    assert resolve_sources(["feb", "old", "nope.csv"], stored, tmp_path) == (["feb/survey.csv", "old/notes.txt"], ["nope.csv"])


def test_unsupported_files_in_folders_are_reported_and_a_path_with_nothing_to_read_fails(tmp_path: Path) -> None:
    root, store = _corpus(tmp_path), FakeStore()
    (tmp_path / "empty").mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"\x89PNG")
    report = ingest_paths([root, tmp_path / "empty", tmp_path / "images"], store)
    assert [(Path(s.path).name, s.reason.split(";")[0]) for s in report.skipped] == [
        ("logo.png", "unsupported file type '.png'"), ("a.png", "unsupported file type '.png'")]
    assert "supported: .txt, .md" in report.skipped[0].reason
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert reasons["empty"].startswith("nothing to ingest: the folder holds no files (supported: .txt")
    assert reasons["images"].startswith("nothing to ingest: the folder holds only files of unsupported types (1)")
    assert len(store.units) == 3


def test_changed_file_replaces_only_its_own_units(tmp_path: Path) -> None:
    root, store = _corpus(tmp_path), FakeStore()
    ingest_paths([root], store)
    others = {s: [u.id for u in units] for s, units in store.units.items() if s != "samples/reviews.csv"}
    (root / "reviews.csv").write_text("id,review\n1,Great battery life overall\n2,Screen cracked in two days\n3,Fine\n")
    report = ingest_paths([root], store)
    assert (report.units_added, report.units_removed, report.skipped_unchanged) == (2, 1, 2)
    assert store.calls[-1] == "samples/reviews.csv"
    assert {s: [u.id for u in units] for s, units in store.units.items() if s != "samples/reviews.csv"} == others


def test_options_that_change_parsing_force_a_reparse(tmp_path: Path) -> None:
    root, store = _corpus(tmp_path), FakeStore()
    ingest_paths([root / "reviews.csv"], store)
    report = ingest_paths([root / "reviews.csv"], store, ReadOptions(encoding="utf-8"))
    assert report.skipped_unchanged == 0 and report.units_added == 0


def test_bad_files_fail_alone_and_write_nothing(tmp_path: Path) -> None:
    root, store = _corpus(tmp_path), FakeStore()
    bad = tmp_path / "bad dir ü"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "cut.json").write_text('[{"text": "a')
    (bad / "ragged.csv").write_text("comment,x\nFine product really,1,2\n")
    report = ingest_paths([bad, root / "logo.png", tmp_path / "nope.txt", root], store)
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert set(reasons) == {"empty.txt", "binary.txt", "cut.json", "logo.png", "nope.txt"}
    assert reasons["empty.txt"].startswith("file is empty")
    assert reasons["binary.txt"].startswith("looks like a binary file")
    assert "supported: .txt, .md" in reasons["logo.png"]
    assert reasons["nope.txt"].startswith("no such file or folder")
    assert [Path(w.path).name for w in report.warnings] == ["ragged.csv"]
    assert "extra cells dropped" in report.warnings[0].reason
    assert set(store.units) == {"bad dir ü/ragged.csv", "samples/interviews/maya.txt", "samples/reviews.csv", "samples/tickets.jsonl"}
    assert report.units_added == 8


def test_reader_bug_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.ingest import registry

    def broken(data, ctx):
        raise ZeroDivisionError("oops")

    monkeypatch.setitem(registry.READERS, ".md", broken)
    (tmp_path / "a.md").write_text("hello")
    (tmp_path / "b.txt").write_text("hello there")
    store = FakeStore()
    report = ingest_paths([tmp_path / "a.md", tmp_path / "b.txt"], store)
    assert report.failed[0].reason == "unexpected ZeroDivisionError while reading: oops"
    assert list(store.units) == ["b.txt"]


def test_unknown_extension_names_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "notes.rtf"
    path.write_text("{\\rtf1 hi}")
    with pytest.raises(IngestError, match=r"notes.rtf: unsupported file type '.rtf' \(supported: .txt, .md, .csv"):
        read_file(path, "notes.rtf", ReadOptions())
