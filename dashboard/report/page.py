"""The HTML shell of a report: sections of text and figures, Plotly's code embedded once.

The report must open offline, so Plotly's JavaScript travels inside the file. Raw it
is about 4.8 MB; it is stored gzip-compressed and base64-encoded (about a third of
that) and unpacked by the browser's own DecompressionStream before the figures are
drawn, which keeps a report with a 10,000-point map well under 5 MB.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
from dataclasses import dataclass, field

import plotly.graph_objects as go

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2rem auto;
padding:0 1rem;color:#222}h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;
text-align:left;font-size:.9rem}.muted{color:#666;font-size:.9rem}.figure{min-height:380px}
"""

_BOOT = """
(async () => {
  const packed = document.getElementById("plotly-gz").textContent;
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const code = await new Response(stream).text();
  const script = document.createElement("script");
  script.text = code;
  document.head.appendChild(script);
  for (const holder of document.querySelectorAll("script[data-figure]")) {
    const figure = JSON.parse(holder.textContent);
    const target = document.getElementById(holder.dataset.figure);
    Plotly.newPlot(target, figure.data, figure.layout, {responsive: true, displaylogo: false});
  }
  document.body.dataset.drawn = "yes";
})();
"""


@functools.cache
def packed_plotly_js() -> str:
    """Plotly's JavaScript, gzip-compressed and base64-encoded (computed once per process)."""
    from plotly.offline import get_plotlyjs

    return base64.b64encode(gzip.compress(get_plotlyjs().encode("utf-8"), 9)).decode("ascii")


@dataclass
class Report:
    """Sections in order; each is HTML text or a figure."""

    title: str
    subtitle: str = ""
    parts: list[str] = field(default_factory=list)
    _figures: int = 0

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def text(self, text: str, muted: bool = False) -> None:
        css = ' class="muted"' if muted else ""
        self.parts.append(f"<p{css}>{html.escape(text)}</p>")

    def table(
        self, rows: list[tuple[str, str]] | list[list[str]], header: list[str] | None = None
    ) -> None:
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header or [])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
            for row in rows
        )
        self.parts.append(f"<table>{f'<tr>{head}</tr>' if head else ''}{body}</table>")

    def figure(self, figure: go.Figure) -> None:
        self._figures += 1
        name = f"figure-{self._figures}"
        data = figure.to_json().replace("</", "<\\/")  # never closes the script tag early
        self.parts.append(
            f'<div class="figure" id="{name}"></div>'
            f'<script type="application/json" data-figure="{name}">{data}</script>'
        )

    def html(self) -> str:
        subtitle = f'<p class="muted">{html.escape(self.subtitle)}</p>' if self.subtitle else ""
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(self.title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{subtitle}{''.join(self.parts)}"
            f'<script type="text/plain" id="plotly-gz">{packed_plotly_js()}</script>'
            f"<script>{_BOOT}</script></body></html>"
        )


def spec_rows(spec_json: str) -> list[tuple[str, str]]:
    """A run spec as (name, value) rows, parameters flattened."""
    spec = json.loads(spec_json)
    rows = [(key, str(spec[key])) for key in ("dataset", "model", "seed", "test_size")]
    rows += [(f"param {k}", json.dumps(v)) for k, v in sorted(spec.get("params", {}).items())]
    rows += [
        (f"option {k}", json.dumps(v)) for k, v in sorted(spec.get("dataset_options", {}).items())
    ]
    return rows
