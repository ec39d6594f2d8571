"""compare_targets over the corpus: the same kind of goal of different provinces side by side."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.segment import segment
from extractors.targets import find_targets
from pipeline.compare import compare_targets, format_comparison, unit_family, value_label

ROOT = Path(__file__).resolve().parents[2]
TRAINING = "tập huấn, bồi dưỡng cán bộ"


@pytest.fixture(scope="module")
def corpus_tables():
    targets, documents = [], []
    for path in sorted((ROOT / "corpora").glob("*.txt")):
        raw = ingest(path)
        doc = segment(raw.doc_id, normalize(raw.raw))
        md = doc.metadata
        documents.append({"doc": doc.doc_id, "province": md.province.value, "commune": md.commune.value,
                          "level": md.level.value})
        found, _results = find_targets(doc)
        targets += [{"doc": doc.doc_id, "province": md.province.value, "idx": i, **t.to_dict()}
                    for i, t in enumerate(found)]
    return pd.DataFrame(targets), pd.DataFrame(documents)


@pytest.fixture(scope="module")
def comparison(corpus_tables):
    return compare_targets(*corpus_tables)


def _short(doc: str) -> str:
    return doc[:3]


@pytest.mark.parametrize("topic", ["giám sát", "phản biện xã hội"])
def test_commune_supervision_and_critique_side_by_side(comparison, topic):
    """Thái Nguyên (000) and Kè Sắt (004) set yearly commune-level counts; they share one group."""
    rows = comparison[(comparison["topic"] == topic) & (comparison["level"] == "xã")
                      & (comparison["frequency"] == "yearly") & (comparison["unit_family"] == "events")]
    assert {_short(d) for d in rows["doc"]} == {"000", "004"}
    assert rows["comparable_group"].nunique() == 1
    assert (rows["n_docs_in_group"] == 2).all() and (rows["why_not_comparable"] == "").all()
    assert set(rows["comparator"]) == {">="}
    assert "Thái Nguyên" in set(rows["place"]) and any("Hải Phòng" in p for p in rows["place"])


def test_supervision_values(comparison):
    rows = comparison[(comparison["topic"] == "giám sát") & (comparison["level"] == "xã")
                      & (comparison["unit_family"] == "events")]
    assert sorted(rows["value"]) == ["≥ 3 chương trình", "≥ 3 cuộc"]


def test_training_targets_of_every_document_that_has_one(corpus_tables, comparison):
    targets, _ = corpus_tables
    having = {d for d, topics in zip(targets["doc"], targets["topics"]) if TRAINING in topics}
    assert {_short(d) for d in having} == {"000", "001", "003", "004"}
    rows = comparison[comparison["topic"] == TRAINING]
    assert set(rows["doc"]) == having
    # at least one group puts two documents' training shares side by side
    assert rows["n_docs_in_group"].max() >= 2
    shares = rows[rows["unit_family"] == "share (%)"]
    assert set(shares["doc"]) == having


def test_incomparable_rows_say_why(comparison):
    alone = comparison[comparison["n_docs_in_group"] < 2]
    assert not alone.empty
    assert (alone["why_not_comparable"] != "").all()
    assert comparison.loc[comparison["n_docs_in_group"] >= 2, "why_not_comparable"].eq("").all()


def test_format_comparison_filters(comparison):
    text = format_comparison(comparison, topic="giám sát", level="xã")
    assert "■ giám sát" in text and "Thái Nguyên" in text and "Hải Phòng" in text
    assert "tỉnh ·" not in text
    assert format_comparison(comparison, topic="không có chủ đề này") == "No targets match the filter."


def test_helpers():
    assert unit_family("chương trình") == unit_family("cuộc") == "events"
    assert unit_family("%") == "share (%)" and unit_family("ha") == "ha"
    assert value_label(">=", 3, 3, "cuộc") == "≥ 3 cuộc"
    assert value_label("=", 45, 90, "buổi") == "45–90 buổi"
    assert value_label(">", 76.1, 76.1, "%") == "> 76,1%"


def test_empty_input():
    assert compare_targets(pd.DataFrame(), pd.DataFrame()).empty
