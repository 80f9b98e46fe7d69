"""Re-drafts reuse the draft cache: stage labels of old units, unchanged themes, and chain answers."""

from __future__ import annotations

import csv
import json
import warnings

import pytest

from assistant import api
from assistant.analysis import stages as stage_analysis
from assistant.analysis import themes as theme_analysis
from assistant.draft import draft_map
from assistant.draft.cache import DraftCacheWarning, cache_dir
from tests.draft.draft_helpers import SAMPLE_FILES, VALID, read_run_logs, schema_handle, workspace_copy

SURVEY = SAMPLE_FILES[0]
SCOPE = {"source": SURVEY.name}  # the survey alone keeps each draft a few seconds
NEW_ANSWERS = [
    ("What almost stopped you from ordering?", "The app crashed at checkout and my basket was emptied, I nearly gave up on the order."),
    ("What almost stopped you from ordering?", "Delivery cost more than the dress itself, which almost put me off completely."),
    ("What did you love most?", "Click and collect at the locker near my office was quick and easy, no waiting for a courier."),
    ("What one thing should we improve?", "The size guide is confusing; I had to return two pairs of jeans that did not fit."),
    ("What one thing should we improve?", "Gift wrapping for birthdays would be lovely, I could not find the option anywhere."),
    ("What did you love most?", "The embroidered denim jacket is gorgeous and the stitching feels really well made."),
]


class StageSpy:
    """Wraps assign_stages and records which units each call classified."""

    def __init__(self, monkeypatch):
        self.calls: list[dict] = []
        real = stage_analysis.assign_stages

        def spy(vectors, stage_set, embedder, *, texts=None, neighbours_from=None, **kwargs):
            self.calls.append({"texts": list(texts or []), "neighbours": 0 if neighbours_from is None else len(neighbours_from)})
            return real(vectors, stage_set, embedder, texts=texts, neighbours_from=neighbours_from, **kwargs)

        monkeypatch.setattr(stage_analysis, "assign_stages", spy)

    def classified(self) -> list[str]:
        return [t for call in self.calls for t in call["texts"]]


def _extend_survey(settings, tmp_path) -> list[str]:
    """Re-ingest the survey with NEW_ANSWERS appended (old rows keep their ids); returns the new texts."""
    rows = list(csv.reader(SURVEY.open(encoding="utf-8")))
    extended = tmp_path / "extended" / SURVEY.name
    extended.parent.mkdir(parents=True, exist_ok=True)
    with extended.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows(rows)
        for n, (question, answer) in enumerate(NEW_ANSWERS):
            writer.writerow([f"TL-NEW-{n}", "2026-04-01T08:00:00Z", "new", "25-34", "web", "7", question, answer])
    # the survey's source takes the new content (another file of that name would be stored beside it)
    report = api.ingest([extended], settings, names={extended: SURVEY.name})
    assert report.units_added == len(NEW_ANSWERS) and report.units_removed == 0, report
    return [answer for _, answer in NEW_ANSWERS]


def _cached_themes(settings) -> dict[str, dict]:
    (path,) = cache_dir(settings).glob("analysis-*.json")
    return {t["id"]: t for t in json.loads(path.read_text())["themes"]}


def _theme_claims(journey_map) -> dict[frozenset, object]:
    return {frozenset(c.unit_ids): c for s in journey_map.stages for c in s.pain_points + s.delights}


def _label_inputs(chat) -> set[frozenset]:
    return {frozenset(c["quotes"].values()) for c in chat.calls if c["schema"] == "ThemeLabel"}


@pytest.fixture(scope="module")
def redrafted(tmp_path_factory):
    """A first draft with a fake model, the survey extended by six answers, then a re-draft with a fresh fake."""
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("incremental")
    settings = api.settings(home=workspace_copy(tmp / "ws"))
    first_spy = StageSpy(mp)
    first_handle, first_chat = schema_handle(VALID)
    first = draft_map(settings, handle=first_handle, where=SCOPE, save=False)
    first_themes = _cached_themes(settings)
    mp.undo()
    new_texts = _extend_survey(settings, tmp)
    second_spy = StageSpy(mp)
    second_handle, second_chat = schema_handle(VALID)
    second = draft_map(settings, handle=second_handle, where=SCOPE, save=False)
    mp.undo()
    yield {"settings": settings, "first": first, "second": second, "first_chat": first_chat, "second_chat": second_chat,
           "first_spy": first_spy, "second_spy": second_spy, "first_themes": first_themes,
           "second_themes": _cached_themes(settings), "new_texts": new_texts}


def _scope_units(settings) -> list:
    return [u for u in api.units_by_id(settings).values() if u.source == SURVEY.name and u.is_evidence]


def test_first_draft_classifies_every_unit(redrafted):
    (call,) = redrafted["first_spy"].calls
    assert call["neighbours"] == 0
    assert len(call["texts"]) == len(_scope_units(redrafted["settings"])) - len(NEW_ANSWERS)


def test_redraft_classifies_only_the_new_units(redrafted):
    (call,) = redrafted["second_spy"].calls
    assert sorted(call["texts"]) == sorted(redrafted["new_texts"])
    assert call["neighbours"] == len(_scope_units(redrafted["settings"])) - len(NEW_ANSWERS)


def test_old_units_keep_their_cached_stage(redrafted):
    first_stage = {i: s.name for s in redrafted["first"].stages for i in s.unit_ids}
    second_stage = {i: s.name for s in redrafted["second"].stages for i in s.unit_ids}
    assert first_stage and all(second_stage.get(i) == name for i, name in first_stage.items())


def test_unchanged_themes_keep_ids_and_labels_without_model_calls(redrafted):
    first, second = redrafted["first_themes"], redrafted["second_themes"]
    kept = set(first) & set(second)
    assert kept and len(second) >= len(first) - len(NEW_ANSWERS)
    for theme_id in kept:
        assert first[theme_id] == second[theme_id]
    first_claims, second_claims = _theme_claims(redrafted["first"]), _theme_claims(redrafted["second"])
    on_map = [first_claims.get(frozenset(first[t]["unit_ids"])) for t in kept]  # themes of unassigned units are not on it
    labelled = [claim for claim in on_map if claim is not None and claim.origin == "llm"]
    assert labelled, "no unchanged theme had a model-written label"
    for claim in labelled:
        again = second_claims[frozenset(claim.unit_ids)]
        assert (again.text, again.description, again.origin) == (claim.text, claim.description, "llm")
    # an unchanged input is answered from the cache: the second model never saw one the first model answered
    assert not _label_inputs(redrafted["first_chat"]) & _label_inputs(redrafted["second_chat"])
    assert redrafted["second"].usage["cache_hits"] >= len(labelled)
    assert redrafted["second"].usage.get("calls", 0) < redrafted["first"].usage["calls"]
    assert "cache_hits" not in redrafted["first"].usage


def test_new_units_join_themes_or_form_new_ones(redrafted):
    new_ids = {u.id for u in _scope_units(redrafted["settings"]) if u.text in redrafted["new_texts"]}
    in_themes = {i for t in redrafted["second_themes"].values() for i in t["unit_ids"]}
    polar = {i for s in redrafted["second"].stages for c in s.pain_points + s.delights for i in c.unit_ids}
    assert new_ids & polar <= in_themes
    assert new_ids & in_themes, "no new answer reached a theme"


def test_run_log_counts_cache_hits(redrafted):
    settings, second = redrafted["settings"], redrafted["second"]
    records = [json.loads(line) for line in (settings.runs_dir / f"{second.run_id}.jsonl").read_text().splitlines()]
    hits = [r for r in records if r["event"] == "llm_cache_hit"]
    assert len(hits) == second.usage["cache_hits"] and all(r["chain"] and r["unit_ids"] for r in hits)
    (done,) = [r for r in records if r["event"] == "draft_done"]
    assert done["usage"]["cache_hits"] == second.usage["cache_hits"]
    (reuse,) = [r for r in records if r["event"] == "analysis_reuse"]
    assert reuse["units_new"] == len(NEW_ANSWERS) and reuse["themes_kept"] > 0


# --- invalidation, corruption and --full, each on its own workspace -----------------------------

@pytest.fixture
def drafted_ws(tmp_path):
    settings = api.settings(home=workspace_copy(tmp_path / "ws"))
    draft_map(settings, handle=None, where=SCOPE, save=False)
    return settings


def test_a_changed_stage_set_invalidates_the_cache(drafted_ws, monkeypatch):
    spy = StageSpy(monkeypatch)
    draft_map(drafted_ws, stages="saas", handle=None, where=SCOPE, save=False)
    (call,) = spy.calls
    assert call["neighbours"] == 0 and len(call["texts"]) == len(_scope_units(drafted_ws))
    assert any(r.get("event") == "cache_invalidated" for r in read_run_logs(drafted_ws.runs_dir))


def test_a_corrupt_cache_file_is_ignored_with_a_warning_and_rebuilt(drafted_ws, monkeypatch):
    (path,) = cache_dir(drafted_ws).glob("analysis-*.json")
    path.write_text('{"key": {"version": 1}, "units": [trunc', encoding="utf-8")
    spy = StageSpy(monkeypatch)
    with pytest.warns(DraftCacheWarning, match="ignoring draft cache"):
        draft_map(drafted_ws, handle=None, where=SCOPE, save=False)
    assert len(spy.classified()) == len(_scope_units(drafted_ws))
    assert json.loads(path.read_text())["themes"]
    spy.calls.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DraftCacheWarning)
        draft_map(drafted_ws, handle=None, where=SCOPE, save=False)
    assert spy.calls == []


def test_a_corrupt_llm_answer_is_ignored_and_asked_again(tmp_path):
    settings = api.settings(home=workspace_copy(tmp_path / "ws"))
    handle, chat = schema_handle(VALID)
    first = draft_map(settings, handle=handle, where=SCOPE, save=False)
    entries = sorted((cache_dir(settings) / "llm").glob("*.json"))
    assert entries and "cache_hits" not in first.usage
    entries[0].write_text("not json", encoding="utf-8")
    handle, chat = schema_handle(VALID)
    with pytest.warns(DraftCacheWarning):
        again = draft_map(settings, handle=handle, where=SCOPE, save=False)
    assert len(chat.calls) == 1
    assert again.usage["cache_hits"] == len(entries) - 1
    json.loads(entries[0].read_text())


def test_full_redraft_reclusters_and_asks_the_model_afresh(drafted_ws, monkeypatch):
    before = _cached_themes(drafted_ws)
    spy = StageSpy(monkeypatch)
    used: list[str] = []
    real_find, real_update = theme_analysis.find_themes, theme_analysis.update_themes
    monkeypatch.setattr(theme_analysis, "find_themes", lambda *a, **k: used.append("find") or real_find(*a, **k))
    monkeypatch.setattr(theme_analysis, "update_themes", lambda *a, **k: used.append("update") or real_update(*a, **k))
    handle, chat = schema_handle(VALID)
    journey_map = draft_map(drafted_ws, handle=handle, where=SCOPE, save=False, full=True)
    assert used == ["find"]
    assert len(spy.classified()) == len(_scope_units(drafted_ws))
    assert journey_map.usage.get("cache_hits", 0) == 0 and chat.calls
    assert _cached_themes(drafted_ws) == before  # same corpus: a full re-cluster finds the first draft's themes
    used.clear()
    draft_map(drafted_ws, handle=None, where=SCOPE, save=False)
    assert used == ["update"]
