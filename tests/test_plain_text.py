"""People's strings are shown as typed: Markdown and chart markup in them stay inert."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from dashboard.plain_text import md, md_list, plot_text

ATTACKS = [
    "[Session expired](https://example.com/phish)",
    "![x](https://example.com/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ `code` ~~gone~~ $x^2$",
    ":red[painted] :material/warning:",
    "# heading\n- item\n> quote",
    "a\\]b | c",
    "1. first",
    "- item",
    "+ item",
    "www.example.com <https://example.com>",
]


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_renders_the_text_and_no_markup(attack):
    html = rendered(f"Dataset: **{md(attack)}**")
    assert "<a " not in html and "<img" not in html and "<code" not in html
    assert (
        "<h1" not in html and "<li" not in html and "<ol" not in html and "<blockquote" not in html
    )
    assert html.count("<strong>") == 1 and "<em>" not in html and "<s>" not in html
    # What a person reads is what they typed (on one line).
    shown = html.replace("<p>", "").replace("</p>", "").replace("<strong>", "")
    shown = shown.replace("</strong>", "").strip()
    import html as htmllib

    assert htmllib.unescape(shown).replace("\u2060", "") == "Dataset: " + " ".join(attack.split())


def test_bare_addresses_stay_text_under_github_autolinks():
    """GitHub-flavoured Markdown links bare URLs; a word joiner keeps them plain."""
    for address in ("https://example.com/x", "www.example.com", "HTTP://e.com"):
        text = md(address)
        assert "://" not in text.replace("\\", "") or "\u2060" in text
        assert text.replace("\u2060", "").replace("\\", "") == address


def test_list_quotes_every_item():
    assert rendered(md_list(["a*", "[b](c)"])).count("<a ") == 0
    assert md_list(["x", "y"]) == "'x', 'y'"


def test_chart_labels_carry_no_html():
    assert plot_text('<a href="https://e.com">c</a>') == '&lt;a href="https://e.com"&gt;c&lt;/a&gt;'
    assert plot_text(3) == "3"


def test_class_run_and_column_names_reach_charts_escaped():
    import numpy as np
    import pandas as pd

    from dashboard.figures.classification import (
        class_balance_figure,
        class_probabilities_figure,
        confusion_matrix_figure,
        per_class_metrics_figure,
    )
    from dashboard.figures.comparison import curves_comparison_figure, runs_comparison_figure
    from dashboard.figures.data_overview import missing_values_figure

    evil = ['<a href="https://e.com">x</a>', '<span style="font-size:99px">y</span>']
    report = pd.DataFrame(
        {"precision": [1, 1], "recall": [1, 1], "f1": [1, 1], "support": [1, 1]}, index=evil
    )
    runs = pd.DataFrame({"run": evil, "model": evil, "accuracy": [0.5, 0.6]})
    history = pd.DataFrame({"epoch": [1, 2], "loss": [1.0, 0.5]})
    figures = [
        confusion_matrix_figure(np.array([[1, 0], [0, 1]]), evil),
        per_class_metrics_figure(report),
        class_balance_figure(pd.Series([3, 4], index=evil)),
        class_probabilities_figure(np.array([0.3, 0.7]), evil),
        missing_values_figure(pd.Series([0.5, 0.2], index=evil)),
        runs_comparison_figure(runs, "accuracy"),
        curves_comparison_figure({evil[0]: history}, "loss"),
    ]
    for figure in figures:
        spec = figure.to_json()
        assert "<a href" not in spec and "<span style" not in spec, spec[:300]
        assert "&lt;a href" in spec or "&lt;span" in spec
