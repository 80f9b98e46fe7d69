"""The draft area's rows in the shared bench table: every phase's seconds per size, and what bounds each figure."""

from bench import bench_draft

PHASES = {"load": 0.5, "stages": 0.4, "sentiment": 9.0, "themes": 1.2, "personas": 0.3, "synthesis": 60.0, "assemble": 0.6}


def _size(size: str, units: int, scale: float, peak_mb: float) -> dict:
    phases = {phase: round(seconds * scale, 3) for phase, seconds in PHASES.items()}
    return {"size": size, "units": units, "llm": True, "ingest_s": units / 400, "phases": phases, "phases_cpu": phases,
            "draft_s": round(sum(phases.values()), 2), "draft_cpu_s": round(sum(phases.values()), 2), "draft_peak_mb": peak_mb}


def _report() -> dict:
    rows = [_size("sample", 873, 1.0, 900.0), _size("1000", 1000, 1.0, 950.0), _size("10000", 10000, 9.0, 1100.0),
            _size("50000", 50000, 40.0, 1700.0)]
    return {"rows": rows, "exponents": bench_draft.exponents(rows)}


def test_each_size_gets_a_row_with_every_phase_in_pipeline_order():
    rows = [r for r in bench_draft.summary_rows(_report()) if r["measure"].startswith("draft time per phase")]
    assert [r["measure"] for r in rows] == ["draft time per phase, sample corpus, local LLM", "draft time per phase, 1k, local LLM",
                                            "draft time per phase, 10k, local LLM", "draft time per phase, 50k, local LLM"]
    assert rows[-1]["value"] == "load 20.0, stages 16.0, sentiment 360.0, themes 48.0, personas 12.0, synthesis 2400.0, assemble 24.0 s"
    # the model-bound phase has its own row; this one names the heaviest phase that runs on this machine alone
    assert rows[-1]["limited_by"].startswith("of the phases without model calls, sentiment (360.0 s): MiniLM embeddings")


def test_every_draft_row_says_what_limits_it():
    rows = bench_draft.summary_rows(_report())
    exponents = [r for r in rows if r["measure"].startswith("growth exponent")]
    assert len(exponents) == len(PHASES)
    assert {r["measure"].split(", ")[1].removesuffix(" phase (1000") for r in exponents} == set(PHASES)
    assert all(r["limited_by"] for r in rows), [r["measure"] for r in rows if not r["limited_by"]]
    synthesis = next(r for r in exponents if "synthesis phase" in r["measure"])
    assert synthesis["limited_by"] == bench_draft.PHASE_LIMITS["synthesis"]
