"""Emotion curve: stage mean valence, its 95% interval as a band, and n per stage.

The band and line are an inline SVG stretched over the stage columns (fixed height, any
width); points and labels are HTML laid over it so they never distort when it stretches.
"""

from __future__ import annotations

from html import escape

from assistant.export.common import measured_runs, signed, valence_tone
from assistant.models import EmotionSummary

STEP = 100  # viewBox units per stage; x centres sit at the middle of each stage column
HEIGHT = 220  # CSS pixels and viewBox units alike
TOP, BOTTOM = 30, 34  # room for value labels above and n labels below the plot


def y_of(valence: float) -> float:
    """Vertical position (pixels from the top) of a valence, clamped to -1..1."""
    clamped = max(-1.0, min(1.0, valence))
    return TOP + (1 - clamped) / 2 * (HEIGHT - TOP - BOTTOM)


def _x(index: int) -> float:
    return (index + 0.5) * STEP


def _bounds(emotion: EmotionSummary) -> tuple[float, float]:
    mean = emotion.mean_valence or 0.0
    low = emotion.ci_low if emotion.ci_low is not None else mean
    high = emotion.ci_high if emotion.ci_high is not None else mean
    return low, high


def _band(run: list[int], emotions: list[EmotionSummary]) -> str:
    if len(run) == 1:  # a lone stage: a short wide bar instead of a band
        index = run[0]
        low, high = _bounds(emotions[index])
        left, right = _x(index) - STEP * 0.08, _x(index) + STEP * 0.08
        return (f'<rect class="ci" x="{left:.1f}" y="{y_of(high):.1f}" width="{right - left:.1f}" '
                f'height="{max(1.0, y_of(low) - y_of(high)):.1f}" fill="#9fb3d9" opacity="0.45"/>')
    upper = [f"{_x(i):.1f},{y_of(_bounds(emotions[i])[1]):.1f}" for i in run]
    lower = [f"{_x(i):.1f},{y_of(_bounds(emotions[i])[0]):.1f}" for i in reversed(run)]
    return f'<polygon class="ci" points="{" ".join(upper + lower)}" fill="#9fb3d9" opacity="0.35"/>'


def _svg(emotions: list[EmotionSummary]) -> str:
    width = max(1, len(emotions)) * STEP
    parts = [f'<svg class="jm-curve" viewBox="0 0 {width} {HEIGHT}" preserveAspectRatio="none" '
             f'role="img" aria-label="Emotion curve: mean valence per stage with 95% interval">']
    for value in (1.0, 0.5, 0.0, -0.5, -1.0):
        dash = ' stroke-dasharray="5 4"' if value == 0 else ""
        colour = "#b8c0c8" if value == 0 else "#edf0f3"
        parts.append(f'<line x1="0" x2="{width}" y1="{y_of(value):.1f}" y2="{y_of(value):.1f}" stroke="{colour}"'
                     f' vector-effect="non-scaling-stroke"{dash}/>')
    for run in measured_runs(emotions):
        parts.append(_band(run, emotions))
        if len(run) > 1:
            points = " ".join(f"{_x(i):.1f},{y_of(emotions[i].mean_valence or 0):.1f}" for i in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="#3e4c59" stroke-width="2.5" '
                         f'stroke-linejoin="round" vector-effect="non-scaling-stroke"/>')
    parts.append("</svg>")
    return "".join(parts)


def _overlay(index: int, count: int, name: str, emotion: EmotionSummary) -> str:
    left = f"left:{(index + 0.5) / count * 100:.3f}%"
    n_label = f'<span class="jm-n" style="{left}">n = {emotion.n}</span>'
    if emotion.mean_valence is None:
        return f'<span class="jm-nodata" style="{left};top:{y_of(0) - 18:.0f}px">no data</span>' + n_label
    tone = valence_tone(emotion.mean_valence)
    low, high = _bounds(emotion)
    tip = escape(f"{name}: mean valence {signed(emotion.mean_valence)}, 95% CI {signed(low)} to {signed(high)}, n = {emotion.n}")
    return (f'<span class="jm-pt {tone}" style="{left};top:{y_of(emotion.mean_valence):.0f}px" title="{tip}"></span>'
            f'<span class="jm-pv {tone}" style="{left};top:{max(2.0, y_of(high) - 20):.0f}px">{signed(emotion.mean_valence)}</span>'
            + n_label)


def emotion_svg(stage_names: list[str], emotions: list[EmotionSummary]) -> str:
    """The curve for stages in order, as HTML with an inline SVG; computed only from the map's emotion summaries."""
    count = max(1, len(emotions))
    axis = "".join(f'<span class="jm-axis" style="top:{y_of(v) - 15:.0f}px">{label}</span>'
                   for v, label in ((1.0, "+1 positive"), (0.0, "0 neutral"), (-1.0, "−1 negative")))
    marks = "".join(_overlay(i, count, name, e) for i, (name, e) in enumerate(zip(stage_names, emotions)))
    return f'<div class="jm-chart" style="height:{HEIGHT}px">{_svg(emotions)}{axis}{marks}</div>'
