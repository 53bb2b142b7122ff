"""The diagrams of the statements, drawn by the project as SVG (no downloads, no plotting library).

``write_all()`` writes ``exercises/NN_name/diagram.svg`` for the exercises that have one; a
test checks that the committed files equal a fresh drawing. Each diagram is a few boxes,
arrows and labels in a fixed grid, with the symbols of the statements: ``W`` kernel, ``R``
recurrent kernel, ``U`` units, ``x_t`` inputs, ``h_t`` states, ``c_t`` LSTM's cell state.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

from autograder.catalog import EXERCISE_DOCS, folder

FILE = "diagram.svg"

INK, BLUE, ORANGE, GREEN, GREY = "#222222", "#2b6cb0", "#dd6b20", "#2f855a", "#718096"


class Drawing:
    """A canvas in pixel-like units (``y`` down) that collects shapes and draws them with
    matplotlib; ``svg()`` keeps text as text (any viewer's fonts show the Korean labels)."""

    def __init__(self, width: int, height: int, title: str) -> None:
        self.width, self.height, self.title = width, height, title
        self.shapes: list[Callable] = []

    def box(self, x: float, y: float, w: float, h: float, label: str, color: str = BLUE) -> None:
        def draw(ax, patches):
            ax.add_patch(patches.FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=6",
                                                facecolor="white", edgecolor=color, linewidth=2))
        self.shapes.append(draw)
        self.text(x + w / 2, y + h / 2, label, color=color)

    def circle(self, x: float, y: float, label: str, color: str = INK) -> None:
        self.shapes.append(lambda ax, patches: ax.add_patch(
            patches.Circle((x, y), 13, facecolor="white", edgecolor=color, linewidth=2, zorder=3)))
        self.text(x, y, label, color=color)

    def arrow(self, points: list[tuple[float, float]], color: str = INK, width: float = 2,
              dashed: bool = False) -> None:
        def draw(ax, patches):
            xs, ys = zip(*points)
            ax.plot(xs, ys, color=color, linewidth=width,
                    linestyle="--" if dashed else "-", solid_capstyle="butt")
            ax.annotate("", xy=points[-1], xytext=points[-2],
                        arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": width,
                                    "shrinkA": 0, "shrinkB": 0, "mutation_scale": 14})
        self.shapes.append(draw)

    def text(self, x: float, y: float, label: str, color: str = INK, size: int = 14,
             anchor: str = "center") -> None:
        self.shapes.append(lambda ax, patches: ax.text(
            x, y, label, color=color, fontsize=size * 0.75, ha=anchor, va="center", zorder=4))

    def _figure(self):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import patches

        plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "rnnlab",
                             "font.family": ["DejaVu Sans"]})
        figure = plt.figure(figsize=(self.width / 100, self.height / 100), dpi=100)
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, self.width)
        ax.set_ylim(self.height, 0)
        ax.axis("off")
        for shape in self.shapes:
            shape(ax, patches)
        return figure, plt

    def save(self, target: Path) -> None:
        """``.svg`` (text as text, no date: the same bytes every time) or ``.png`` (to look at)."""
        figure, plt = self._figure()
        metadata = {"Date": None, "Title": self.title} if target.suffix == ".svg" else {"Title": self.title}
        with warnings.catch_warnings():  # no Hangul glyphs here: the SVG keeps the text, not shapes
            warnings.filterwarnings("ignore", message="Glyph .* missing")
            figure.savefig(target, metadata=metadata)
        plt.close(figure)


def _grid(d: Drawing, x: float, y: float, rows: int, cols: int, cell: float, lit_row: int | None = None,
          lit_col: int | None = None, color: str = BLUE) -> None:
    """A ``rows x cols`` array of cells; one row or column highlighted."""
    def draw(ax, patches):
        for r in range(rows):
            for c in range(cols):
                lit = r == lit_row or c == lit_col
                ax.add_patch(patches.Rectangle((x + c * cell, y + r * cell), cell, cell,
                                               facecolor=color if lit else "white",
                                               alpha=0.45 if lit else 1, edgecolor=GREY))
    d.shapes.append(draw)


def embedding() -> Drawing:
    """02: the lookup as one_hot(id) @ W picks row ``id`` of the table."""
    d = Drawing(640, 260, "embedding lookup = one-hot x W")
    cell = 22
    d.text(110, 40, "one_hot(2, V=5)  (1, V)")
    _grid(d, 55, 60, 1, 5, cell, lit_col=2, color=ORANGE)
    for c, v in enumerate("00100"):
        d.text(55 + c * cell + cell / 2, 60 + 16, v, size=12)
    d.text(200, 78, "@", size=20)
    d.text(300, 40, "W  (V, E): 임베딩 테이블")
    _grid(d, 240, 60, 5, 6, cell, lit_row=2)
    for r in range(5):
        d.text(232, 60 + r * cell + 16, str(r), size=11, anchor="right")
    d.text(400, 78, "=", size=20)
    d.text(500, 40, "W[2]  (1, E)")
    _grid(d, 430, 60, 1, 6, cell, lit_row=0)
    d.text(320, 210, "ids [[2 3 0 1 4]] (B, T) -> output (B, T, E): one row of W per id, no multiply needed",
           size=13)
    return d


def _unrolled(d: Drawing, y: float, steps: int, x0: float, label: str, backwards: bool = False,
              color: str = BLUE) -> list[float]:
    """A row of ``steps`` cells sharing W and R; the state arrows run left to right (or back)."""
    xs = [x0 + 120 * t for t in range(steps)]
    for n, x in enumerate(xs):
        d.box(x, y, 70, 40, label, color=color)
        if n:
            left, right = xs[n - 1] + 70, x
            d.arrow([(right, y + 20), (left, y + 20)] if backwards else [(left, y + 20), (right, y + 20)],
                    color=color)
    return xs


def simple_rnn() -> Drawing:
    """03: SimpleRNN unrolled in time, one W and one R reused at every step."""
    d = Drawing(640, 300, "SimpleRNN unrolled in time")
    xs = _unrolled(d, 120, 4, 90, "tanh")
    for t, x in enumerate(xs):
        d.arrow([(x + 35, 230), (x + 35, 162)])
        d.text(x + 35, 250, f"x_{t}")
        d.arrow([(x + 35, 120), (x + 35, 75)], color=GREEN)
        d.text(x + 35, 65, f"h_{t}", color=GREEN)
        d.text(x + 50, 200, "W", size=12, color=ORANGE)
    d.text(40, 145, "h_-1 = 0", size=12)
    d.arrow([(70, 140), (90, 140)])
    for n in range(1, 4):
        d.text(xs[n] - 25, 132, "R", size=12, color=ORANGE)
    d.text(320, 25, "h_t = tanh(x_t W + h_(t-1) R + b): 같은 W, R을 모든 스텝에서 재사용", size=13)
    d.text(320, 290, "return_sequences=True: every h_t (B, T, U); False: only the last h_(T-1) (B, U)",
           size=12)
    return d


def lstm() -> Drawing:
    """04: the LSTM cell, its gates and the cell state running along the top (the conveyor belt)."""
    d = Drawing(660, 340, "LSTM cell")
    d.text(60, 64, "c_(t-1)", color=ORANGE)
    d.arrow([(95, 60), (560, 60)], color=ORANGE, width=4)
    d.text(600, 64, "c_t", color=ORANGE)
    d.text(330, 30, "셀 상태 (cell state): 컨베이어 벨트, 곱셈과 덧셈만", color=ORANGE, size=13)
    d.circle(200, 60, "x", color=ORANGE)
    d.circle(330, 60, "+", color=ORANGE)
    gates = [("f", "σ", 170, "forget"), ("i", "σ", 280, "input"), ("g", "tanh", 360, "candidate"),
             ("o", "σ", 470, "output")]
    for name, act, x, role in gates:
        d.box(x, 190, 60, 36, f"{name}: {act}", color=BLUE)
        d.text(x + 30, 245, role, size=11, color=GREY)
        d.arrow([(x + 30, 270), (x + 30, 228)])
    d.arrow([(200, 190), (200, 74)], color=BLUE)
    d.circle(330, 130, "x", color=BLUE)
    d.arrow([(310, 190), (322, 142)], color=BLUE)
    d.arrow([(390, 190), (338, 142)], color=BLUE)
    d.arrow([(330, 117), (330, 74)], color=BLUE)
    d.box(470, 100, 60, 32, "tanh", color=ORANGE)
    d.arrow([(500, 60), (500, 100)], color=ORANGE)
    d.circle(590, 150, "x", color=GREEN)
    d.arrow([(530, 116), (580, 142)], color=ORANGE)
    d.arrow([(530, 208), (580, 158)], color=BLUE)
    d.arrow([(603, 150), (640, 150)], color=GREEN)
    d.text(628, 175, "h_t", color=GREEN)
    d.box(130, 270, 420, 30, "[h_(t-1), x_t] W, R, b -> z (B, 4U), blocks i, f, c, o", color=INK)
    d.text(330, 325, "c_t = f * c_(t-1) + i * g        h_t = o * tanh(c_t)", size=13)
    return d


def gru() -> Drawing:
    """06: the GRU cell beside LSTM's: one state h, an update gate z and a reset gate r."""
    d = Drawing(660, 300, "GRU cell")
    d.text(60, 64, "h_(t-1)", color=GREEN)
    d.arrow([(100, 60), (560, 60)], color=GREEN, width=3)
    d.text(600, 64, "h_t", color=GREEN)
    d.circle(250, 60, "x", color=GREEN)
    d.circle(420, 60, "+", color=GREEN)
    d.box(200, 170, 90, 36, "z: σ", color=BLUE)
    d.text(245, 225, "update (keeps h_(t-1))", size=11, color=GREY)
    d.box(330, 170, 70, 36, "r: σ", color=BLUE)
    d.text(365, 225, "reset", size=11, color=GREY)
    d.box(440, 170, 110, 36, "h~: tanh", color=BLUE)
    d.text(495, 225, "x W_h + r * (h R_h + b1)", size=11, color=GREY)
    d.arrow([(245, 170), (250, 74)], color=BLUE)
    d.arrow([(400, 188), (440, 188)], color=BLUE)
    d.arrow([(495, 170), (428, 72)], color=BLUE)
    d.text(540, 120, "(1 - z) * h~", size=12, color=BLUE)
    d.text(200, 120, "z * h_(t-1)", size=12, color=BLUE)
    d.box(110, 250, 480, 30, "[h_(t-1), x_t] -> 3 blocks z, r, h (LSTM: 4), no cell state", color=INK)
    d.text(330, 30, "h_t = z * h_(t-1) + (1 - z) * h~", size=13)
    return d


def bidirectional() -> Drawing:
    """05: the forward and backward layers lined up in time before merging."""
    d = Drawing(660, 350, "Bidirectional alignment in time")
    fw = _unrolled(d, 90, 4, 110, "fwd", color=BLUE)
    bw = _unrolled(d, 170, 4, 110, "bwd", backwards=True, color=ORANGE)
    for t, (x, _) in enumerate(zip(fw, bw, strict=True)):
        d.text(x + 35, 300, f"x_{t}")
        d.arrow([(x + 35, 285), (x + 35, 212)], color=GREY)
        d.circle(x + 35, 45, "⊕")
        d.arrow([(x + 35, 90), (x + 35, 58)], color=BLUE)
        d.arrow([(x + 60, 170), (x + 46, 56)], color=ORANGE, dashed=True)
        d.text(x + 35, 20, f"step {t}", size=12)
    d.text(60, 115, "x_0 -> x_3", size=11, color=BLUE)
    d.text(60, 195, "x_3 -> x_0", size=11, color=ORANGE)
    d.text(330, 335, "go_backwards outputs are flipped back to time order before merging (concat: 2U)",
           size=12)
    return d


DIAGRAMS: dict[str, Callable[[], Drawing]] = {
    "embedding": embedding,
    "simple_rnn": simple_rnn,
    "lstm": lstm,
    "bidirectional": bidirectional,
    "gru": gru,
}


def path(exercise: str, root: Path = EXERCISE_DOCS) -> Path:
    """Where an exercise's diagram lives: beside its statement."""
    return root / folder(exercise) / FILE


def write_all(root: Path = EXERCISE_DOCS) -> list[Path]:
    """Write every diagram; the paths written."""
    written = []
    for exercise, draw in DIAGRAMS.items():
        target = path(exercise, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        draw().save(target)
        written.append(target)
    return written
