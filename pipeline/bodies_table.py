"""bodies_table: one row per body across a corpus's assignments (issue 5, table ``bodies``)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .store import json_value

COLUMNS = ["canonical", "level", "family", "jurisdiction", "documents", "n_documents", "lead_roles", "support_roles"]


def _rows(assignments: pd.DataFrame | Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    if isinstance(assignments, pd.DataFrame):  # a table: lead and support are JSON text
        cols = [c for c in ("doc_id", "lead", "support") if c in assignments.columns]
        return ({c: json_value(v) for c, v in zip(cols, row)}
                for row in zip(*(assignments[c].tolist() for c in cols)))
    return (a.to_dict() if hasattr(a, "to_dict") else a for a in assignments)


def bodies_table(assignments: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Bodies named in assignments (``Assignment.to_dict()`` rows), counted by role.

    A body is keyed by (canonical, level, jurisdiction): Tuyên Quang's Ban
    Thường trực is not Thái Nguyên's.  ``documents`` lists the doc_ids.

    >>> rows = [{"doc_id": "d1", "lead": [{"canonical": "Sở Y tế", "level": "tỉnh", "family": "state",
    ...          "jurisdiction": "Cần Thơ"}], "support": []}]
    >>> bodies_table(rows)[["canonical", "n_documents", "lead_roles", "support_roles"]].values.tolist()
    [['Sở Y tế', 1, 1, 0]]
    """
    acc: dict[tuple, dict[str, Any]] = {}
    for row in _rows(assignments):
        for role in ("lead", "support"):
            for body in row.get(role) or ():
                key = (body["canonical"], body.get("level", ""), body.get("jurisdiction", ""))
                entry = acc.setdefault(key, {"canonical": key[0], "level": key[1], "family": body.get("family", ""),
                                             "jurisdiction": key[2], "documents": set(), "lead_roles": 0,
                                             "support_roles": 0})
                entry["documents"].add(row.get("doc_id", ""))
                entry[f"{role}_roles"] += 1
    out = []
    for e in acc.values():
        docs = sorted(e["documents"])
        out.append({**e, "documents": ";".join(docs), "n_documents": len(docs)})
    df = pd.DataFrame(out, columns=COLUMNS)
    if len(df):
        df = df.sort_values(["n_documents", "lead_roles", "canonical"], ascending=[False, False, True], ignore_index=True)
    return df.astype({"n_documents": "int64", "lead_roles": "int64", "support_roles": "int64"})


def bodies_stage(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], out, inputs) -> None:
    """Corpus stage: the ``bodies`` table (canonical body, level, family, documents, lead and support roles)."""
    tables["bodies"] = bodies_table(tables["assignments"])
