"""The local server's OpenMP threads wait passively unless the user chose otherwise (no server started here)."""

from __future__ import annotations

from assistant.llm import local_server


def test_openmp_threads_sleep_at_barriers_by_default(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    local_server.passive_openmp_threads()
    assert local_server.os.environ["OMP_WAIT_POLICY"] == "PASSIVE"


def test_a_wait_policy_in_the_environment_wins(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    local_server.passive_openmp_threads()
    assert local_server.os.environ["OMP_WAIT_POLICY"] == "ACTIVE"
