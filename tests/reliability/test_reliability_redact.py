"""PII redaction: detectors, the ingest hook (ReadOptions.redact) and the remote-provider warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ingest import ReadOptions, ingest_paths
from assistant.models import unit_id_for
from assistant.redact import is_remote_provider, redact, redact_units, warn_remote_without_redaction
from tests.ingest.ingest_helpers import FakeStore


@pytest.mark.parametrize("text, expected, counts", [
    ("Mail me at jane.doe+shop@example.co.uk today", "Mail me at [EMAIL] today", {"email": 1}),
    ("UK mobile 07911 123456, landline 020 7946 0958", "UK mobile [PHONE], landline [PHONE]", {"phone": 2}),
    ("Call (415) 555-2671 or +1 415-555-2671", "Call [PHONE] or [PHONE]", {"phone": 2}),
    ("Paris office +33 1 42 68 53 00.", "Paris office [PHONE].", {"phone": 1}),
    ("Card 4111 1111 1111 1111 was charged", "Card [CARD] was charged", {"card": 1}),
    ("Amex 3782-822463-10005 too", "Amex [CARD] too", {"card": 1}),
    ("Send it to 221B Baker Street, London NW1 6XE", "Send it to [ADDRESS], London [ADDRESS]", {"address": 2}),
    ("We live at 1600 Pennsylvania Avenue, Washington, DC 20500.", "We live at [ADDRESS].", {"address": 1}),
    ("Hi, my name is Jane Doe and the parcel was late", "Hi, my name is [NAME] and the parcel was late", {"name": 1}),
    ("I'm Tom Baker, a loyal customer", "I'm [NAME], a loyal customer", {"name": 1}),
    ("The coat was warm.\nThanks,\nPriya Shah", "The coat was warm.\nThanks,\n[NAME]", {"name": 1}),
    ("Cheers, Dean", "Cheers, [NAME]", {"name": 1}),
    # reserved for drama (Ofcom): libphonenumber calls them invalid, but they are phone numbers here
    ("Please call 07700 900123 after six", "Please call [PHONE] after six", {"phone": 1}),
    ("or +44 7700 900123 from abroad", "or [PHONE] from abroad", {"phone": 1}),
    ("My mobile is 07700 900461.", "My mobile is [PHONE].", {"phone": 1}),
])
def test_redact_finds_pii(text, expected, counts):
    assert redact(text) == (expected, counts)


@pytest.mark.parametrize("text", [
    "Order 1234567812345678 is not a card (Luhn fails)",
    "Sizes 10-12 cost £49.99 on 2024-05-06, order #100234, ticket 20240506-7781.",
    "I waited 3 days and 2 weeks for a refund of 1299 at 10:30",
    "I'm happy with it. I'm Very pleased. This is Great.",
    "Maya: the fitting room was lovely",  # a speaker label is a respondent id, not PII to remove
    "Interviewer: What happened next?",
    "Thanks for the quick reply, it arrived on Monday",
    "Best fit I've ever had",
    "We walked 5 Minutes down the street",
    "Order 07700900123 cost £1,299.99 on 2026-02-24; ref 44 7700 900123",  # phone-length, but no phone context
    "I had to call 3 times about order 12345678",
])
def test_redact_leaves_ordinary_feedback_alone(text):
    assert redact(text) == (text, {})


def _survey(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    import csv

    path = tmp_path / "survey.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "email", "comment"])
        writer.writerows(rows)
    return path


ROWS = [
    ("r1", "ann@example.com", "Delivery was late; call me on 07911 123456 please"),
    ("r2", "bob@example.org", "My name is Bob Stone and my card 4111 1111 1111 1111 was charged twice"),
    ("r3", "", "The jeans fit perfectly"),
]


def test_ingest_with_redact_stores_placeholders_and_reports_counts(tmp_path):
    store = FakeStore()
    report = ingest_paths([_survey(tmp_path, ROWS)], store, ReadOptions(redact=True))
    units = store.units["survey.csv"]
    texts = [u.text for u in units]
    assert texts == ["Delivery was late; call me on [PHONE] please",
                     "My name is [NAME] and my card [CARD] was charged twice", "The jeans fit perfectly"]
    assert [u.metadata["email"] for u in units] == ["[EMAIL]", "[EMAIL]", None]
    assert report.redactions == {"phone": 1, "name": 1, "card": 1, "email": 2}
    dumped = "\n".join(u.model_dump_json() for u in units)
    assert "07911" not in dumped and "ann@example.com" not in dumped and "4111" not in dumped and "Bob Stone" not in dumped


def test_redacted_ids_hash_the_redacted_text_and_survive_row_moves(tmp_path):
    store = FakeStore()
    ingest_paths([_survey(tmp_path, ROWS)], store, ReadOptions(redact=True))
    first = {u.text: u.id for u in store.units["survey.csv"]}
    for unit in store.units["survey.csv"]:
        key = f"row id={unit.metadata['response_id']}"
        assert unit.id == unit_id_for("survey.csv", key, unit.text)
    moved = FakeStore()
    ingest_paths([_survey(tmp_path, list(reversed(ROWS)))], moved, ReadOptions(redact=True))
    assert {u.text: u.id for u in moved.units["survey.csv"]} == first


def test_redaction_off_changes_nothing_and_toggling_reingests(tmp_path):
    path = _survey(tmp_path, ROWS)
    store = FakeStore()
    plain = ingest_paths([path], store, ReadOptions())
    assert plain.redactions == {} and "07911 123456" in store.units["survey.csv"][0].text
    again = ingest_paths([path], store, ReadOptions())
    assert again.skipped_unchanged == 1
    redacted = ingest_paths([path], store, ReadOptions(redact=True))
    assert redacted.skipped_unchanged == 0 and redacted.units_removed == 2  # the two rows whose text changed


def test_positional_units_and_respondent_emails(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Email me at a.person@example.com about the refund.\n\nThe app is fine otherwise.")
    store = FakeStore()
    ingest_paths([path], store, ReadOptions(redact=True))
    first, second = store.units["notes.txt"]
    assert first.text == "Email me at [EMAIL] about the refund."
    assert first.id == unit_id_for("notes.txt", first.locator.label(), first.text)
    [pseudonymised], counts = redact_units([first.model_copy(update={"respondent": "x@example.com"})])
    assert pseudonymised.respondent.startswith("respondent-") and counts == {"email": 1}
    [kept], _ = redact_units([first.model_copy(update={"respondent": "Maya"})])
    assert kept.respondent == "Maya"


def _settings(tmp_path, **values) -> Settings:
    return Settings(home=tmp_path, **values)


@pytest.mark.parametrize("values, remote", [
    ({}, False),
    ({"provider": "openai"}, True),
    ({"llm_base_url": "http://127.0.0.1:8080/v1", "llm_model": "m"}, False),
    ({"llm_base_url": "http://localhost:11434/v1", "llm_model": "m"}, False),
    ({"llm_base_url": "http://[::1]:8000/v1", "llm_model": "m"}, False),
    ({"llm_base_url": "https://vllm.internal.example:8000/v1", "llm_model": "m"}, True),
    ({"llm_base_url": "http://10.0.0.5:8000/v1", "llm_model": "m"}, True),
])
def test_remote_provider_detection(tmp_path, values, remote):
    assert is_remote_provider(_settings(tmp_path, **values)) is remote


def test_warning_once_for_remote_without_redaction(tmp_path):
    remote = _settings(tmp_path, llm_base_url="https://llm.example.net/v1", llm_model="m")
    text = warn_remote_without_redaction(remote)
    assert text and "llm.example.net" in text and "JOURNEY_REDACT" in text
    assert warn_remote_without_redaction(remote) is None  # one time per process
    assert warn_remote_without_redaction(remote, once=False) == text
    assert warn_remote_without_redaction(_settings(tmp_path, llm_base_url="https://llm.example.net/v1", llm_model="m", redact=True)) is None
    assert warn_remote_without_redaction(_settings(tmp_path)) is None


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

pii = st.sampled_from(["ann@example.com", "07911 123456", "+1 415-555-2671", "4111 1111 1111 1111", "NW1 6XE",
                       "10 Downing Street", "my name is Jane Doe", "Thanks,\nPriya"])
prose = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(prose, pii), max_size=8).map(" ".join))
def test_redact_is_total_and_idempotent(text):
    redacted, counts = redact(text)
    assert all(n > 0 for n in counts.values())
    assert redact(redacted) == (redacted, {})  # placeholders are never PII, nothing is left to find
    assert "ann@example.com" not in redacted and "4111 1111 1111 1111" not in redacted
