"""Deterministic grounding evaluators: verbatim quotes, valid citations, evidence, prevalence, numbers, coverage."""

from __future__ import annotations

import re

from assistant.grounding import (Vocabulary, locate_quote, mention_problem, named_entities_in, numbers_in,  # noqa: F401  (re-exported)
                                 support_text)
from assistant.models import corpus_fingerprint
from evals.core import EvalResult, FailingItem
from evals.grounding import GroundingContext

_WS = re.compile(r"\s+")


def _share(good: int, total: int) -> float:
    return 1.0 if total == 0 else good / total


class QuoteVerbatim:
    """quote_verbatim_rate: share of quotes for which unit.text[start:end] == quote exactly."""

    name = "quote_verbatim_rate"
    threshold = 1.0

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        items = []
        for site in ctx.evidence:
            ev, unit = site.evidence, ctx.units.get(site.evidence.unit_id)
            if unit is None:
                items.append(FailingItem(location=site.location, reason=f"unit '{ev.unit_id}' does not exist, so the quote cannot be checked"))
            elif unit.text[ev.start : ev.end] != ev.quote:
                items.append(FailingItem(location=site.location, reason=_verbatim_problem(unit.text, ev)))
        n = len(ctx.evidence)
        return EvalResult.measure(self.name, _share(n - len(items), n), self.threshold, n=n, items=items,
                                  reason=f"{n - len(items)}/{n} quotes are exact at their offsets")


def _verbatim_problem(text: str, ev) -> str:
    found = locate_quote(text, ev.quote)
    if found is None:
        return f"quote {ev.quote[:60]!r} is not verbatim in unit '{ev.unit_id}'"
    if _WS.sub(" ", text[ev.start : ev.end].strip()) == _WS.sub(" ", ev.quote.strip()):
        return f"quote matches unit '{ev.unit_id}' at {ev.start}-{ev.end} only after collapsing whitespace"
    return f"quote is in unit '{ev.unit_id}' at {found[0]}-{found[1]}, not at {ev.start}-{ev.end}"


class CitationValidity:
    """citation_validity: share of cited ids that exist, are evidence-eligible and belong to their claim."""

    name = "citation_validity"
    threshold = 1.0

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        items: list[FailingItem] = []
        checked = 0
        for site in ctx.evidence:
            checked += 1
            problem = self._evidence_problem(ctx, site)
            if problem:
                items.append(FailingItem(location=site.location, reason=problem))
        for loc, claim in ctx.claims:
            for i, unit_id in enumerate(claim.unit_ids):
                checked += 1
                if unit_id not in ctx.units:
                    items.append(FailingItem(location=f"{loc}.unit_ids[{i}]", reason=f"unit id '{unit_id}' does not exist in the corpus"))
        for stage in ctx.journey_map.stages:
            for i, unit_id in enumerate(stage.unit_ids):
                checked += 1
                if unit_id not in ctx.units:
                    items.append(FailingItem(location=f"stages.{stage.name}.unit_ids[{i}]", reason=f"unit id '{unit_id}' does not exist in the corpus"))
        claim_ids = {c.id for _, c in ctx.claims}
        for loc, opp in ctx.opportunities:
            for i, claim_id in enumerate(opp.addresses):
                checked += 1
                if claim_id not in claim_ids:
                    items.append(FailingItem(location=f"{loc}.addresses[{i}]", reason=f"addresses claim '{claim_id}', which is not in the map"))
        reason = f"{checked - len(items)}/{checked} cited ids are valid"
        if ctx.journey_map.corpus_fingerprint != corpus_fingerprint(list(ctx.units)):
            reason += "; note: the map's corpus fingerprint differs from this corpus (built from another unit set)"
        return EvalResult.measure(self.name, _share(checked - len(items), checked), self.threshold, n=checked, items=items, reason=reason)

    @staticmethod
    def _evidence_problem(ctx: GroundingContext, site) -> str | None:
        ev = site.evidence
        unit = ctx.units.get(ev.unit_id)
        if unit is None:
            return f"unit id '{ev.unit_id}' does not exist in the corpus"
        if not unit.is_evidence:
            return f"unit '{ev.unit_id}' is a {unit.speaker_role} turn, which is not evidence"
        owner_units = getattr(site.owner, "unit_ids", None)
        if owner_units and ev.unit_id not in owner_units:
            return f"unit '{ev.unit_id}' is not among the claim's unit_ids (its cluster)"
        return None


class EvidencePerClaim:
    """evidence_per_claim: share of claims (and opportunities) with >= 1 quote; an observed claim without one always fails."""

    name = "evidence_per_claim"
    threshold = 1.0

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        owners = [*ctx.claims, *ctx.opportunities]
        items = []
        for loc, owner in owners:
            if not owner.evidence:
                kind = getattr(owner, "kind", "opportunity")
                items.append(FailingItem(location=loc, reason=f"{kind} {'claim ' if kind != 'opportunity' else ''}has no evidence"))
        score = _share(len(owners) - len(items), len(owners))
        result = EvalResult.measure(self.name, score, self.threshold, n=len(owners), items=items,
                                    reason=f"{len(owners) - len(items)}/{len(owners)} claims have evidence")
        if any(getattr(o, "kind", None) == "observed" and not o.evidence for _, o in owners):
            result.passed = False
            result.reason += "; observed claims must have evidence"
        return result


class PrevalenceConsistency:
    """prevalence_consistency: stored units/respondents equal those recomputed from unit_ids + evidence."""

    name = "prevalence_consistency"
    threshold = 1.0

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        items = []
        for loc, claim in ctx.claims:
            unit_ids = set(claim.unit_ids) | {e.unit_id for e in claim.evidence}
            known = [ctx.units[u] for u in unit_ids if u in ctx.units]
            respondents = len({u.respondent if u.respondent is not None else f"unit:{u.id}" for u in known})
            stored = claim.prevalence
            if (stored.units, stored.respondents) != (len(unit_ids), respondents):
                items.append(FailingItem(
                    location=f"{loc}.prevalence",
                    reason=f"stored {stored.units} units / {stored.respondents} respondents, recomputed {len(unit_ids)} / {respondents}"))
        n = len(ctx.claims)
        return EvalResult.measure(self.name, _share(n - len(items), n), self.threshold, n=n, items=items,
                                  reason=f"{n - len(items)}/{n} prevalence counts match their units")


class UnsupportedNumbers:
    """unsupported_numbers: share of claims whose numbers (with their units) and names all appear in their evidence.

    Names are words capitalised mid-sentence, with an inner capital ("PayPal") or unknown to common English and
    to the corpus ("paypal"); see assistant.grounding. A number may also equal the claim's own prevalence counts
    (a claim may say '3 respondents'). The draft runs the same check on the text its model writes.
    """

    name = "unsupported_numbers"
    threshold = 1.0

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        items = []
        owners = [*ctx.claims, *ctx.opportunities]
        vocabulary = Vocabulary(u.text for u in ctx.units.values())
        for loc, owner in owners:
            prevalence = getattr(owner, "prevalence", None)
            allowed = [str(prevalence.units), str(prevalence.respondents)] if prevalence is not None else []
            problem = mention_problem(owner.text, support_text(owner, ctx.units), vocabulary, allowed)
            if problem:
                items.append(FailingItem(location=f"{loc}.text", reason=problem))
        n = len(owners)
        return EvalResult.measure(self.name, _share(n - len(items), n), self.threshold, n=n, items=items,
                                  reason=f"{len(items)} of {n} claims mention numbers or names absent from their evidence")


class CorpusCoverage:
    """corpus_coverage: share of evidence-eligible units that are cited or assigned to a stage."""

    name = "corpus_coverage"
    threshold = 0.5

    def evaluate(self, ctx: GroundingContext) -> EvalResult:
        used = {s.evidence.unit_id for s in ctx.evidence}
        for stage in ctx.journey_map.stages:
            used.update(stage.unit_ids)
        eligible = [u for u in ctx.units.values() if u.is_evidence]
        missing = [u for u in eligible if u.id not in used]
        items = [FailingItem(location=f"units.{u.id}", reason=f"{u.source} {u.locator.label()} is neither cited nor assigned to a stage")
                 for u in missing]
        n = len(eligible)
        return EvalResult.measure(self.name, _share(n - len(missing), n), self.threshold, n=n, items=items,
                                  reason=f"{n - len(missing)}/{n} evidence-eligible units are used by the map")


DETERMINISTIC = (QuoteVerbatim, CitationValidity, EvidencePerClaim, PrevalenceConsistency, UnsupportedNumbers, CorpusCoverage)
