"""Grounding suite: deterministic checks that every claim in a map stands on verbatim, valid evidence.

Runs with no LLM. With an embedder it adds the embedding metrics (persona distinctness and
the claim-support floor); without one those two are reported as skipped.

    report = run_grounding(journey_map, units, embedder=default_embedder())
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Mapping, Optional, Union

import numpy as np

from assistant.models import Claim, Evidence, FeedbackUnit, JourneyMap, Opportunity
from evals.core import SuiteReport, run_evaluators, timed

Owner = Union[Claim, Opportunity, None]


@dataclass(frozen=True)
class EvidenceSite:
    """One quote in the map, where it sits and the claim (or opportunity) it supports."""

    location: str
    evidence: Evidence
    owner: Owner = None


def claim_sites(journey_map: JourneyMap) -> list[tuple[str, Claim]]:
    """(location, claim) for every claim, location ending in the claim id."""
    return [(f"{lane}.{claim.id}", claim) for lane, claim in journey_map.all_claims()]


def opportunity_sites(journey_map: JourneyMap) -> list[tuple[str, Opportunity]]:
    return [(f"stages.{s.name}.opportunities.{o.id}", o) for s in journey_map.stages for o in s.opportunities]


def evidence_sites(journey_map: JourneyMap) -> list[EvidenceSite]:
    """Every quote in the map (claims, opportunities, emotion examples, persona quotes) with its location."""
    return list(_iter_evidence(journey_map))


def _iter_evidence(m: JourneyMap) -> Iterator[EvidenceSite]:
    for loc, owner in [*claim_sites(m), *opportunity_sites(m)]:
        for i, ev in enumerate(owner.evidence):
            yield EvidenceSite(f"{loc}.evidence[{i}]", ev, owner)
    for stage in m.stages:
        for ec in stage.emotion.dominant:
            for i, ev in enumerate(ec.evidence):
                yield EvidenceSite(f"stages.{stage.name}.emotion.{ec.label}.evidence[{i}]", ev)
    for persona in m.personas:
        for i, ev in enumerate(persona.representative_quotes):
            yield EvidenceSite(f"personas.{persona.id}.representative_quotes[{i}]", ev)
        for stage_name, summary in persona.stage_emotions.items():
            for ec in summary.dominant:
                for i, ev in enumerate(ec.evidence):
                    yield EvidenceSite(f"personas.{persona.id}.stage_emotions.{stage_name}.{ec.label}.evidence[{i}]", ev)


@dataclass
class GroundingContext:
    """What the grounding evaluators read: the map, the corpus and an optional embedder (with a cache)."""

    journey_map: JourneyMap
    units: Mapping[str, FeedbackUnit]
    embedder: Optional[object] = None
    _vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.claims = claim_sites(self.journey_map)
        self.opportunities = opportunity_sites(self.journey_map)
        self.evidence = evidence_sites(self.journey_map)

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors for texts, embedding each distinct text once per run."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            vectors = np.asarray(self.embedder.embed(missing), dtype=np.float32)
            norms = np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
            self._vectors.update(zip(missing, vectors / norms))
        dim = next(iter(self._vectors.values())).shape[0] if self._vectors else 1
        return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, dim), dtype=np.float32)

    def prime(self) -> None:
        """Embed every claim text and quote in one batch (length-sorted batches are much faster)."""
        if self.embedder is None:
            return
        texts = [c.text for _, c in self.claims] + [s.evidence.quote for s in self.evidence]
        self.embed(texts)


def default_evaluators(thresholds: Mapping[str, float] | None = None) -> list:
    """The grounding evaluators with their default thresholds, overridden by name from `thresholds`."""
    from evals.grounding_checks import DETERMINISTIC
    from evals.persona_checks import EMBEDDING_AND_PERSONA

    evaluators = [cls() for cls in (*DETERMINISTIC, *EMBEDDING_AND_PERSONA)]
    for evaluator in evaluators:
        if thresholds and evaluator.name in thresholds:
            evaluator.threshold = float(thresholds[evaluator.name])
    return evaluators


def run_grounding(
    journey_map: JourneyMap,
    units: Mapping[str, FeedbackUnit],
    embedder: object | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> SuiteReport:
    """Run every grounding metric on the map against its corpus; see evals/README.md for the metrics."""

    def run() -> SuiteReport:
        ctx = GroundingContext(journey_map, units, embedder)
        ctx.prime()
        results = run_evaluators(default_evaluators(thresholds), ctx)
        info = {"claims": len(ctx.claims), "quotes": len(ctx.evidence), "units": len(units),
                "personas": len(journey_map.personas), "embedder": getattr(embedder, "name", None)}
        return SuiteReport(suite="grounding", map_id=journey_map.id, map_version=journey_map.version,
                           metrics=results, info=info)

    return timed(run)
