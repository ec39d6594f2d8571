"""The ``vnpolicy`` command: a thin shell over the pipeline's verbs."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Analyse Vietnamese policy documents: citations, targets, bodies, deadlines.")
console = Console(stderr=True)


@app.command()
def run(
    corpus: List[Path] = typer.Argument(None, help="Folders or files (default: the bundled corpus)."),
    out: Path = typer.Option(Path("outputs"), "--out", "-o", help="Output folder."),
    workers: int = typer.Option(0, "--workers", "-w", help="Parallel workers (default: number of cores)."),
    force: bool = typer.Option(False, "--force", help="Redo every document, ignoring the cache."),
    engine: str = typer.Option("local", "--engine", help="local or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (with --engine dask)."),
    max_mb: float = typer.Option(20.0, "--max-mb", help="Refuse files larger than this (MB)."),
) -> None:
    """Run every stage over a folder and write outputs (JSON, tables, database, site, calendar)."""
    from .runner import run as run_pipeline

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[doc]}"), console=console, transient=False) as bar:
        task = bar.add_task("documents", total=None, doc="")

        def progress(n: int, total: int, doc: str) -> None:
            bar.update(task, total=total, completed=n, doc=doc)

        result = run_pipeline(corpus or None, out, workers=workers or None, force=force, engine=engine,
                              scheduler=scheduler, max_bytes=int(max_mb * 1024 * 1024), progress=progress)
    m = result.manifest
    c = m["counts"]
    console.print(f"[green]{c['ok']} processed[/] ({c['cached']} from cache), [red]{c['error']} failed[/], "
                  f"{c['skipped']} skipped in {m['seconds']:.1f}s → {out}/")
    for row in m["inputs"]:
        if row["status"] == "error":
            console.print(f"  [red]{row['error']['code']}[/] {row['doc']}: {row['error']['message']}")
    site = out / "site" / "index.html"
    if site.exists():
        console.print(f"Report: {site}")


@app.command()
def extract(files: List[Path] = typer.Argument(..., help="Files to analyse.")) -> None:
    """Print one JSON object per document (JSON Lines)."""
    from .analyse import analyse

    for f in files:
        doc = analyse(f)
        doc.pop("timings", None)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")


@app.command()
def citations(paths: List[Path] = typer.Argument(None, help="Files or folders (default: the bundled corpus)."),
              top: int = typer.Option(40, "--top", help="How many registry entries to show.")) -> None:
    """Print the citation index, most-cited first."""
    from .api import run_corpus

    tables = run_corpus(paths or None)
    registry = tables.get("registry")
    if registry is None or registry.empty:
        console.print("no citations")
        raise typer.Exit(0)
    t = RichTable(title="Citation index (most cited first)", show_lines=False)
    for col in ("document", "kind", "issuer", "dates stated", "scope", "citing docs", "mentions", "conflict"):
        t.add_column(col, overflow="fold")
    for r in registry.head(top).to_dict("records"):
        dates = r.get("dates")
        dates = ", ".join(dates) if isinstance(dates, (list, tuple)) else str(dates or "")
        t.add_row(r.get("symbol") or r.get("name") or "", r.get("kind") or "", r.get("issuer") or "", dates,
                  "national" if r.get("national") else (r.get("jurisdiction") or ""),
                  str(r.get("n_citing_docs", "")), str(r.get("n_mentions", "")), "yes" if r.get("has_conflict") else "")
    Console(width=max(Console().width, 140)).print(t)


@app.command()
def compare(paths: List[Path] = typer.Argument(None, help="Files or folders (default: the bundled corpus)."),
            topic: Optional[str] = typer.Option(None, "--topic"), level: Optional[str] = typer.Option(None, "--level")) -> None:
    """Print targets side by side across documents and provinces."""
    from .api import run_corpus
    from .compare import format_comparison

    tables = run_corpus(paths or None)
    print(format_comparison(tables["target_comparison"], topic=topic, level=level))


@app.command()
def calendar(paths: List[Path] = typer.Argument(None, help="Files or folders (default: the bundled corpus)."),
             out: Path = typer.Option(Path("calendar.ics"), "--out", "-o")) -> None:
    """Export dated deadlines and recurrences as an iCalendar file."""
    from .api import run_corpus
    from .calendar import document_info, to_ics
    from .store import atomic_write_bytes

    tables = run_corpus(paths or None)
    atomic_write_bytes(out, to_ics(tables["deadlines"].to_dict("records"), document_info(tables["documents"])))
    console.print(f"wrote {out}")


@app.command()
def check(draft: Path = typer.Argument(..., help="A draft (.docx, .txt, .md, .pdf)."),
          corpus: Path = typer.Option(Path("outputs"), "--corpus", help="Output folder of `vnpolicy run`."),
          out: Optional[Path] = typer.Option(None, "--out", "-o", help="Report folder (default: next to the corpus).")) -> None:
    """Review a draft against the corpus (citations, missing bases, targets, assignments)."""
    from .check import check_draft

    summary = check_draft(draft, corpus, out)
    print(summary)


def main() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    app()


if __name__ == "__main__":
    main()
