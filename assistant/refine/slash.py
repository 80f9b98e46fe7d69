"""Slash commands for refining a map in chat, parsed deterministically (no LLM).

Quote numbers in commands (`claim#2`) count from 1, as shown to people; MapEdit
evidence indices count from 0.
"""

from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import Field

from assistant.errors import JourneyError
from assistant.models import JourneyMap, Strict
from assistant.refine import lookup
from assistant.refine.diff import MapDiff
from assistant.refine.edits import AddClaimEdit, DeleteEdit, MapEdit, MergeClaimsEdit, MoveEdit, RenameEdit, RewriteEdit
from assistant.refine.session import Proposal, Refiner

USAGE = {
    "rename": "/rename <id> <new text>",
    "rewrite": "/rewrite <claim-id> <text>",
    "merge": "/merge <id> <id> [...] [as <text>]",
    "move": "/move <claim-id> <stage-or-persona>.<lane>   or   /move <claim-id>#<quote-no> <claim-id>",
    "delete": "/delete <id>   or   /delete <claim-id>#<quote-no>",
    "add": "/add <stage>.<lane> <unit-id>[,<unit-id>] <text>",
    "undo": "/undo",
    "redo": "/redo",
    "history": "/history",
    "diff": "/diff v<a> v<b>",
    "help": "/help",
}
EXAMPLES = {
    "rename": "/rename pp-purchase-1 Card payment fails",
    "rewrite": "/rewrite gl-purchase-1 Pay quickly, without errors",
    "merge": "/merge pp-purchase-1 pp-purchase-2 as Checkout fails",
    "move": "/move pp-purchase-1 delivery.pain_points",
    "delete": "/delete pp-purchase-1#2",
    "add": "/add purchase.pain_points u_1a2b,u_3c4d Promo codes fail",
    "diff": "/diff v1 v3",
}
CommandName = Literal["rename", "rewrite", "merge", "move", "delete", "add", "undo", "redo", "history", "diff", "help"]
_NO_ARGS = ("undo", "redo", "history", "help")


class SlashUsageError(JourneyError):
    """A slash command is malformed; the message ends with its usage line."""


class SlashCommand(Strict):
    """A parsed slash command: the edits it makes, or the versions it compares."""

    name: CommandName
    edits: list[MapEdit] = Field(default_factory=list)
    versions: Optional[tuple[int, int]] = Field(default=None, description="For /diff: the two versions (None: current vs its parent).")


class SlashResult(Strict):
    """What a command did: a message, plus a proposal to accept, or the map now current."""

    message: str
    proposal: Optional[Proposal] = None
    saved: Optional[JourneyMap] = None
    diff: Optional[MapDiff] = None


def syntax(name: str) -> str:
    """A command's usage line, with an example when it takes arguments."""
    return USAGE[name] + (f"   e.g. {EXAMPLES[name]}" if name in EXAMPLES else "")


EDIT_COMMANDS = ("rename", "rewrite", "merge", "move", "delete", "add")


def help_text(names: Optional[tuple[str, ...]] = None) -> str:
    """The syntax of every command (or of `names`), each followed by an example when it takes arguments."""
    lines = []
    for name, usage in USAGE.items():
        if names is not None and name not in names:
            continue
        first, *others = usage.split("   or   ")
        lines += [first] + [f"  or {form}" for form in others]
        if name in EXAMPLES:
            lines.append(f"    e.g. {EXAMPLES[name]}")
    return "\n".join(lines)


def _usage(name: str, problem: str) -> SlashUsageError:
    return SlashUsageError(f"{problem}; usage: {syntax(name)}")


def _first(rest: str) -> tuple[str, str]:
    """The first word (or "quoted phrase") of `rest`, and what follows it."""
    rest = rest.strip()
    if rest[:1] in ("'", '"'):
        end = rest.find(rest[0], 1)
        if end > 0:
            return rest[1:end], rest[end + 1:].strip()
    head, _, tail = rest.partition(" ")
    return head, tail.strip()


def _quote_ref(name: str, ref: str) -> tuple[str, Optional[int]]:
    """'claim#2' -> ('claim', 1); 'claim' -> ('claim', None)."""
    target, hash_, number = ref.partition("#")
    if not hash_:
        return ref, None
    if not target or not number.isdigit() or int(number) < 1:
        raise _usage(name, f"'{ref}' is not <claim-id>#<quote-no> with quote numbers from 1")
    return target, int(number) - 1


def _version(name: str, text: str) -> int:
    match = re.fullmatch(r"[vV]?(\d+)", text)
    if not match or int(match.group(1)) < 1:
        raise _usage(name, f"'{text}' is not a version like v3")
    return int(match.group(1))


def _edits(name: str, rest: str) -> list:
    words = rest.split()
    if name in ("rename", "rewrite"):
        target, text = _first(rest)
        if not target or not text:
            raise _usage(name, f"/{name} needs an id and the new text")
        return [RenameEdit(target=target, new=text) if name == "rename" else RewriteEdit(claim_id=target, text=text)]
    if name == "merge":
        parts = re.split(r"\s+as(?:\s+|$)", rest, maxsplit=1)
        ids_part, as_, text = parts[0], len(parts) == 2, (parts[1] if len(parts) == 2 else "")
        ids = ids_part.split()
        if len(ids) < 2 or (as_ and not text.strip()):
            raise _usage(name, "/merge needs at least two ids" if len(ids) < 2 else "'as' must be followed by the merged text")
        return [MergeClaimsEdit(claim_ids=ids, text=text.strip() or None)]
    if name == "move":
        if len(words) != 2:
            raise _usage(name, "/move needs a claim id and a destination")
        target, index = _quote_ref(name, words[0])
        return [MoveEdit(target=target, destination=words[1], evidence_index=index)]
    if name == "delete":
        if len(words) != 1:
            raise _usage(name, "/delete needs exactly one id")
        target, index = _quote_ref(name, words[0])
        return [DeleteEdit(target=target, evidence_index=index)]
    if name == "add":
        if len(words) < 3 or "." not in words[0]:
            raise _usage(name, "/add needs a lane like purchase.pain_points, unit ids and the claim text")
        location, rest = _first(rest)
        unit_part, text = _first(rest)
        unit_ids = [u for u in unit_part.split(",") if u]
        if not unit_ids:
            raise _usage(name, "/add needs at least one unit id")
        return [AddClaimEdit(location=location, unit_ids=unit_ids, text=text)]
    return []


def parse_slash(text: str) -> SlashCommand:
    """Parse one slash command; raises SlashUsageError with the usage line when it is malformed."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        raise SlashUsageError(f"'{_clip(stripped)}' is not a slash command; commands: {', '.join('/' + n for n in USAGE)}")
    head, _, rest = stripped[1:].partition(" ")
    name = head.lower()
    if name not in USAGE:
        raise SlashUsageError(f"unknown command '/{head}'; commands: {', '.join('/' + n for n in USAGE)} (try /help)")
    rest = rest.strip()
    if name in _NO_ARGS:
        if rest and name != "help":
            raise _usage(name, f"/{name} takes no arguments")
        return SlashCommand(name=name)
    if name == "diff":
        words = rest.split()
        if len(words) not in (0, 2):
            raise _usage(name, "/diff needs two versions (or none, for the current version against its parent)")
        return SlashCommand(name=name, versions=(_version(name, words[0]), _version(name, words[1])) if words else None)
    if not rest:
        raise _usage(name, f"/{name} needs arguments")
    return SlashCommand(name=name, edits=_edits(name, rest))


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _history_text(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        parent = f" ← v{row['parent']}" if row["parent"] else ""
        mark = "  [current]" if row["current"] else ""
        edits = "; ".join(row["edits"]) or "(drafted)"
        lines.append(f"v{row['version']}{parent}  {row['created_at']}  {row['author']}: {edits}{mark}")
    return "\n".join(lines)


def check_merge_text(journey_map: JourneyMap, edits: list) -> None:
    """'/merge a b Payment fails' (no 'as') reads the words as ids; say how to name the merged claim instead."""
    known = set(lookup.all_ids(journey_map))
    for edit in edits:
        if not isinstance(edit, MergeClaimsEdit) or edit.text is not None:
            continue
        ids = edit.claim_ids
        first = next((n for n, i in enumerate(ids) if i not in known), None)
        if first is None or first < 2 or any(i in known or lookup.looks_like_id(i) for i in ids[first:]):
            continue
        text = " ".join(ids[first:])
        raise _usage("merge", f"'{text}' is not a claim id; to name the merged claim, put 'as' before its text: "
                              f"/merge {' '.join(ids[:first])} as {text}")


def run_slash(refiner: Refiner, text: str, accept: bool = False, author: str = "user") -> SlashResult:
    """Run a slash command. Editing commands return a Proposal (saved on accept), or save at once with accept=True."""
    command = parse_slash(text)
    if command.edits:
        check_merge_text(refiner.current(), command.edits)
        proposal = refiner.propose(command.edits)
        if not accept:
            return SlashResult(message=proposal.diff_text + "\n(accept to save this as a new version)",
                               proposal=proposal, diff=proposal.diff)
        saved = refiner.accept(proposal, author=author)
        return SlashResult(message=f"saved version {saved.version}\n{proposal.diff_text}", saved=saved, diff=proposal.diff)
    if command.name in ("undo", "redo"):
        current = refiner.undo() if command.name == "undo" else refiner.redo()
        return SlashResult(message=f"{command.name}: map '{current.id}' is now at version {current.version}", saved=current)
    if command.name == "history":
        return SlashResult(message=_history_text(refiner.history()))
    if command.name == "diff":
        versions = command.versions
        if versions is None:
            current = refiner.current()
            if current.parent_version is None:
                return SlashResult(message=f"version {current.version} is the first; nothing to compare it with")
            versions = (current.parent_version, current.version)
        diff = refiner.diff(*versions)
        return SlashResult(message=diff.text(), diff=diff)
    return SlashResult(message=help_text())
