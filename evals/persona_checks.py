"""Persona evaluators (distinctness, balance, duplicates) and the embedding floor for claim support."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np

from assistant.models import Persona
from evals.core import EvalResult, FailingItem
from evals.grounding import GroundingContext

NO_EMBEDDER = "needs an embedder: pass embedder=vectorstore.embedders.default_embedder() (or run `journey eval`, which does)"

# MiniLM cosine between a short claim and a quote it paraphrases is typically 0.4-0.8;
# unrelated customer sentences sit around 0.0-0.2. 0.35 separates the two on our fixtures.
CLAIM_QUOTE_MIN_SIMILARITY = 0.35
# Two personas whose profiles (name, summary, claims) embed closer than this read as one persona.
DUPLICATE_PROFILE_SIMILARITY = 0.95
DUPLICATE_RESPONDENT_JACCARD = 0.9
DUPLICATE_TEXT_JACCARD = 0.9


def persona_quotes(persona: Persona) -> list[str]:
    """Every quote that backs a persona: claim evidence plus representative quotes."""
    claims = [*persona.goals, *persona.frustrations, *persona.motivations, *persona.behaviours]
    return [e.quote for c in claims for e in c.evidence] + [e.quote for e in persona.representative_quotes]


def persona_profile(persona: Persona) -> str:
    claims = [*persona.goals, *persona.frustrations, *persona.motivations, *persona.behaviours]
    return ". ".join([persona.name, persona.summary, *(c.text for c in claims)])


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _jaccard(a: set, b: set) -> float:
    return 1.0 if not a and not b else len(a & b) / len(a | b)


class PersonaDistinctness:
    """persona_distinctness: mean cosine distance between persona evidence centroids (needs an embedder)."""

    name = "persona_distinctness"
    threshold = 0.15

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        if ctx.embedder is None:
            return EvalResult.skip(self.name, NO_EMBEDDER)
        personas = [p for p in ctx.journey_map.personas if persona_quotes(p)]
        if len(personas) < 2:
            return EvalResult.skip(self.name, "needs at least two personas with quotes")
        centroids = []
        for persona in personas:
            centroid = ctx.embed(persona_quotes(persona)).mean(axis=0)
            centroids.append(centroid / max(float(np.linalg.norm(centroid)), 1e-12))
        items, distances = [], []
        for (i, a), (j, b) in itertools.combinations(enumerate(personas), 2):
            distance = 1.0 - float(centroids[i] @ centroids[j])
            distances.append(distance)
            if distance < self.threshold:
                items.append(FailingItem(location=f"personas.{a.id}~personas.{b.id}", value=round(distance, 4),
                                         reason=f"evidence centroids are only {distance:.3f} apart (cosine distance)"))
        score = float(np.mean(distances))
        return EvalResult.measure(self.name, round(score, 4), self.threshold, n=len(distances), items=items,
                                  reason=f"mean cosine distance {score:.3f} over {len(distances)} persona pairs")


class PersonaBalance:
    """persona_balance: normalised entropy of persona shares (1 = even split, 0 = one persona holds everyone)."""

    name = "persona_balance"
    threshold = 0.5

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        personas = ctx.journey_map.personas
        if len(personas) < 2:
            return EvalResult.skip(self.name, "needs at least two personas")
        shares = np.array([p.share for p in personas], dtype=float)
        if shares.sum() <= 0:
            return EvalResult.measure(self.name, 0.0, self.threshold, n=len(personas),
                                      reason="every persona has share 0", items=[FailingItem(location="personas", reason="all shares are 0")])
        p = shares / shares.sum()
        entropy = -float(sum(x * math.log(x) for x in p if x > 0)) / math.log(len(p))
        items = [FailingItem(location=f"personas.{persona.id}.share", value=round(float(x), 4),
                             reason=f"holds {x:.0%} of the persona shares") for persona, x in zip(personas, p)
                 if entropy < self.threshold and x == p.max()]
        return EvalResult.measure(self.name, round(entropy, 4), self.threshold, n=len(personas), items=items,
                                  reason=f"normalised entropy of {len(personas)} shares = {entropy:.3f}")


class DuplicatePersonas:
    """duplicate_personas: count of near-identical persona pairs (same respondents and wording, or near-equal embeddings)."""

    name = "duplicate_personas"
    threshold = 0.0

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        personas = ctx.journey_map.personas
        profiles = [persona_profile(p) for p in personas]
        vectors = ctx.embed(profiles) if ctx.embedder is not None and len(personas) > 1 else None
        items = []
        for i, j in itertools.combinations(range(len(personas)), 2):
            a, b = personas[i], personas[j]
            why = self._why_duplicate(a, b, profiles[i], profiles[j], None if vectors is None else float(vectors[i] @ vectors[j]))
            if why:
                items.append(FailingItem(location=f"personas.{b.id}", reason=f"near-duplicate of personas.{a.id}: {why}"))
        pairs = len(personas) * (len(personas) - 1) // 2
        return EvalResult.measure(self.name, float(len(items)), self.threshold, higher_is_better=False, n=pairs, items=items,
                                  reason=f"{len(items)} near-duplicate pair(s) among {pairs}")

    @staticmethod
    def _why_duplicate(a: Persona, b: Persona, text_a: str, text_b: str, cosine: float | None) -> str | None:
        respondents = _jaccard(set(a.respondents), set(b.respondents))
        wording = _jaccard(_words(text_a), _words(text_b))
        if respondents >= DUPLICATE_RESPONDENT_JACCARD and wording >= DUPLICATE_TEXT_JACCARD:
            return f"respondent overlap {respondents:.2f} and wording overlap {wording:.2f}"
        if cosine is not None and cosine >= DUPLICATE_PROFILE_SIMILARITY:
            return f"profiles embed at cosine {cosine:.3f}"
        return None


class ClaimSupportEmbedding:
    """claim_support_embedding: share of claims whose best quote has cosine >= CLAIM_QUOTE_MIN_SIMILARITY to the claim."""

    name = "claim_support_embedding"
    threshold = 0.7

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        if ctx.embedder is None:
            return EvalResult.skip(self.name, NO_EMBEDDER)
        claims = [(loc, c) for loc, c in ctx.claims if c.evidence]
        if not claims:
            return EvalResult.skip(self.name, "no claims with evidence")
        claim_vectors = ctx.embed([c.text for _, c in claims])
        items = []
        for (loc, claim), vector in zip(claims, claim_vectors):
            best = float((ctx.embed([e.quote for e in claim.evidence]) @ vector).max())
            if best < CLAIM_QUOTE_MIN_SIMILARITY:
                items.append(FailingItem(location=loc, value=round(best, 4),
                                         reason=f"best quote similarity {best:.2f} < {CLAIM_QUOTE_MIN_SIMILARITY}: the quotes may not say this"))
        n = len(claims)
        return EvalResult.measure(self.name, round((n - len(items)) / n, 4), self.threshold, n=n, items=items,
                                  reason=f"{n - len(items)}/{n} claims are close to at least one of their quotes")


EMBEDDING_AND_PERSONA = (PersonaDistinctness, PersonaBalance, DuplicatePersonas, ClaimSupportEmbedding)
