"""CSV, TSV and XLSX: column detection, metadata, quoting, ragged rows, bad input."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from assistant.errors import IngestError
from tests.ingest.ingest_helpers import read


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_csv_named_text_column_metadata_and_respondent(tmp_path: Path) -> None:
    path = _write(tmp_path, "survey.csv", (
        "respondent_id,Rating,segment,Comment,score,zip\n"
        'r1,5,smb,"Loved it, ""really"".\nSecond line.",4.5,02139\n'
        "r2,2,enterprise,Too slow to load.,-1,10001\n"
        "r3,3,smb,,2,1\n"
    ))
    with pytest.warns(UserWarning, match="1 record\\(s\\) with an empty 'Comment' field skipped"):
        units = read(path)
    assert [u.text for u in units] == ['Loved it, "really".\nSecond line.', "Too slow to load."]
    first = units[0]
    assert first.respondent == "r1"
    assert first.locator.kind == "row" and first.locator.index == 0 and first.locator.field == "Comment"
    assert first.metadata == {"respondent_id": "r1", "Rating": 5, "segment": "smb", "score": 4.5, "zip": "02139"}
    assert units[1].locator.index == 1 and units[1].metadata["score"] == -1
    for unit in units:
        assert (unit.locator.char_start, unit.locator.char_end) == (0, len(unit.text))


def test_csv_text_column_guessed_by_length_and_semicolon_delimiter(tmp_path: Path) -> None:
    path = _write(tmp_path, "export.csv", (
        "id;kind;what they wrote\n"
        "1;a;The checkout kept timing out on my phone\n"
        "2;b;Customer support solved it within an hour\n"
    ))
    units = read(path)
    assert [u.text for u in units] == ["The checkout kept timing out on my phone", "Customer support solved it within an hour"]
    assert units[0].metadata == {"id": 1, "kind": "a"}
    assert units[0].respondent == "export.csv id=1"  # no respondent column: the record id, within its file, stands in


def test_explicit_columns_and_bad_column_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "a,b,c\nx1,short,The long text that matters here\nx2,tiny,Another long text right here\n")
    units = read(path, text_column="b", id_column="a", respondent_column="a")
    assert [u.text for u in units] == ["short", "tiny"]
    with pytest.raises(IngestError, match=r"t.csv: text_column 'nope' not found; columns are: a, b, c \(pick one"):
        read(path, text_column="nope")


def test_record_ids_keep_unit_ids_stable_when_rows_move(tmp_path: Path) -> None:
    rows = ["ticket_id,message", "T1,The app crashed on login", "T2,Refund took three weeks"]
    a = read(_write(tmp_path, "a.csv", "\n".join(rows)))
    b = read(_write(tmp_path, "a.csv", "\n".join([rows[0], rows[2], rows[1]])))
    assert {u.text: u.id for u in a} == {u.text: u.id for u in b}


def test_tsv_duplicate_headers_and_formula_cells(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.tsv", "note\tnote\t\tfeedback\nx\t=SUM(A1:A3)\t7\t=cmd|' /C calc'!A0 is what I typed\n")
    unit = read(path)[0]
    assert unit.text == "=cmd|' /C calc'!A0 is what I typed"
    assert unit.metadata == {"note": "x", "note_2": "=SUM(A1:A3)", "column_3": 7}


def test_ragged_rows_are_padded_or_truncated_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "ragged.csv", (
        "user,comment,rating\n"
        "u1,Pretty good overall experience\n"
        "u2,Terrible onboarding flow honestly,1,EXTRA\n"
        "u3,Fine I guess but slow,3,\n"
    ))
    with pytest.warns(UserWarning) as caught:
        units = read(path)
    messages = " ".join(str(w.message) for w in caught)
    assert "fewer cells than the header and were padded (rows 2)" in messages
    assert "extra cells dropped (rows 3)" in messages
    assert [u.metadata["rating"] for u in units] == [None, 1, 3]
    assert [u.respondent for u in units] == ["u1", "u2", "u3"]


@pytest.mark.parametrize(
    "content, reason",
    [
        ("id,score,flag\n1,5,y\n2,3,n\n", "no text column found among: id, score, flag"),
        ("comment,rating\n", "only a header row"),
        ("\n\n", "file is empty"),
    ],
)
def test_bad_tables(tmp_path: Path, content: str, reason: str) -> None:
    path = _write(tmp_path, "bad.csv", content)
    with pytest.raises(IngestError, match=f"bad.csv: {reason}"):
        read(path)


def test_xlsx_first_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Review Text", "Stars", "When"])
    sheet.append(["c9", "Delivery was late but the driver was kind", 3, None])
    sheet.append(["c10", "Fantastic fit, ordering again", 5.0, "=1+1"])
    book.create_sheet("Other").append(["ignored", "sheet"])
    path = tmp_path / "reviews.xlsx"
    book.save(path)
    units = read(path)
    assert [(u.respondent, u.text) for u in units] == [
        ("c9", "Delivery was late but the driver was kind"), ("c10", "Fantastic fit, ordering again"),
    ]
    assert units[1].metadata["Stars"] == 5.0 and units[0].metadata["When"] is None


def test_renamed_files_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(IngestError, match="fake.xlsx: not a readable .xlsx workbook"):
        read(path)


def test_blank_first_header_with_unique_values_is_the_record_id(tmp_path: Path) -> None:
    path = _write(tmp_path, "pandas.csv", ",Age,Review Text\n0,33,Silky and comfortable\n1,60,Runs small in the hips\n")
    units = read(path)
    assert [(u.respondent, u.metadata) for u in units] == [("pandas.csv column_1=0", {"column_1": 0, "Age": 33}), ("pandas.csv column_1=1", {"column_1": 1, "Age": 60})]


def test_record_ids_are_respondents_only_within_their_file_named_respondents_across_files(tmp_path: Path) -> None:
    from assistant.ingest import ingest_paths
    from tests.ingest.ingest_helpers import FakeStore

    for month in ("jan", "feb"):
        (tmp_path / month).mkdir()
        _write(tmp_path / month, "survey.csv", f"id,answer\n1,{month} checkout was slow\n2,{month} sizes ran small\n")
        _write(tmp_path / month, "tickets.csv", f"customer_id,message\nTL-1,{month} parcel lost\n")
    store = FakeStore()
    ingest_paths([tmp_path / "jan", tmp_path / "feb"], store)
    respondents = {u.respondent for units in store.units.values() for u in units}
    # two surveys numbering rows 1, 2 are four people; a named customer id is one person in both exports
    assert respondents == {"jan/survey.csv id=1", "jan/survey.csv id=2", "feb/survey.csv id=1", "feb/survey.csv id=2", "TL-1"}
