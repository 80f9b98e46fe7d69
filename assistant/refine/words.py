"""Edit requests in words that name ids ("rename pp-delivery-1 to Parcels arrive late"), parsed without a model.

Each verb makes the same typed edit as its slash command, so "merge A and B as C" and
"/merge A B as C" propose the same diff. A request that names no id is left to the model.
"""

from __future__ import annotations

import re
from typing import Optional

from assistant.errors import EditRefusedError
from assistant.models import JourneyMap
from assistant.refine import lookup
from assistant.refine.edits import AddClaimEdit, DeleteEdit, MergeClaimsEdit, MoveEdit, RenameEdit, RewriteEdit
from assistant.refine.slash import SlashUsageError, syntax

VERBS = {"rename": "rename", "call": "rename", "rewrite": "rewrite", "reword": "rewrite", "merge": "merge",
         "combine": "merge", "delete": "delete", "remove": "delete", "drop": "delete", "move": "move", "add": "add"}
# What a request in words looks like, per command (shown with the slash syntax when a request does not parse).
WORDS = {
    "rename": "rename <id> to <new text>",
    "rewrite": "rewrite <claim-id> as <text>",
    "merge": "merge <id> and <id> [as <text>]",
    "delete": "delete <id> [and <id>]",
    "move": "move <claim-id> to <stage> (or <stage>.<lane>, or another claim for one quote: <claim-id>#<quote-no>)",
    "add": 'add "<text>" to <stage>.<lane> from <unit-id>[, <unit-id>]',
}
_POLITE = re.compile(r"^\s*(?:(?:please|can you|could you|would you|kindly)\s+)*", re.I)
_TOKEN = re.compile(r"[^\s,;]+")
_EDGE = "\"'“”‘’()[].:!?"
_AND = {"and", "&", "+", "with"}
_NAMING = re.compile(r"^(?:as|into|to|called|named|and\s+call\s+(?:it|them)|and\s+name\s+(?:it|them))\s*[:,]?\s+(?P<text>.+)$",
                     re.I | re.S)


def _bare(token: str) -> str:
    return token.strip(_EDGE)


def _is_id(token: str, known: set[str]) -> bool:
    bare = _bare(token)
    return bare in known or bare.partition("#")[0] in known or lookup.looks_like_id(bare)


def _known(journey_map: JourneyMap) -> set[str]:
    """Claim, opportunity and persona ids; stage names are ordinary words ("delivery") and do not count."""
    return set(lookup.claim_ids(journey_map)) | {o.id for _, o in lookup.opportunities(journey_map)} | {
        p.id for p in journey_map.personas}


def mentioned_ids(request: str, journey_map: JourneyMap) -> list[str]:
    """Ids the request names explicitly (known to the map, or shaped like an id), in order."""
    known = _known(journey_map)
    found = [_bare(t.group()) for t in _TOKEN.finditer(request) if _is_id(t.group(), known)]
    return list(dict.fromkeys(found))


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] + text[-1] in ('""', "''", "“”", "‘’"):
        text = text[1:-1].strip()
    return text


def _refuse(name: str, problem: str) -> SlashUsageError:
    return SlashUsageError(f"{problem}; write: {WORDS[name]}, or the command {syntax(name)}")


class _Request:
    """A request split into its verb, the run of ids after it, and what follows the ids."""

    def __init__(self, text: str, journey_map: JourneyMap):
        self.jm = journey_map
        self.known = _known(journey_map)
        self.text = _POLITE.sub("", text).strip()
        verb, _, self.rest = self.text.partition(" ")
        self.command = VERBS.get(verb.lower())

    def ids_then_rest(self, many: bool) -> tuple[list[str], str]:
        """The ids at the start of `rest` (one, or a list joined by commas/'and'), and the text after them.

        Filler words before the first id ("the pain point pp-x") are skipped."""
        tokens = list(_TOKEN.finditer(self.rest))
        start = next((n for n, t in enumerate(tokens) if _is_id(t.group(), self.known)), None)
        if start is None:
            return [], self.rest
        ids, end = [], tokens[start].start()
        for token in tokens[start:]:
            word = token.group()
            if _is_id(word, self.known) and (many or not ids):
                ids.append(_bare(word))
                end = token.end()
            elif not (many and word.lower() in _AND):
                break
        return ids, self.rest[end:].lstrip(" ,;")


def _rename(req: _Request) -> list:
    ids, after = req.ids_then_rest(many=False)
    match = re.match(r"^(?:to|as|into|:)\s*(?P<text>.+)$", after, re.I | re.S)
    if req.text.lower().startswith("call ") and after and not match:
        match = re.match(r"^(?P<text>.+)$", after, re.S)
    if not ids or not match or not _unquote(match.group("text")):
        raise _refuse("rename", "say the new text after 'to'")
    return [RenameEdit(target=ids[0], new=_unquote(match.group("text")))]


def _rewrite(req: _Request) -> list:
    ids, after = req.ids_then_rest(many=False)
    match = re.match(r"^(?:to|as|into|:)\s*(?P<text>.+)$", after, re.I | re.S)
    if not ids or not match or not _unquote(match.group("text")):
        raise _refuse("rewrite", "say the new text after 'as'")
    return [RewriteEdit(claim_id=ids[0], text=_unquote(match.group("text")))]


def _merge(req: _Request) -> list:
    ids, after = req.ids_then_rest(many=True)
    if len(ids) < 2:
        raise _refuse("merge", "name at least two ids to merge")
    if not after.strip(" ."):
        return [MergeClaimsEdit(claim_ids=ids)]
    match = _NAMING.match(after)
    if not match or not _unquote(match.group("text")):
        raise _refuse("merge", f"'{after}' is not a claim id; put 'as' before the merged claim's text")
    return [MergeClaimsEdit(claim_ids=ids, text=_unquote(match.group("text")))]


def _quote_ref(ref: str) -> tuple[str, Optional[int]]:
    target, hash_, number = ref.partition("#")
    if not hash_:
        return ref, None
    if not number.isdigit() or int(number) < 1:
        raise _refuse("delete", f"'{ref}' is not <claim-id>#<quote-no> with quote numbers from 1")
    return target, int(number) - 1


def _delete(req: _Request) -> list:
    ids, after = req.ids_then_rest(many=True)
    if not ids or after.strip(" ."):
        raise _refuse("delete", f"'{after}' is not an id" if ids else "name the id to delete")
    return [DeleteEdit(target=t, evidence_index=i) for t, i in map(_quote_ref, ids)]


def _destination(jm: JourneyMap, claim_id: str, text: str) -> str:
    """'<stage>.<lane>' for 'delivery', 'the delivery stage', 'delivery pain points' or 'delivery.pain_points'."""
    text = re.sub(r"^(?:the\s+)?(?:stage\s+)?|\s+stage$", "", text.strip(" ."), flags=re.I).strip()
    try:
        return "{0.owner}.{0.lane}".format(lookup.parse_location(jm, text))
    except EditRefusedError:
        pass
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):  # "first use pain points": stage words, then lane words
        try:
            loc = lookup.parse_location(jm, " ".join(words[:cut]) + "." + "_".join(words[cut:]))
            return f"{loc.owner}.{loc.lane}"
        except EditRefusedError:
            continue
    stage = lookup.find_stage(jm, text)  # refuses, listing the stages
    source, _, _ = lookup.find_claim(jm, claim_id)
    if source.lane not in lookup.STAGE_LANES:
        raise _refuse("move", f"'{claim_id}' is a persona {lookup.LANE_LABEL[source.lane]}; name the lane, "
                              f"e.g. {stage.name}.pain_points")
    return f"{stage.name}.{source.lane}"


def _move(req: _Request) -> list:
    ids, after = req.ids_then_rest(many=False)
    match = re.match(r"^(?:to|into|under)\s+(?P<dest>.+)$", after, re.I | re.S)
    if not ids or not match:
        raise _refuse("move", "say where to after 'to'")
    target, index = _quote_ref(ids[0])
    dest = _bare(match.group("dest").strip())
    if index is not None:
        return [MoveEdit(target=target, destination=dest, evidence_index=index)]
    return [MoveEdit(target=target, destination=_destination(req.jm, target, match.group("dest")))]


def _add(req: _Request) -> list:
    match = re.match(r"^(?P<text>.+?)\s+(?:to|in|under)\s+(?P<lane>\S+)\s+(?:from|citing|with|using|based on)\s+(?P<units>.+)$",
                     req.rest, re.I | re.S)
    if not match:
        raise _refuse("add", "say the claim, its lane and the units it rests on")
    units = [_bare(u) for u in re.split(r"[\s,;]+|\band\b", match.group("units")) if _bare(u)]
    if not units or not all(lookup.looks_like_id(u) for u in units):
        raise _refuse("add", f"'{match.group('units')}' are not unit ids (find them with `journey search`)")
    return [AddClaimEdit(location=_bare(match.group("lane")), unit_ids=units, text=_unquote(match.group("text")))]


_PARSERS = {"rename": _rename, "rewrite": _rewrite, "merge": _merge, "delete": _delete, "move": _move, "add": _add}


def edits_from_words(request: str, journey_map: JourneyMap) -> Optional[list]:
    """The edits a request with an edit verb and explicit ids asks for, or None when the model should read it.

    None: the request names no id, or its verb has no command (e.g. split). A request that names ids
    but does not fit its verb's form raises SlashUsageError with the form in words and as a command.
    """
    req = _Request(request, journey_map)
    if req.command is None or not mentioned_ids(req.text, journey_map):
        return None
    return _PARSERS[req.command](req)


def run_edit(refiner, text: str, author: str = "user"):
    """Save the edit a slash command or a request in words with ids asks for (no model); a SlashResult."""
    from assistant.refine.slash import SlashResult, check_merge_text, run_slash

    if text.strip().startswith("/"):
        return run_slash(refiner, text, accept=True, author=author)
    journey_map = refiner.current()
    edits = edits_from_words(text, journey_map)
    if edits is None:
        raise SlashUsageError(f"'{text[:60]}' is neither a slash command nor an edit naming claim ids; e.g. "
                              f"\"rename pp-delivery-1 to Parcels arrive late\" or /rename pp-delivery-1 Parcels arrive late")
    check_merge_text(journey_map, edits)
    proposal = refiner.propose(edits)
    saved = refiner.accept(proposal, author=author)
    return SlashResult(message=f"saved version {saved.version}\n{proposal.diff_text}", saved=saved, diff=proposal.diff)
