"""PNG overview: the emotion curve with its interval band and n, and per-stage finding counts."""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from assistant.export.common import measured_runs, ordered_stages, valence_tone
from assistant.models import EmotionSummary, JourneyMap

WIDTH_IN, HEIGHT_IN, DPI = 11.0, 7.5, 120
_BARS = (("pain_points", "Pain points", "#d64545"), ("delights", "Delights", "#2f9e6a"),
         ("opportunities", "Opportunities", "#7048e8"))
TONES = {"neg": "#d64545", "mid": "#d99a06", "pos": "#2f9e6a", "none": "#9aa3ad"}


def _plain(text: str, width: int = 18) -> str:
    """Text safe from mathtext ($) and wrapped for a tick label."""
    return "\n".join(textwrap.wrap(text.replace("$", r"\$"), width) or [""])


def _bounds(emotion: EmotionSummary) -> tuple[float, float]:
    mean = emotion.mean_valence or 0.0
    low = emotion.ci_low if emotion.ci_low is not None else mean
    high = emotion.ci_high if emotion.ci_high is not None else mean
    return low, high


def _emotion_axes(ax, journey_map: JourneyMap) -> None:
    stages = ordered_stages(journey_map)
    emotions = [s.emotion for s in stages]
    ax.axhline(0, color="#b8c0c8", linestyle="--", linewidth=1)
    for run in measured_runs(emotions):
        low, high = zip(*(_bounds(emotions[i]) for i in run))
        if len(run) == 1:
            ax.vlines(run, low, high, color="#9fb3d9", linewidth=10, alpha=0.6)
        else:
            ax.fill_between(run, low, high, color="#9fb3d9", alpha=0.35, linewidth=0)
            ax.plot(run, [emotions[i].mean_valence for i in run], color="#3e4c59", linewidth=2.2, zorder=3)
    for i, emotion in enumerate(emotions):
        measured = emotion.mean_valence is not None
        label = f"n = {emotion.n}" if measured else f"no data (n = {emotion.n})"
        ax.annotate(label, (i, -1.0), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=9, color="#616e7c")
        if measured:
            colour = TONES[valence_tone(emotion.mean_valence)]
            ax.scatter([i], [emotion.mean_valence], s=90, color=colour, edgecolors="white", linewidths=2, zorder=4)
            ax.annotate(f"{emotion.mean_valence:+.2f}", (i, _bounds(emotion)[1]), xytext=(0, 6), textcoords="offset points",
                        ha="center", fontsize=9.5, fontweight="bold", color=colour)
    ax.set_ylim(-1.05, 1.12)
    ax.set_xlim(-0.5, max(0.5, len(stages) - 0.5))
    ax.set_xticks(list(range(len(stages))), [_plain(s.name) for s in stages])
    ax.set_ylabel("mean valence (−1..1)")
    ax.set_title("Emotion across the journey (mean valence, band = 95% interval)", loc="left", fontsize=12, fontweight="bold")
    ax.grid(axis="y", color="#edf0f3")


def _counts_axes(ax, journey_map: JourneyMap) -> None:
    stages = ordered_stages(journey_map)
    width = 0.26
    for offset, (lane, label, colour) in enumerate(_BARS):
        counts = [len(getattr(s, lane)) for s in stages]
        positions = [i + (offset - 1) * width for i in range(len(stages))]
        bars = ax.bar(positions, counts, width=width, color=colour, label=label)
        ax.bar_label(bars, fontsize=8, color="#3e4c59")
    ax.set_xticks(list(range(len(stages))), [_plain(s.name) for s in stages])
    ax.set_xlim(-0.5, max(0.5, len(stages) - 0.5))
    ax.set_ylabel("findings")
    ax.set_title("Findings per stage", loc="left", fontsize=12, fontweight="bold")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.margins(y=0.2)
    ax.legend(loc="upper right", fontsize=8, frameon=False, ncols=3)


def render_png(journey_map: JourneyMap) -> bytes:
    """The figure as PNG bytes, at a fixed size (WIDTH_IN x HEIGHT_IN inches at DPI)."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(_plain(f"{journey_map.title} — v{journey_map.version}", 90), fontsize=14, fontweight="bold")
    emotion_ax, counts_ax = figure.subplots(2, 1, height_ratios=[3, 2])
    for ax in (emotion_ax, counts_ax):
        ax.spines[["top", "right"]].set_visible(False)
    _emotion_axes(emotion_ax, journey_map)
    _counts_axes(counts_ax, journey_map)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
