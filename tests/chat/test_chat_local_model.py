"""ChatEngine with the real local model (llama.cpp server started on demand)."""

from __future__ import annotations

import pytest

from assistant.chat import gate
from assistant.chat.engine import ChatEngine


@pytest.mark.integration
def test_real_local_model_answers_with_citations_or_refuses(ws_settings, store, units, saved_map):
    assert ws_settings.provider in (None, "local")
    engine = ChatEngine(ws_settings, session="integration", store=store)
    answer = engine.ask("Why did the app crash at payment and empty the basket?")
    assert answer.top_score >= gate.REFUSE_BELOW
    if answer.refused:
        assert answer.closest
    else:
        assert answer.sentences and answer.citations
        assert any(s.supported and s.citations for s in answer.sentences)
        numbers = {c.n for c in answer.citations}
        for sentence in answer.sentences:
            assert set(sentence.citations) <= numbers
    for c in answer.citations + answer.closest:
        assert units[c.unit_id].text[c.start:c.end] == c.quote and units[c.unit_id].is_evidence
    off_topic = engine.ask("Who won the 1998 football world cup final?")
    assert off_topic.refused and not off_topic.sentences
