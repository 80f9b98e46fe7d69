"""Readers for .csv, .tsv and .xlsx: one unit per row, every other column kept as metadata."""

from __future__ import annotations

import csv
import io
from typing import Any

from assistant.errors import IngestError
from assistant.ingest.decode import decode_bytes
from assistant.ingest.options import ReadContext
from assistant.ingest.records import records_to_units
from assistant.models import FeedbackUnit

_DELIMITERS = ",;\t|"
csv.field_size_limit(16 * 1024 * 1024)


def header_names(raw: list[Any]) -> list[str]:
    """Header cells as unique, non-empty names ('name', 'name_2', 'column_3')."""
    names: list[str] = []
    for i, cell in enumerate(raw):
        base = str(cell).strip() if cell not in (None, "") else ""
        base = base or f"column_{i + 1}"
        name, n = base, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def rows_to_records(rows: list[list[Any]], ctx: ReadContext) -> tuple[list[str], list[dict[str, Any]]]:
    """Header + data rows to dicts; short rows padded and long rows truncated, with a warning."""
    rows = [r for r in rows if any(c not in (None, "") and str(c).strip() for c in r)]
    if not rows:
        raise IngestError(ctx.path, "no rows found", "check the file has a header row and data")
    columns = header_names(rows[0])
    if len(rows) == 1:
        raise IngestError(ctx.path, "only a header row, no data rows", "export the table with its rows")
    short, long_ = [], []
    records = []
    for number, row in enumerate(rows[1:], start=2):
        row = list(row)
        if len(row) < len(columns):
            short.append(number)
            row += [None] * (len(columns) - len(row))
        elif len(row) > len(columns):
            if any(c not in (None, "") for c in row[len(columns):]):
                long_.append(number)
            row = row[: len(columns)]
        records.append(dict(zip(columns, row)))
    if short:
        ctx.warn(f"{len(short)} row(s) had fewer cells than the header and were padded (rows {_few(short)})")
    if long_:
        ctx.warn(f"{len(long_)} row(s) had more cells than the header; extra cells dropped (rows {_few(long_)})")
    return columns, records


def _few(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:5])) + (", ..." if len(numbers) > 5 else "")


def _dialect(text: str, delimiter: str | None) -> type[csv.Dialect] | csv.Dialect:
    if delimiter:
        return type("Tab", (csv.excel_tab,), {"delimiter": delimiter})
    sample = text[:65536]
    header = sample.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
        if dialect.delimiter in header:  # keep only the delimiter: sniffed quote chars are unreliable
            return type("Sniffed", (csv.excel,), {"delimiter": dialect.delimiter})
    except csv.Error:
        pass
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return type("Guessed", (csv.excel,), {"delimiter": best if counts[best] else ","})


def read_csv(data: bytes, ctx: ReadContext, delimiter: str | None = None) -> list[FeedbackUnit]:
    """Read a .csv (delimiter sniffed) or .tsv file."""
    text = decode_bytes(data, ctx.path, ctx.options.encoding, ctx.warn)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), _dialect(text, delimiter)))
    except csv.Error as exc:
        raise IngestError(ctx.path, f"malformed CSV: {exc}", "re-export it as CSV with quoted fields") from exc
    columns, records = rows_to_records(rows, ctx)
    return records_to_units(records, columns, "row", ctx)


def read_tsv(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read a tab-separated file."""
    return read_csv(data, ctx, delimiter="\t")


def read_xlsx(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read the first worksheet of an .xlsx workbook (cached formula values, not formulas)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = book.worksheets
            rows = [list(r) for r in sheets[0].iter_rows(values_only=True)] if sheets else []
            others = [ws.title for ws in sheets[1:] if ws.max_row and ws.max_row > 1]
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors for damaged files
        raise IngestError(ctx.path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
                          "open it in a spreadsheet app and save as .xlsx, or export CSV") from exc
    if others:
        ctx.warn(f"only the first sheet was read; also has: {', '.join(others)}")
    columns, records = rows_to_records(rows, ctx)
    return records_to_units(records, columns, "row", ctx)
