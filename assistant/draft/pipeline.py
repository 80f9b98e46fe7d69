"""One-click draft: evidence-first analysis, then LLM naming, then a verified JourneyMap.

Reads as numbered steps. Structure and evidence come from the analysis layer (steps 2-5), so
the map stays grounded even with a tiny model; the model only names and summarises (step 6).

A re-draft of the same scope reuses the workspace draft cache (assistant/draft/cache.py): stage,
valence and emotion are computed only for new or changed units, themes whose members are
unchanged are kept, and chain answers whose inputs are unchanged cost no model call.
``full=True`` ignores the caches (a full re-cluster and fresh model answers) and rewrites them.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from assistant.analysis.asked import answer_side
from assistant.draft import assemble
from assistant.draft.synthesis import Synthesizer
from assistant.errors import GroundingError, JourneyError
from assistant.models import JourneyMap, ModelInfo, corpus_fingerprint
from assistant.workspace import RunLog

Progress = Callable[[str, float], None]
NO_FEEDBACK = "no feedback in scope to draft from; ingest files with `journey ingest PATH` (or loosen --where)"
PHASES = ("load", "stages", "sentiment", "themes", "personas", "synthesis", "assemble")


class PhaseClock:
    """Times each phase, reports progress, and records both in the run log."""

    def __init__(self, progress: Progress | None, run_log: RunLog):
        self.progress = progress
        self.run_log = run_log
        self.timings: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name, PHASES.index(name) / len(PHASES))
        started = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - started, 3)
        self.run_log.record("phase", phase=name, seconds=self.timings[name])


def draft_map(settings, stages: str = "b2c", personas: int | None = None, where: dict | None = None,
              title: str | None = None, progress: Progress | None = None, store=None, handle: Any = "auto",
              save: bool = True, full: bool = False) -> JourneyMap:
    """Draft a map of the corpus in scope, verify every quote against it, save it as version 1.

    full: ignore the draft cache (re-assign and re-cluster everything, ask the model afresh).
    """
    from assistant.analysis import themes as theme_analysis
    from assistant.draft.cache import AnalysisCache, LLMCache
    from assistant.mapstore import MapStore
    from assistant.stagesets.loader import load_stage_set
    from vectorstore.store import FeedbackStore

    run_log = RunLog(settings.runs_dir)
    clock = PhaseClock(progress, run_log)
    store = store or FeedbackStore.from_settings(settings)
    stage_set = load_stage_set(stages)

    # 1. The corpus in scope, and the vectors stored at ingest (nothing is embedded twice).
    with clock.phase("load"):
        all_units, all_vectors = store.units_with_vectors(where)
        units = {u.id: u for u in all_units}
        evidence_rows = [row for row, u in enumerate(all_units) if u.is_evidence]
        if not evidence_rows:
            raise JourneyError(NO_FEEDBACK)
        evidence_units = [all_units[row] for row in evidence_rows]
        ids = [u.id for u in evidence_units]
        vectors = all_vectors[evidence_rows]
        del all_vectors  # interviewer/agent turns' vectors are not needed past this point
        cache = AnalysisCache.open(settings, stage_set, store.embedder.name, where, fresh=full, run_log=run_log)
        cached = {u.id: cache.known(u.id, u.text) for u in evidence_units}
        new_rows = [row for row, i in enumerate(ids) if cached[i] is None]
        old_rows = [row for row, i in enumerate(ids) if cached[i] is not None]

    # 2. Stage of each unit (None = fits no stage); cached units keep theirs, new ones get neighbours' votes from all.
    with clock.phase("stages"):
        stage_of = {ids[row]: cached[ids[row]].stage for row in old_rows}
        stage_of.update(_assign_stages(evidence_units, vectors, new_rows, old_rows, stage_set, store.embedder))

    # 3. Sentiment valence and emotion label per unit (per unit, so only new ones are computed).
    with clock.phase("sentiment"):
        valence_of = {ids[row]: cached[ids[row]].valence for row in old_rows}
        emotion_of = {ids[row]: cached[ids[row]].emotion for row in old_rows}
        new_valence, new_emotion = _sentiment(evidence_units, vectors, new_rows)
        valence_of.update(new_valence)
        emotion_of.update(new_emotion)

    # 4. Themes: clusters within stage x polarity -> pain points and delights; earlier unchanged themes are kept.
    with clock.phase("themes"):
        previous = [theme_analysis.Theme.from_dict(t) for t in cache.themes]
        side_of = {u.id: side for u in evidence_units if (side := answer_side(u))}  # survey answers read with their questions
        if previous:
            themes, kept = theme_analysis.update_themes(evidence_units, vectors, stage_of, valence_of, previous, side_of_unit=side_of)
        else:
            themes, kept = assemble.find_stage_themes(evidence_units, vectors, stage_of, valence_of, side_of), 0
        run_log.record("analysis_reuse", units_cached=len(old_rows), units_new=len(new_rows), themes=len(themes), themes_kept=kept)

    # 5. Persona segments: respondents clustered on their units and metadata.
    with clock.phase("personas"):
        segments = assemble.find_segments(evidence_units, vectors, personas, stage_of, valence_of)

    # 6. Synthesis: the model names themes, stages and personas; fallbacks keep the draft going.
    with clock.phase("synthesis"):
        synth = Synthesizer(units=units, settings=settings, handle=_model_handle(settings, handle), run_log=run_log,
                            embedder=store.embedder, banned=tuple(s.name for s in stage_set.stages),
                            cache=LLMCache.for_settings(settings, run_log, read=not full), lanes=_lane_check(valence_of, evidence_units, side_of))
        built_stages = assemble.build_stages(stage_set, themes, stage_of, valence_of, emotion_of, synth, units,
                                             concurrency=_concurrency(settings, synth.handle))
        built_personas = assemble.build_personas(segments, stage_set, stage_of, valence_of, emotion_of, synth, units, dict(zip(ids, vectors)))

    # 7. Assemble and verify: every quote verbatim, every id real, every claim evidenced.
    with clock.phase("assemble"):
        handle_info = synth.handle
        journey_map = JourneyMap(
            id=f"map-{run_log.run_id}", title=title or f"Journey map ({stage_set.name})",
            corpus_fingerprint=corpus_fingerprint(list(units)), stage_set=stage_set,
            personas=built_personas, stages=built_stages,
            model_info=ModelInfo(provider=getattr(handle_info, "provider", "none"), model=getattr(handle_info, "model", "extractive"),
                                 embedder=store.embedder.name),
            run_id=run_log.run_id, usage=dict(synth.usage),
        )
        verified = verify(journey_map, units)
        store.set_unit_labels({i: {"stage": stage_of.get(i)} for i in ids})
        cache.save(evidence_units, stage_of, valence_of, emotion_of, themes)

    verified = verified.model_copy(update={"timings": clock.timings})
    run_log.record("draft_done", map_id=verified.id, timings=clock.timings, usage=dict(synth.usage), fallbacks=synth.fallbacks)
    return MapStore(settings.maps_dir).save_new(verified) if save else verified


def verify(journey_map: JourneyMap, units: dict) -> JourneyMap:
    """Re-validate the whole map against the corpus; raises GroundingError listing every problem."""
    from pydantic import ValidationError

    try:
        return JourneyMap.model_validate(journey_map.model_dump(), context={"units": units})
    except ValidationError as exc:
        raise GroundingError([f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)]) from None


def _assign_stages(units: list, vectors, new_rows: list[int], old_rows: list[int], stage_set, embedder) -> dict[str, str | None]:
    """Stage of each unit in `new_rows`; the already-assigned `old_rows` vote as neighbours."""
    from assistant.analysis.stages import assign_stages

    if not new_rows:
        return {}
    assignments = assign_stages(vectors[new_rows], stage_set, embedder, texts=[units[row].text for row in new_rows],
                                neighbours_from=vectors[old_rows] if old_rows else None)
    return {units[row].id: a.stage for row, a in zip(new_rows, assignments)}


def _sentiment(units: list, vectors, rows: list[int]) -> tuple[dict[str, float], dict[str, str]]:
    """(valence, emotion label) of the units in `rows`."""
    from assistant.analysis import emotion, sentiment

    if not rows:
        return {}, {}
    texts, ids = [units[row].text for row in rows], [units[row].id for row in rows]
    valences = sentiment.valence(texts, vectors[rows])
    labels = [label for label, _ in emotion.emotions(vectors[rows], texts)]
    return dict(zip(ids, map(float, valences))), dict(zip(ids, labels))


def _lane_check(valence_of: dict[str, float], units: list, side_of: dict[str, int]):
    """The lane check of this draft: quotes scored like units, a quote that is a whole unit keeps its unit's valence,
    and survey answers take their lane from their questions as their themes do."""
    from assistant.analysis import sentiment
    from assistant.draft.lanes import LaneCheck

    return LaneCheck(sentiment.valence, known={u.text: valence_of[u.id] for u in units if u.id in valence_of},
                     lexical=sentiment.vader_valence, asked=side_of)


def _model_handle(settings, handle: Any):
    if handle != "auto":
        return handle
    from assistant.llm.providers import model_handle

    return model_handle(settings)



def _concurrency(settings, handle) -> int:
    """Parallel chains: the local server's slots, or the configured limit for remote providers."""
    from assistant.llm.structured import default_concurrency

    return 1 if handle is None else default_concurrency(settings, handle)
