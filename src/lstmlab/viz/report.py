"""Compose the demo's results into ONE self-contained HTML page.

Images are embedded as base64 ``data:`` URIs and the style sheet is inline, so the file opens
anywhere without a network. This module only lays out what the sections measured: it computes
nothing and claims nothing.
"""

from __future__ import annotations

import base64
import html
import math
from typing import Any, Sequence

CSS = """
:root { --ink:#1d2330; --muted:#5b6472; --line:#d9dee7; --accent:#2f5d9b; --bad:#a11d2b; --ok:#236b3a; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:var(--ink); background:#f6f7f9; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 64px; background:#fff; }
h1 { font-size: 1.9em; margin: .2em 0 .1em; }
h2 { font-size: 1.4em; margin: 2.2em 0 .4em; padding-top: .6em; border-top: 2px solid var(--line); }
h3 { font-size: 1.05em; margin: 1.4em 0 .4em; color: var(--muted); }
.sub { color: var(--muted); margin: 0 0 1.2em; }
.meta { color: var(--muted); font-size: .88em; }
.intro p { margin: .5em 0; }
.conclusions { background: #eef3fa; border-left: 4px solid var(--accent); padding: .6em 1em; margin: 1em 0; }
.conclusions ul { margin: .3em 0; padding-left: 1.3em; }
.error { background: #fbecee; border-left: 4px solid var(--bad); padding: .6em 1em; margin: 1em 0; }
.error pre { white-space: pre-wrap; font-size: .82em; margin: .4em 0 0; }
.badge { display:inline-block; font-size:.62em; padding:.15em .55em; border-radius:1em; vertical-align:middle;
         margin-left:.5em; color:#fff; background:var(--ok); }
.badge.bad { background: var(--bad); }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .9em; margin-top: .3em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: .88em; }
th, td { border: 1px solid var(--line); padding: .25em .6em; text-align: left; }
th { background: #f0f2f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; color: var(--muted); padding-bottom: .3em; }
.scroll { overflow-x: auto; }
nav ol { padding-left: 1.3em; }
footer { margin-top: 3em; border-top: 1px solid var(--line); padding-top: 1em; }
"""


def build_report(results: Sequence[Any], summary: dict[str, Any], title: str = "lstmlab demo report") -> str:
    """Return the report as one HTML string.

    Parameters
    ----------
    results : sequence of SectionResult
        In order; each with its plots already rendered to PNG bytes (``plot.png``).
    summary : dict
        The run's summary (``config``, ``versions``, ``started_utc``, ``total_seconds``), as written
        to summary.json.
    title : str
        Page title.

    Returns
    -------
    str
        A complete HTML document with no external references.
    """
    config = summary.get("config", {})
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        '<p class="sub">Every number, table and picture below was computed in this run '
        f"(seed {_e(config.get('seed'))}{', quick mode' if config.get('quick') else ''}, "
        f"started {_e(summary.get('started_utc', ''))} UTC, {_e(summary.get('total_seconds'))} s in all). "
        "Run it again with another seed and the numbers, and the sentences drawn from them, may change.</p>",
        _overview(results),
        _toc(results),
    ]
    parts += [_section(i, r) for i, r in enumerate(results, 1)]
    parts.append(_footer(summary))
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _overview(results: Sequence[Any]) -> str:
    """The headline figures, one block of rows per section (the section's name and time span its rows)."""
    body = []
    for i, r in enumerate(results, 1):
        pairs = list(r.headline) if r.ok else [("section failed (see below)", "")]
        pairs = pairs or [("", "")]
        span = f' rowspan="{len(pairs)}"' if len(pairs) > 1 else ""
        for k, (label, value) in enumerate(pairs):
            lead = (f'<td{span}><a href="#{_e(r.key)}">{i}. {_e(r.title)}</a></td>' if k == 0 else "")
            tail = f'<td class="num"{span}>{r.seconds:.1f}</td>' if k == 0 else ""
            body.append(f"<tr>{lead}<td>{_e(label)}</td><td>{_e(value)}</td>{tail}</tr>")
    head = "".join(f"<th>{c}</th>" for c in ("section", "measure", "value", "time (s)"))
    return ('<h3>At a glance</h3><div class="scroll"><table><caption>Headline figures of this run</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _toc(results: Sequence[Any]) -> str:
    items = "".join(f'<li><a href="#{_e(r.key)}">{_e(r.title)}</a>{"" if r.ok else " (failed)"}</li>'
                    for r in results)
    return f"<nav><h3>Contents</h3><ol>{items}</ol></nav>"


def _section(index: int, r: Any) -> str:
    badge = '<span class="badge">ok</span>' if r.ok else '<span class="badge bad">failed</span>'
    out = [f'<section id="{_e(r.key)}"><h2>{index}. {_e(r.title)}{badge}</h2>',
           f'<p class="meta">{r.seconds:.1f} s wall, {r.cpu_seconds:.1f} s CPU</p>']
    if r.intro:
        out.append('<div class="intro">' + "".join(f"<p>{_e(p.strip())}</p>" for p in r.intro.split("\n\n")
                                                   if p.strip()) + "</div>")
    if not r.ok:
        first, _, rest = r.error.partition("\n")
        out.append(f'<div class="error"><strong>This section failed in this run:</strong> {_e(first)}'
                   f"<pre>{_e(rest.strip())}</pre></div>")
    if r.conclusions:
        out.append('<div class="conclusions"><strong>What this run measured</strong><ul>'
                   + "".join(f"<li>{_e(c)}</li>" for c in r.conclusions) + "</ul></div>")
    for plot in r.plots:
        data = base64.b64encode(plot.png).decode("ascii")
        out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{_e(plot.caption)}">'
                   f"<figcaption>{_e(plot.caption)}</figcaption></figure>")
    for table in r.tables:
        out.append(_table(table.caption, table.columns, table.rows))
    out.append("</section>")
    return "\n".join(out)


def _footer(summary: dict[str, Any]) -> str:
    versions = summary.get("versions", {})
    config = summary.get("config", {})
    rows = [[k, str(v)] for k, v in config.items()] + [[k, str(v)] for k, v in versions.items()]
    return ("<footer><h3>Run</h3>" + _table("Configuration and versions", ["name", "value"], rows)
            + '<p class="meta">Reproduce with <code>lstmlab demo'
            + (" --quick" if config.get("quick") else "") + f" --seed {_e(config.get('seed'))}</code>. "
            "The PNG files and summary.json next to this page hold the same figures and numbers.</p></footer>")


def _table(caption: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return (f'<div class="scroll"><table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _cell(value: Any) -> str:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool) or type(value).__module__ == "numpy"
    return f'<td class="num">{_e(_fmt(value))}</td>' if numeric else f"<td>{_e(_fmt(value))}</td>"


def _fmt(value: Any) -> str:
    """Numbers to short text: 4 significant digits for floats, as-is for the rest."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        value = float(value)
        if math.isnan(value):
            return "n/a"
        if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
            return f"{value:.3e}"
        return f"{value:.4g}"
    return str(value)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)
