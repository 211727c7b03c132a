"""Draw the layers of tools/layers.toml into docs/img/layers.png (docs/architecture.md).

Boxes are stacked bottom to top, one row per layer with a box per package;
arrows point down, the way imports go. Run from anywhere:

    python tools/draw_layers.py [OUT.png]
"""

from __future__ import annotations

import sys
import textwrap
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "tools" / "layers.toml"
OUT = ROOT / "docs" / "img" / "layers.png"

ROW = 1.0  # height of a layer's row
BOX_H = 0.62
LEFT, WIDTH = 0.0, 6.0  # the column of package boxes
TEXT_X = 6.4  # where the descriptions start
GAP = 0.12  # between the boxes of one row
FILL = ("#dfe9f5", "#e6f2e1", "#f7ecd9", "#efe3f3")


def draw(out: Path = OUT) -> Path:
    spec = tomllib.loads(LAYERS.read_text(encoding="utf-8"))
    layers = spec["layer"]
    n = len(layers)
    fig, ax = plt.subplots(figsize=(12.5, 0.78 * n + 1.2), dpi=110)
    ax.set_xlim(-0.6, 14.2)
    ax.set_ylim(-0.7, n * ROW + 0.2)
    ax.axis("off")

    for i, layer in enumerate(layers):
        y = i * ROW
        packages = layer["packages"]
        k = len(packages)
        w = (WIDTH - GAP * (k - 1)) / k
        for j, name in enumerate(packages):
            x = LEFT + j * (w + GAP)
            ax.add_patch(
                FancyBboxPatch(
                    (x, y),
                    w,
                    BOX_H,
                    boxstyle="round,pad=0.02,rounding_size=0.08",
                    facecolor=FILL[i % len(FILL)],
                    edgecolor="#3d4f66",
                    linewidth=1.2,
                )
            )
            ax.text(
                x + w / 2,
                y + BOX_H / 2,
                name,
                ha="center",
                va="center",
                fontsize=12,
                family="monospace",
                weight="bold",
                color="#1f2a38",
            )
        ax.text(
            -0.35, y + BOX_H / 2, str(i), ha="center", va="center", fontsize=10, color="#6b7785"
        )
        what = textwrap.fill(layer["what"], width=88)
        ax.text(TEXT_X, y + BOX_H / 2, what, ha="left", va="center", fontsize=8.2, color="#3a3a3a")
        if i > 0:  # imports point down: from this layer to the one below
            ax.add_patch(
                FancyArrowPatch(
                    (LEFT + WIDTH / 2, y - 0.02),
                    (LEFT + WIDTH / 2, y - ROW + BOX_H + 0.02),
                    arrowstyle="-|>",
                    mutation_scale=14,
                    color="#3d4f66",
                    linewidth=1.4,
                )
            )

    ax.text(
        -0.35,
        n * ROW - 0.05,
        "layer",
        ha="center",
        va="bottom",
        fontsize=9,
        color="#6b7785",
    )
    ax.text(
        LEFT,
        -0.45,
        "collsec: imports point down (a package imports only from lower layers; "
        "packages side by side do not import each other)",
        ha="left",
        va="center",
        fontsize=9.5,
        style="italic",
        color="#1f2a38",
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return out


if __name__ == "__main__":
    print(draw(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
