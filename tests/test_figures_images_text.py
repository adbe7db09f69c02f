"""Image grids, saliency overlays, thumbnails, attention heatmaps and token shading."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from dashboard.figures.images import (
    heatmap_overlay_figure,
    image_grid_figure,
    resize_bilinear,
    thumbnail_data_uri,
)
from dashboard.figures.text import attention_heatmap_figure, token_highlight_html


def test_grid_has_one_heatmap_per_map_each_with_its_own_range() -> None:
    rng = np.random.default_rng(0)
    maps = rng.normal(size=(10, 5, 5)) * np.arange(1, 11)[:, None, None]
    maps[3] = 7.0  # a constant tile must not divide by zero
    fig = image_grid_figure(maps, titles=[f"k{i}" for i in range(10)], cols=4)
    assert len(fig.data) == 10 and {t.type for t in fig.data} == {"heatmap"}
    for tile, trace in zip(maps, fig.data, strict=True):
        assert trace.zmin == pytest.approx(tile.min())
        assert trace.showscale is False
    assert fig.data[0].zmax == pytest.approx(maps[0].max())
    assert fig.data[3].zmax > fig.data[3].zmin
    assert [a.text for a in fig.layout.annotations] == [f"k{i}" for i in range(10)]
    assert fig.layout.yaxis7.autorange == "reversed" and fig.layout.yaxis7.scaleanchor == "x7"
    assert fig.data[6].xaxis == "x7"
    # tile 6 sits in row 1, column 2 of a 4-wide grid
    assert fig.layout.xaxis7.domain[0] == pytest.approx(0.5, abs=0.01)
    assert fig.layout.yaxis7.domain[1] < fig.layout.yaxis.domain[0]


def test_grid_of_rgb_uses_image_traces_and_channel_last_gray_is_squeezed() -> None:
    rgb = np.zeros((3, 4, 4, 3), dtype=np.uint8)
    fig = image_grid_figure(rgb)
    assert [t.type for t in fig.data] == ["image"] * 3
    gray = np.zeros((2, 4, 4, 1), dtype=np.uint8)
    assert [t.type for t in image_grid_figure(gray).data] == ["heatmap"] * 2
    with pytest.raises(ValueError, match="moveaxis"):
        image_grid_figure(np.zeros((2, 4, 4, 16)))
    with pytest.raises(ValueError, match="titles"):
        image_grid_figure(np.zeros((2, 4, 4)), titles=["one"])


def test_bilinear_resize_keeps_values_and_interpolates() -> None:
    small = np.array([[0.0, 1.0], [1.0, 0.0]])
    big = resize_bilinear(small, (4, 6))
    assert big.shape == (4, 6)
    assert big[0, 0] == 0.0 and big[0, -1] == 1.0
    assert 0.0 < big[1, 2] < 1.0
    np.testing.assert_allclose(resize_bilinear(small, (2, 2)), small)


def test_overlay_upsamples_heatmap_to_image_shape() -> None:
    image = np.full((32, 48, 3), 128, dtype=np.uint8)
    heat = np.zeros((4, 6))
    heat[0, 0] = 1.0
    fig = heatmap_overlay_figure(image, heat, alpha=0.3, title="Grad-CAM")
    assert fig.data[0].type == "image" and fig.data[1].type == "heatmap"
    z = np.asarray(fig.data[1].z)
    assert z.shape == (32, 48)
    assert z[0, 0] == pytest.approx(1.0) and z[-1, -1] == 0.0
    assert fig.data[1].opacity == pytest.approx(0.3)
    gray = heatmap_overlay_figure(np.zeros((8, 8), dtype=np.uint8), np.ones((2, 2)))
    assert np.asarray(gray.data[0].z).shape == (8, 8, 3)


def test_thumbnail_is_png_of_requested_size() -> None:
    uri = thumbnail_data_uri(np.zeros((28, 14, 1), dtype=np.uint8), size=64)
    assert uri.startswith("data:image/png;base64,")
    picture = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert picture.format == "PNG" and picture.size == (32, 64)
    with pytest.raises(ValueError, match="uint8"):
        thumbnail_data_uri(np.zeros((4, 4)))


def test_attention_heatmap_keeps_repeated_tokens_apart() -> None:
    tokens = ["the", "cat", "saw", "the", "<dog>"]
    attention = np.random.default_rng(1).dirichlet(np.ones(5), size=5)
    fig = attention_heatmap_figure(attention, tokens, title="head 0")
    heatmap = fig.data[0]
    np.testing.assert_allclose(heatmap.z, attention)
    assert list(fig.layout.yaxis.ticktext) == ["the", "cat", "saw", "the", "&lt;dog&gt;"]
    assert heatmap.text[1][4] == "cat → &lt;dog&gt;"  # query row, key column
    assert fig.layout.yaxis.title.text == "query"
    with pytest.raises(ValueError, match="tokens"):
        attention_heatmap_figure(attention, tokens[:3])


def test_token_html_escapes_every_token() -> None:
    out = token_highlight_html(["<script>alert(1)</script>", "ok"], np.array([1.0, 0.0]), "<b>x")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "&lt;b&gt;x" in out


def test_token_html_shades_by_normalised_weight_and_sign() -> None:
    out = token_highlight_html(["good", "bad", "meh"], np.array([2.0, -4.0, 0.0]))
    assert "rgba(214, 39, 40, 0.375)" in out  # +2 / 4 -> half strength, positive colour
    assert "rgba(31, 119, 180, 0.75)" in out  # -4 -> full strength, negative colour
    assert 'title="-4"' in out
    assert ">good</span> <span" in out


def test_token_html_joins_cjk_characters_without_spaces() -> None:
    out = token_highlight_html(["我", "爱", "Python", "和", "你"], np.ones(5))
    assert ">我</span><span" in out and ">爱</span> <span" in out
    assert ">和</span><span" in out


def test_token_html_neutralises_markdown() -> None:
    out = token_highlight_html(["$x$", "*bold*"], np.zeros(2))
    assert "$" not in out and "*" not in out
