"""FeedbackStore: round trips, per-source replacement, crash safety, embedder mismatch, labels."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.errors import EmbedderMismatchError, StoreError
from assistant.models import FeedbackUnit, Locator
from tests.vectorstore.conftest import ToyEmbedder, corpus_units, make_unit
from vectorstore.base import SourceUpdate
from vectorstore.records import flat_metadata, unit_metadata
from vectorstore.store import FeedbackStore


def test_round_trip_returns_exact_units(filled_store):
    units = [u for group in corpus_units().values() for u in group]
    assert filled_store.count() == len(units)
    assert filled_store.get_units([u.id for u in reversed(units)]) == list(reversed(units))
    assert filled_store.all_units() == sorted(units, key=lambda u: (u.source, u.locator.index))
    assert filled_store.sources() == {"interview.vtt": 3, "survey.csv": 4}


def test_exact_round_trip_of_every_field_type(store):
    unit = FeedbackUnit(
        id="u_custom",
        text="Line one.\n  Line two, with   spaces and émojis 🙂",
        source="deck.pdf",
        locator=Locator(kind="page", index=2, part=1, char_start=10, char_end=60, page=3),
        respondent=None,
        speaker_role="unknown",
        metadata={"rating": 4, "score": 0.25, "vip": True, "note": None, "segment": "smb"},
    )
    store.replace_source("deck.pdf", [unit], "fp")
    [back] = store.get_units(["u_custom"])
    assert back == unit and back.model_dump() == unit.model_dump()
    hit_meta = store.search("spaces", k=1, mode="vector")[0].metadata
    assert hit_meta["m.rating"] == 4 and hit_meta["m.vip"] is True and "m.note" not in hit_meta
    assert hit_meta["loc.page"] == 3 and "respondent" not in hit_meta and "unit_json" not in hit_meta


def test_records_hold_source_text_and_one_unit_key_no_document_and_keep_integral_floats_and_none_columns(store):
    unit = make_unit("survey.csv", 0, "Fine overall", "r1", score=2.0, count=2, empty=None, flag=False)
    store.replace_source("survey.csv", [unit], "fp")
    record = store.collection.get(ids=[unit.id], include=["metadatas", "documents"])
    assert record["documents"] == [None]  # no full-text index to write
    assert set(record["metadatas"][0]) == {"source", "text", "unit"}  # every key costs each write
    assert record["metadatas"][0]["text"] == "Fine overall"
    [back] = store.get_units([unit.id])
    assert back.model_dump() == unit.model_dump()
    assert isinstance(back.metadata["score"], float) and isinstance(back.metadata["count"], int) and back.metadata["flag"] is False
    assert flat_metadata(record["metadatas"][0]) == unit_metadata(unit)
    assert unit_metadata(unit)["loc.span"] == f"0:0:{len(unit.text)}" and "loc.char_end" not in unit_metadata(unit)


def _flat_layout(unit: FeedbackUnit) -> dict:
    """A record as the previous version wrote it: every flat key a Chroma key, None columns listed, the text a key."""
    empty = [key for key, value in unit.metadata.items() if value is None]
    return {**unit_metadata(unit), "text": unit.text, **({"none_keys": json.dumps(empty)} if empty else {})}


def test_records_written_with_unit_json_are_read_from_it_and_lose_it_on_re_ingest(store, toy_embedder):
    unit = make_unit("survey.csv", 0, "Delivery was late", "r1", segment="smb", note=None)
    old_layout = {**unit_metadata(unit), "unit_json": unit.model_dump_json()}
    store.collection.upsert(ids=[unit.id], embeddings=toy_embedder.embed([unit.text]), documents=[unit.text], metadatas=[old_layout])
    assert store.get_units([unit.id]) == [unit] and store.all_units() == [unit]
    assert store.replace_source("survey.csv", [unit], "fp") == (0, 0)
    metadata = store.collection.get(ids=[unit.id], include=["metadatas"])["metadatas"][0]
    assert set(metadata) == {"source", "text", "unit"}
    assert store.get_units([unit.id]) == [unit] and store.all_units(where={"m.segment": "smb"}) == [unit]


@pytest.mark.parametrize("with_document", [True, False], ids=["text-as-document", "text-as-key"])
def test_records_with_every_key_flat_are_read_and_filtered_everywhere_and_take_the_current_layout_on_re_ingest(store, toy_embedder, with_document):
    old = make_unit("survey.csv", 0, "Delivery was late again", "r1", segment="smb", note=None)
    new = make_unit("survey.csv", 1, "Delivery was early", "r2", segment="enterprise")
    metadata = _flat_layout(old)
    if with_document:
        del metadata["text"]
    store.collection.upsert(ids=[old.id], embeddings=toy_embedder.embed([old.text]), documents=[old.text] if with_document else None, metadatas=[metadata])
    store.add_units_with_vectors([new], toy_embedder.embed([new.text]))  # one store, two layouts
    store.set_unit_labels({old.id: {"stage": "Delivery"}, new.id: {"stage": "Delivery"}})
    assert store.get_units([old.id]) == [old] and store.all_units() == [old, new]
    assert store.units_with_vectors()[0] == [old, new]
    for where, expected in [({"m.segment": "smb"}, [old]), ({"respondent": "r2"}, [new]), ({"stage": "Delivery", "m.segment": {"$ne": "smb"}}, [new])]:
        assert store.all_units(where=where) == expected
        assert [h.unit_id for h in store.search("delivery", k=5, where=where)] == [u.id for u in expected]
    hit = next(h for h in store.search("delivery late", k=2, mode="bm25") if h.unit_id == old.id)
    assert hit.text == old.text and "text" not in hit.metadata and "none_keys" not in hit.metadata and hit.metadata["m.segment"] == "smb"
    assert store.texts_and_metadata([old.id])[old.id] == (old.text, {**unit_metadata(old), "stage": "Delivery"})
    assert store.evidence_counts({"m.segment": "smb"}) == (1, 1)
    assert store.replace_source("survey.csv", [old, new], "fp") == (0, 0)
    assert set(store.collection.get(ids=[old.id], include=["metadatas"])["metadatas"][0]) == {"source", "text", "unit", "stage"}
    assert store.get_units([old.id]) == [old] and store.labels([old.id]) == {old.id: {"stage": "Delivery"}}


def test_the_text_key_is_neither_a_filter_key_nor_a_label_key(filled_store):
    assert "text" not in filled_store.filter_keys()
    with pytest.raises(ValueError, match="cannot be a label key"):
        filled_store.set_unit_labels({filled_store.all_units()[0].id: {"text": "x"}})


def test_get_units_skips_unknown_ids_and_embeddings_are_the_stored_vectors(filled_store, toy_embedder):
    units = corpus_units()["survey.csv"]
    assert filled_store.get_units(["nope", units[1].id]) == [units[1]]
    before = toy_embedder.texts_embedded
    vectors = filled_store.get_embeddings([units[2].id, units[0].id])
    assert toy_embedder.texts_embedded == before  # no re-embedding
    assert np.allclose(vectors, toy_embedder.embed([units[2].text, units[0].text]), atol=1e-6)
    with pytest.raises(StoreError, match="unknown unit id"):
        filled_store.get_embeddings(["nope"])


def test_units_with_vectors_reads_units_in_order_with_their_stored_vectors(filled_store, toy_embedder):
    before = toy_embedder.texts_embedded
    units, vectors = filled_store.units_with_vectors()
    assert units == filled_store.all_units()
    assert np.allclose(vectors, filled_store.get_embeddings([u.id for u in units]), atol=1e-6)
    assert toy_embedder.texts_embedded == before  # read back, not re-embedded
    smb, smb_vectors = filled_store.units_with_vectors(where={"m.segment": "smb"})
    assert smb == filled_store.all_units(where={"m.segment": "smb"}) and smb
    assert np.allclose(smb_vectors, toy_embedder.embed([u.text for u in smb]), atol=1e-6)
    nothing, no_vectors = filled_store.units_with_vectors(where={"m.segment": "none-such"})
    assert nothing == [] and no_vectors.shape == (0, toy_embedder.dimension)


def test_all_units_with_filter(filled_store):
    smb = filled_store.all_units(where={"m.segment": "smb"})
    assert {u.text for u in smb} == {t for rows in corpus_units().values() for t in [u.text for u in rows if u.metadata.get("segment") == "smb"]}


def test_replace_source_is_idempotent_and_touches_only_its_source(filled_store, toy_embedder):
    survey = corpus_units()["survey.csv"]
    before = toy_embedder.texts_embedded
    assert filled_store.replace_source("survey.csv", survey, "fp-survey.csv") == (0, 0)
    assert toy_embedder.texts_embedded == before  # unchanged units are not re-embedded
    assert filled_store.count() == 7

    changed = survey[:2] + [make_unit("survey.csv", 2, "The pricing page is hidden in the footer", "r3")]
    assert filled_store.replace_source("survey.csv", changed, "fp2") == (1, 2)
    assert filled_store.source_fingerprint("survey.csv") == "fp2"
    assert filled_store.source_fingerprint("interview.vtt") == "fp-interview.vtt"
    assert filled_store.sources() == {"interview.vtt": 3, "survey.csv": 3}
    assert filled_store.all_units(where={"source": "interview.vtt"}) == corpus_units()["interview.vtt"]
    assert {u.text for u in filled_store.all_units(where={"source": "survey.csv"})} == {u.text for u in changed}


def test_source_records_hold_fingerprints_and_the_origin_of_files(filled_store):
    from vectorstore.base import SourceRecord

    notes = [make_unit("notes.md", 0, "Search never finds my orders", "r7")]
    filled_store.replace_sources([SourceUpdate("notes.md", notes, "fp-notes", "/data/notes.md")])
    assert filled_store.source_records() == {"survey.csv": SourceRecord("fp-survey.csv"), "interview.vtt": SourceRecord("fp-interview.vtt"),
                                             "notes.md": SourceRecord("fp-notes", "/data/notes.md")}
    filled_store.remove_sources(["notes.md"])
    assert "notes.md" not in filled_store.source_records()


def test_replace_source_reuses_stored_vectors_of_rows_that_only_moved(filled_store, toy_embedder):
    survey = corpus_units()["survey.csv"]
    # a re-export with one new answer on top: every old row moves down one, so every id changes
    reexport = [make_unit("survey.csv", 0, "The new invoice layout is confusing", "r9")]
    reexport += [make_unit("survey.csv", u.locator.index + 1, u.text, u.respondent, **u.metadata) for u in survey]
    assert not {u.id for u in reexport} & {u.id for u in survey}
    before = toy_embedder.texts_embedded
    assert filled_store.replace_source("survey.csv", reexport, "fp-reexport") == (5, 4)
    assert toy_embedder.texts_embedded == before + 1  # only the new answer is embedded
    assert filled_store.all_units(where={"source": "survey.csv"}) == reexport
    stored = filled_store.get_embeddings([u.id for u in reexport])
    assert np.allclose(stored, toy_embedder.embed([u.text for u in reexport]), atol=1e-6)


def test_replace_sources_writes_a_batch_of_sources_in_one_pass(filled_store, toy_embedder):
    survey = corpus_units()["survey.csv"]
    changed = survey[:3] + [make_unit("survey.csv", 3, "Refunds now arrive in two days", "r4")]
    notes = [make_unit("notes.md", i, text, "r7") for i, text in enumerate(["Search never finds my orders", "Dark mode please"])]
    calls = toy_embedder.calls
    counts = filled_store.replace_sources([SourceUpdate("survey.csv", changed, "fp2"), SourceUpdate("notes.md", notes, "fp-notes")])
    assert counts == [(1, 1), (2, 0)]
    assert toy_embedder.calls == calls + 1  # the new texts of both sources in one embedding call
    assert filled_store.sources() == {"survey.csv": 4, "interview.vtt": 3, "notes.md": 2}
    assert (filled_store.source_fingerprint("survey.csv"), filled_store.source_fingerprint("notes.md")) == ("fp2", "fp-notes")
    assert filled_store.all_units(where={"source": "notes.md"}) == notes
    assert filled_store.all_units(where={"source": "interview.vtt"}) == corpus_units()["interview.vtt"]


def test_a_unit_whose_id_another_source_holds_is_written_over_not_dropped(filled_store):
    # ids come from the caller: one already stored under another source must still end up with the new unit
    held = corpus_units()["interview.vtt"][0]
    taken = make_unit("notes.md", 0, "Checkout asked for my card twice", "r7").model_copy(update={"id": held.id})
    fresh = make_unit("notes.md", 1, "Dark mode please", "r7")
    assert filled_store.replace_source("notes.md", [taken, fresh], "fp-notes") == (2, 0)
    assert filled_store.get_units([taken.id, fresh.id]) == [taken, fresh]
    assert filled_store.count() == 8 and filled_store.sources()["notes.md"] == 2


def test_replace_sources_refuses_a_source_given_twice_before_writing(filled_store):
    revision, note = filled_store.revision(), make_unit("notes.md", 0, "Dark mode please", "r7")
    with pytest.raises(StoreError, match="given twice"):
        filled_store.replace_sources([SourceUpdate("notes.md", [note], "a"), SourceUpdate("notes.md", [], "b")])
    assert filled_store.revision() == revision and filled_store.count() == 7


def test_replace_source_rejects_foreign_units_and_remove_source(filled_store):
    with pytest.raises(StoreError, match="another source"):
        filled_store.replace_source("survey.csv", corpus_units()["interview.vtt"], "fp")
    assert filled_store.remove_source("interview.vtt") == 3
    assert filled_store.source_fingerprint("interview.vtt") is None
    assert filled_store.sources() == {"survey.csv": 4}


def test_remove_sources_drops_units_and_fingerprints_of_each_and_nothing_else(filled_store):
    revision = filled_store.revision()
    assert filled_store.remove_sources(["interview.vtt", "survey.csv"]) == {"interview.vtt": 3, "survey.csv": 4}
    assert filled_store.count() == 0 and filled_store.sources() == {}
    assert filled_store.source_fingerprint("survey.csv") is None and filled_store.revision() != revision
    assert filled_store.remove_sources(["survey.csv"]) == {"survey.csv": 0}


def test_a_removal_cut_off_half_way_is_never_skipped_as_unchanged_by_the_next_ingest(filled_store, monkeypatch):
    collection = filled_store.collection

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("kill -9")

    monkeypatch.setattr(collection, "delete", killed)
    with pytest.raises(KeyboardInterrupt):
        filled_store.remove_source("survey.csv")
    assert filled_store.source_fingerprint("survey.csv") is None  # gone first: the ingest below is not skipped
    monkeypatch.undo()
    survey = corpus_units()["survey.csv"]
    assert filled_store.replace_source("survey.csv", survey, "fp-survey.csv") == (0, 0)
    assert filled_store.get_units([u.id for u in survey]) == survey
    assert filled_store.source_fingerprint("survey.csv") == "fp-survey.csv"


def test_crash_between_upsert_and_delete_then_rerun_leaves_no_duplicates(filled_store, monkeypatch):
    new = [make_unit("survey.csv", 0, "Brand new first answer", "r9"), *corpus_units()["survey.csv"][1:]]
    collection = filled_store.collection
    real_delete = collection.delete

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("kill -9")

    monkeypatch.setattr(collection, "delete", killed)
    with pytest.raises(KeyboardInterrupt):
        filled_store.replace_source("survey.csv", new, "fp-new")
    assert filled_store.source_fingerprint("survey.csv") == "fp-survey.csv"  # not recorded: re-run will redo it
    monkeypatch.setattr(collection, "delete", real_delete)
    assert filled_store.replace_source("survey.csv", new, "fp-new") == (0, 1)
    assert [u.text for u in filled_store.all_units(where={"source": "survey.csv"})] == [u.text for u in new]
    assert filled_store.count() == 7


def test_changed_metadata_of_same_unit_is_rewritten_and_labels_survive(filled_store):
    unit = corpus_units()["survey.csv"][0]
    filled_store.set_unit_labels({unit.id: {"stage": "purchase"}})
    edited = unit.model_copy(update={"metadata": {"segment": "mid"}})  # rating column dropped
    survey = [edited, *corpus_units()["survey.csv"][1:]]
    assert filled_store.replace_source("survey.csv", survey, "fp3") == (0, 0)
    assert filled_store.get_units([unit.id]) == [edited]
    meta = filled_store.search("checkout crashing", k=1, where={"source": "survey.csv"}, mode="vector")[0].metadata
    assert meta["m.segment"] == "mid" and "m.rating" not in meta and meta["stage"] == "purchase"


def test_embedder_mismatch_names_the_rebuild_command(chroma_client, filled_store):
    with pytest.raises(EmbedderMismatchError, match=r"journey ingest --rebuild PATH\.\.\."):
        FeedbackStore(chroma_client, ToyEmbedder(dimension=32), "feedback")
    with pytest.raises(EmbedderMismatchError, match="toy-hash-64"):
        FeedbackStore(chroma_client, ToyEmbedder(dimension=64, name="other"), "feedback")
    rebuilt = FeedbackStore(chroma_client, ToyEmbedder(dimension=32), "feedback", rebuild=True)
    assert rebuilt.count() == 0 and rebuilt.source_fingerprint("survey.csv") is None
    assert rebuilt.collection.metadata["embedder"] == "toy-hash-32" and rebuilt.collection.metadata["hnsw:space"] == "cosine"


def test_set_unit_labels_validates_and_removes(filled_store):
    unit = corpus_units()["survey.csv"][1]
    with pytest.raises(StoreError, match="unknown unit id"):
        filled_store.set_unit_labels({"u_missing": {"stage": "x"}})
    with pytest.raises(ValueError, match="reserved"):
        filled_store.set_unit_labels({unit.id: {"source": "x"}})
    filled_store.set_unit_labels({unit.id: {"stage": "delivery", "persona": "p1"}})
    assert filled_store.labels([unit.id]) == {unit.id: {"stage": "delivery", "persona": "p1"}}
    filled_store.set_unit_labels({unit.id: {"persona": None}})
    assert filled_store.labels([unit.id]) == {unit.id: {"stage": "delivery"}}
    assert filled_store.get_units([unit.id]) == [unit]


def test_stats_and_delete_all(filled_store):
    filled_store.set_unit_labels({corpus_units()["survey.csv"][0].id: {"stage": "purchase"}})
    stats = filled_store.stats()
    assert stats.units == 7 and stats.respondents == 6 and stats.sources == {"interview.vtt": 3, "survey.csv": 4}
    assert stats.columns == {"m.rating": 4, "m.segment": 2, "stage": 1}
    filled_store.delete_all()
    assert filled_store.count() == 0 and filled_store.sources() == {} and filled_store.search("checkout") == []
    assert filled_store.source_fingerprint("survey.csv") is None
