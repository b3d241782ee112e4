"""The report's HTML page wrapper: one <head> (viewport meta, CSS) for every page, and a table
renderer whose tables turn into labelled cards on a phone instead of scrolling sideways.

Readable at 390 px: body text 16 px on a phone (14 px on a laptop), nothing below 12 px; long words
wrap; images scale to the column; on screens narrower than 700 px every ``table.cards`` shows one
card per row, each cell preceded by its column header (``data-label``), so wide tables need no
horizontal scrolling (WCAG 2.1, 1.4.10 Reflow).
"""

from __future__ import annotations

import html
import math

import pandas as pd

CSS = """<style>
:root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--head:#f0f3f6}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:14px;line-height:1.45;
 color:var(--fg);margin:0 auto;padding:12px 16px;max-width:72em;overflow-wrap:break-word}
h1{font-size:1.5em}h2{font-size:1.3em}h3{font-size:1.1em}
p,li{max-width:60em}p.note,.note{color:#333}
small,.small{font-size:12.5px}
img,svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.5em 0 1em}
td,th{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--head)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0}
.claim{border-left:4px solid #ccc;padding-left:8px;max-width:60em}
td.more dl{margin:4px 0}td.more dt{font-weight:600;color:var(--muted)}
td.more dd{margin:0 0 4px}td.more summary{cursor:pointer;white-space:nowrap}
.badge{display:inline-block;padding:1px 6px;border-radius:3px;font-weight:600;border:1px solid}
@media (max-width:700px){
 body{font-size:16px;padding:8px 10px}
 table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
 table.cards thead{display:none}
 table.cards tr{border:1px solid var(--line);border-radius:4px;margin:0 0 10px;padding:4px 0}
 table.cards td{border:0;border-bottom:1px solid #eee;padding:4px 8px;white-space:normal;
  text-align:left}
 table.cards td::before{content:attr(data-label);display:block;font-size:13px;font-weight:600;
  color:var(--muted)}
 table.cards td.empty{display:none}
}
</style>"""


def fmt(x, digits: int = 2, kind: str = "num", sign: bool = False) -> str:
    """The one formatting function for numbers shown to readers.

    ``kind``: "num" fixed ``digits`` decimals (no "-0.00"); "int" a whole number; "p" a p-value,
    "< 0.001" below 0.001 else 3 decimals; "p_sig" the same below 0.001, else 3 significant
    digits (a recomputed p beside a reported one, '0.0285'); "pct" a probability as a
    percentage with ``digits`` decimals (0 by default for "pct"), "< 1%" / "> 99%" at the
    ends; "sig" 3 significant digits (tables of mixed quantities). Missing values give "".
    ``sign`` forces a + on positive numbers ("num" only)."""
    if x is None or isinstance(x, str) or isinstance(x, bool):
        return "" if x is None else str(x)
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return ""
    if kind == "int":
        return f"{v:.0f}"
    if kind == "p":
        return "< 0.001" if v < 0.001 else f"{v:.3f}"
    if kind == "p_sig":
        return "< 0.001" if v < 0.001 else f"{v:.3g}"
    if kind == "pct":
        d = 0 if digits == 2 else digits
        lo, hi = 0.5 * 10**-d, 100 - 0.5 * 10**-d
        pc = 100 * v
        if 0 < pc < lo:
            return f"< {10**-d:g}%"
        if hi < pc < 100:
            return f"> {100 - 10**-d:g}%"
        return f"{pc:.{d}f}%"
    if kind == "sig":
        if v == int(v) and abs(v) < 1e15:
            return f"{v:.0f}"
        return f"{v:.3g}"
    text = f"{v:{'+' if sign else ''}.{digits}f}"
    if float(text) == 0:
        text = f"{0:.{digits}f}"
    return text


def p_text(p) -> str:
    """'p = 0.046' or 'p < 0.001' (:func:`fmt` kind "p")."""
    shown = fmt(p, kind="p")
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def esc(x) -> str:
    """HTML-escaped text; missing values become an empty string."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return ""
    return html.escape(str(x))


def page(title: str, body: str, extra_css: str = "") -> str:
    """A complete, self-contained HTML5 page with the shared head (viewport meta and CSS)."""
    style = CSS if not extra_css else CSS.replace("</style>", extra_css + "</style>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title>{style}</head><body>{body}</body></html>"
    )


WIDE, KEY_COLUMNS = 8, 6  # a table with more columns shows the first KEY_COLUMNS, the rest folded


def _folded(r: pd.Series, columns, raw_html) -> str:
    """The folded columns of one row: a <details> holding 'header: value' lines."""
    items = []
    for c in columns:
        text = (r[c] if isinstance(r[c], str) else esc(r[c])) if c in raw_html else esc(r[c])
        if text != "":
            items.append(f"<dt>{esc(c)}</dt><dd>{text}</dd>")
    if not items:
        return "<td data-label='More' class='empty'></td>"
    return (
        f"<td data-label='More' class='more'><details><summary>{len(items)} more"
        f"</summary><dl>{''.join(items)}</dl></details></td>"
    )


def table(
    df: pd.DataFrame,
    caption: str = "",
    numeric: tuple[str, ...] = (),
    raw_html: tuple[str, ...] = (),
    key: int | None = None,
) -> str:
    """A table with human headers (the DataFrame's column names) that reflows into cards on a
    phone. Cells are escaped unless their column is named in ``raw_html``; ``numeric`` columns
    are right-aligned. Values are shown as given: round before calling. A table wider than
    ``WIDE`` columns shows its first ``key`` (``KEY_COLUMNS``) columns and folds the others of
    each row behind a toggle ('n more'), so it needs no sideways scrolling on a laptop either."""
    if key is None and len(df.columns) > WIDE:
        key = KEY_COLUMNS
    shown = list(df.columns if key is None else df.columns[:key])
    rest = [] if key is None else list(df.columns[key:])
    head = "".join(f"<th scope='col'>{esc(c)}</th>" for c in shown)
    if rest:
        head += "<th scope='col'>More</th>"
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in shown:
            text = (r[c] if isinstance(r[c], str) else esc(r[c])) if c in raw_html else esc(r[c])
            cls = ["num"] if c in numeric else []
            if text == "":
                cls.append("empty")
            attr = f" class='{' '.join(cls)}'" if cls else ""
            cells.append(f"<td data-label='{esc(c)}'{attr}>{text}</td>")
        if rest:
            cells.append(_folded(r, rest, raw_html))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f"<table class='cards'>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
