"""`journey doctor` checks the real provider, model, embedder and store (may start the local server)."""

from __future__ import annotations

import pytest

from assistant.cli import app


@pytest.mark.integration
def test_doctor_prints_a_table(runner, ws_settings):
    result = runner.invoke(app, ["doctor", "--workspace", str(ws_settings.home)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert "check" in result.stdout and "detail" in result.stdout
    assert ("yes" in result.stdout) or ("no" in result.stdout)
