"""People's strings shown as typed: never as Markdown in the page, never as HTML in a chart.

File, column, class, layer and run names, tags, error messages that quote them and the
?run= parameter all come from people. Put into st.markdown (or any label Streamlit renders
as Markdown) as they are, `[x](https://…)` becomes a link and `![x](https://…)` makes the
browser fetch an outside image; put into a Plotly label, `<a href=…>` becomes a link and a
`<span style=…>` can paint over the chart. Every such string passes through one of these.
"""

from __future__ import annotations

import html
import re

# ASCII punctuation that Markdown (CommonMark, GitHub tables and strike-through,
# Streamlit's :directives: and $math$) reads as markup anywhere in a line; a backslash
# before any of them shows it as it is. Brackets suffice to break links and images.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#!|~:$&])")
# Streamlit's Markdown (GitHub flavour) links bare URLs after escapes are resolved; an
# invisible word joiner inside "https://" and "www." keeps them text.
_BARE_LINK = re.compile(r"(?i)\b(https?|ftp|www)(?=\\?:|\.)")
_WORD_JOINER = "\u2060"
# What opens a block only at the start of a line: a list item or a numbered one.
_BLOCK_START = re.compile(r"^([-+]|\d+[.)])(?=\s|$)")


def md(value: object) -> str:
    """`value` as literal text inside Markdown, on one line (a line break would open a block)."""
    text = _MARKDOWN.sub(r"\\\1", " ".join(str(value).split()))
    text = _BARE_LINK.sub(lambda m: m.group(1) + _WORD_JOINER, text)
    return _BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def md_list(values: object, quote: str = "'") -> str:
    """'a', 'b', 'c' — each escaped."""
    return ", ".join(f"{quote}{md(value)}{quote}" for value in values)


def plot_text(value: object) -> str:
    """`value` as literal text in a Plotly label, tick, legend entry or hover."""
    return html.escape(str(value), quote=False)


def plot_texts(values: object) -> list[str]:
    return [plot_text(value) for value in values]
