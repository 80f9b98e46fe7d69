"""Metadata filters: one `where` dict, evaluated in memory on the flat keys (see vectorstore.records).

Syntax is Chroma's, with two shorthands: several top-level keys mean $and, and a list value
means $in. Keys are the flat keys: source, respondent, speaker_role, loc.kind,
loc.index, loc.page, loc.field, m.<column> and labels such as stage and persona. Matching follows
Chroma: $ne/$nin also match records without the key; $gt/$gte/$lt/$lte compare numbers only.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np

from assistant.errors import StoreError

COMPARISONS = ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin")
LOGICAL = ("$and", "$or")


def _bad(message: str) -> StoreError:
    return StoreError(f"invalid filter: {message}; use e.g. {{'source': 'a.csv', 'm.segment': {{'$in': ['smb', 'ent']}}}}")


def normalise_where(where: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The filter in strict Chroma form (one operator per dict), or None for no filter."""
    if not where:
        return None
    if not isinstance(where, Mapping):
        raise _bad(f"expected a dict, got {type(where).__name__}")
    parts = [_normalise_item(key, value) for key, value in where.items()]
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _normalise_item(key: str, value: Any) -> dict[str, Any]:
    if key in LOGICAL:
        if not isinstance(value, list) or not value:
            raise _bad(f"{key} needs a non-empty list of filters")
        parts = [normalise_where(part) for part in value]
        parts = [p for p in parts if p]
        return parts[0] if len(parts) == 1 else {key: parts}
    if key.startswith("$"):
        raise _bad(f"unknown operator {key}; use one of {', '.join(LOGICAL + COMPARISONS)}")
    if isinstance(value, (list, tuple)):
        return {key: {"$in": list(value)}}
    if isinstance(value, Mapping):
        if not value:
            raise _bad(f"empty operator dict on '{key}'")
        if len(value) > 1:
            return {"$and": [_normalise_item(key, {op: arg}) for op, arg in value.items()]}
        op, arg = next(iter(value.items()))
        if op not in COMPARISONS:
            raise _bad(f"unknown operator {op} on '{key}'; use one of {', '.join(COMPARISONS)}")
        if op in ("$in", "$nin") and (not isinstance(arg, (list, tuple)) or not arg):
            raise _bad(f"{op} on '{key}' needs a non-empty list")
        return {key: {op: list(arg) if op in ("$in", "$nin") else arg}}
    if value is None:
        raise _bad(f"'{key}': None is not a filterable value (missing keys are never stored)")
    return {key: {"$eq": value}}


def part_on_keys(where: Mapping[str, Any] | None, usable: Callable[[str], bool]) -> dict[str, Any] | None:
    """The part of a strict filter that names only `usable` keys: every record matching `where` matches it.

    An $and keeps its usable clauses; an $or is kept only whole. None means no filter.
    """
    if where is None:
        return None
    (key, arg), = where.items()
    if key == "$and":
        parts = [part for part in (part_on_keys(clause, usable) for clause in arg) if part is not None]
        return None if not parts else parts[0] if len(parts) == 1 else {"$and": parts}
    if key == "$or":
        return dict(where) if all(part_on_keys(clause, usable) == clause for clause in arg) else None
    return dict(where) if usable(key) else None


def _same(a: Any, b: Any) -> bool:
    """Equality as Chroma sees it: booleans never equal numbers, strings never equal numbers."""
    return isinstance(a, bool) == isinstance(b, bool) and isinstance(a, str) == isinstance(b, str) and a == b


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class MetadataColumns:
    """Column-wise, dictionary-encoded metadata of many records, for fast in-memory filtering."""

    def __init__(self, codes: dict[str, np.ndarray], values: dict[str, list[Any]], size: int):
        self.codes = codes  # key -> int32 code per record, -1 = missing
        self.values = values  # key -> distinct values, indexed by code
        self.size = size

    @classmethod
    def from_records(cls, metadatas: Iterable[Mapping[str, Any]]) -> "MetadataColumns":
        rows = list(metadatas)
        lookup: dict[str, dict[tuple[type, Any], int]] = {}
        codes: dict[str, np.ndarray] = {}
        for row_index, row in enumerate(rows):
            for key, value in row.items():
                table = lookup.setdefault(key, {})
                column = codes.get(key)
                if column is None:
                    column = codes[key] = np.full(len(rows), -1, dtype=np.int32)
                column[row_index] = table.setdefault((type(value), value), len(table))
        values = {key: [v for (_, v) in table] for key, table in lookup.items()}
        return cls(codes, values, len(rows))

    def row(self, index: int) -> dict[str, Any]:
        """The metadata of one record."""
        return {k: self.values[k][c] for k, col in self.codes.items() if (c := int(col[index])) >= 0}

    def distinct_counts(self) -> dict[str, int]:
        return {key: len(vals) for key, vals in self.values.items()}

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "values": self.values, "codes": {k: v.tolist() for k, v in self.codes.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "MetadataColumns":
        codes = {k: np.asarray(v, dtype=np.int32) for k, v in data["codes"].items()}
        return cls(codes, {k: list(v) for k, v in data["values"].items()}, int(data["size"]))

    def mask(self, where: Mapping[str, Any] | None) -> np.ndarray | None:
        """Boolean mask of the records matching `where`; None when there is no filter."""
        strict = normalise_where(where)
        return None if strict is None else self._eval(strict)

    def _eval(self, where: Mapping[str, Any]) -> np.ndarray:
        (key, arg), = where.items()
        if key == "$and":
            return np.logical_and.reduce([self._eval(part) for part in arg])
        if key == "$or":
            return np.logical_or.reduce([self._eval(part) for part in arg])
        (op, operand), = arg.items()
        codes = self.codes.get(key)
        if codes is None:
            return np.full(self.size, op in ("$ne", "$nin"), dtype=bool)
        wanted = [i for i, v in enumerate(self.values[key]) if _matches(v, op, operand)]
        hit = np.isin(codes, np.asarray(wanted, dtype=np.int32))
        return ~hit if op in ("$ne", "$nin") else hit


def _matches(value: Any, op: str, operand: Any) -> bool:
    """Whether one stored value satisfies the positive form of `op` ($ne/$nin are negated by the caller)."""
    if op in ("$eq", "$ne"):
        return _same(value, operand)
    if op in ("$in", "$nin"):
        return any(_same(value, o) for o in operand)
    if not (_is_number(value) and _is_number(operand)):
        return False
    return {"$gt": value > operand, "$gte": value >= operand, "$lt": value < operand, "$lte": value <= operand}[op]
