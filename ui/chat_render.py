"""How chat answers look: markdown with inline [n] markers, and a sources panel with the verbatim quotes."""

from __future__ import annotations

from html import escape
from typing import Any

from assistant.chat.models import REFUSAL_TEXT, ChatAnswer, Citation

NO_SOURCES = '<div class="src-empty">Sources of the latest answer appear here.</div>'


def _md_escape(text: str) -> str:
    """Keep model text literal in markdown (no accidental emphasis, links or HTML)."""
    for char in ("\\", "`", "*", "_", "[", "]", "<", ">", "#"):
        text = text.replace(char, "\\" + char)
    return text


def answer_markdown(answer: ChatAnswer) -> str:
    """The answer as chat markdown: each sentence with its [n] markers; unsupported sentences flagged."""
    if answer.refused:
        lines = [f"**{REFUSAL_TEXT}**"]
        if answer.closest:
            lines.append("\nClosest feedback found:")
            lines += [f"- “{_md_escape(c.quote)}” — {_md_escape(c.source)}" for c in answer.closest]
        return "\n".join(lines)
    parts = []
    for sentence in answer.sentences:
        marks = "".join(f" **\\[{n}\\]**" for n in sentence.citations)
        flag = " _(unsupported)_" if not sentence.supported else ""
        parts.append(_md_escape(sentence.text) + marks + flag)
    text = " ".join(parts) or _md_escape(answer.render())
    if answer.fallback_notice():
        text += "\n\n<sub>\u26a0 " + _md_escape(answer.fallback_notice()) + "</sub>"
    if answer.scope:
        text += "\n\n<sub>Scope: " + ", ".join(f"{_md_escape(k)}={_md_escape(v)}" for k, v in answer.scope.items()) + "</sub>"
    return text


def _citation_item(citation: Citation, marker: str) -> str:
    where = [f"<b>{escape(citation.source)}</b>"]
    if citation.respondent:
        where.append(f"respondent {escape(citation.respondent)}")
    if citation.locator:
        where.append(escape(citation.locator))
    return (f'<li><span class="src-n">{escape(marker)}</span><blockquote>{escape(citation.quote)}</blockquote>'
            f'<div class="src-meta">{" · ".join(where)} · <code>{escape(citation.unit_id)}</code></div></li>')


def sources_html(answer: ChatAnswer | None) -> str:
    """The numbered sources of an answer (or the closest units of a refusal)."""
    if answer is None:
        return NO_SOURCES
    if answer.refused:
        if not answer.closest:
            return '<div class="src-empty">No feedback came close to this question.</div>'
        items = "".join(_citation_item(c, "≈") for c in answer.closest)
        return f'<div class="src-panel"><h4>Closest feedback (not enough to answer)</h4><ol>{items}</ol></div>'
    if not answer.citations:
        return '<div class="src-empty">This answer has no citations.</div>'
    items = "".join(_citation_item(c, f"[{c.n}]") for c in answer.citations)
    return f'<div class="src-panel"><h4>Sources</h4><ol>{items}</ol></div>'


def command_markdown(message: str) -> str:
    """A slash command's text result as a code block."""
    return "```\n" + message.replace("```", "ʼʼʼ") + "\n```"


def message(role: str, content: Any) -> dict:
    return {"role": role, "content": content}
