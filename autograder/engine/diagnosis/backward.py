"""Backpropagation through time for every wrong variant at once, and the candidates it gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import numpy as np

from autograder.casefile import Case
from autograder.engine.diagnosis.arguments import Candidate, bind, f64, layer_weights
from autograder.engine.diagnosis.backward_mistakes import (
    LSTM_BACKPROPS,
    SIMPLE_BACKPROPS,
    Backprop,
    Gathered,
    feeds,
    gatherings,
)
from autograder.engine.diagnosis.cell import CellBatch, Variant, gate_columns, variant_flags

BACKWARD_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "d_output", "return_sequences",
                  "go_backwards", "initial_state")


class BackwardRun:
    """One ``*_backward`` case: the forward pass once, then every backward variant batched."""

    def __init__(self, layer: str, case: Case) -> None:
        a = bind(case, BACKWARD_NAMES)
        self.layer, self.lstm = layer, layer == "lstm"
        self.x, self.weights, self.d_output = f64(a["inputs"]), layer_weights(a), f64(a["d_output"])
        self.sequences, self.go_backwards = bool(a["return_sequences"]), bool(a["go_backwards"])
        self.initial = a["initial_state"]
        # the wrong backward passes that apply to the case; variant n + 1 is mistake n
        self.mistakes = [*(LSTM_BACKPROPS if self.lstm else SIMPLE_BACKPROPS),
                         *feeds(self.sequences, self.go_backwards)]
        self.variants = [Backprop(), *(v for _, v in self.mistakes)]
        self._run: tuple | None = None

    def forward(self) -> list[dict[str, np.ndarray]]:
        """Per processing step: ``x`` ``(B, D)``, ``h_prev``, ``h`` and ``z`` (SimpleRNN) or the gates,
        ``c_prev`` and ``c`` (LSTM), each ``(B, U)``, from the reference cell of the forward exercises."""
        batch, steps, _ = self.x.shape
        kernel, recurrent, bias = self.weights
        zeros = np.zeros((batch, recurrent.shape[0]))
        if self.initial is None:
            h, c = zeros, zeros
        elif self.lstm:
            h, c = (f64(state) for state in self.initial)
        else:
            h, c = f64(self.initial), zeros
        cell = CellBatch([Variant()], *self.weights, self.layer)
        saved = []
        for t in self._order(steps):
            h_new, c_new, gates = cell.step(self.x[:, t], h[np.newaxis], c[np.newaxis])
            step = {"x": self.x[:, t], "h_prev": h, "h": h_new[0], "c_prev": c}
            if self.lstm:
                step.update(zip("ifgo", (gate[0] for gate in gates)), c=c_new[0])
            else:
                step["z"] = self.x[:, t] @ kernel + h @ recurrent + (0.0 if bias is None else bias)
            saved.append(step)
            h, c = h_new[0], c if c_new is None else c_new[0]
        return saved

    def _order(self, steps: int) -> list[int]:
        return list(range(steps))[:: -1 if self.go_backwards else 1]

    def _visited(self, steps: int) -> np.ndarray:
        """``(V, T)``: whether each variant's backward loop visits each processing step."""
        skipped = [-1 if v.skip is None else v.skip % steps for v in self.variants]
        return np.arange(steps) != np.array(skipped)[:, np.newaxis]

    def _fed(self, steps: int) -> np.ndarray:
        """``(V, T, B, U)``: what each variant adds to dh at each processing step."""
        d, last = self.d_output, (np.arange(steps) == steps - 1)[:, np.newaxis, np.newaxis]
        fed = []
        for v in self.variants:
            if not self.sequences:
                fed.append(np.broadcast_to(d, (steps, *d.shape)) * (1.0 if v.feed == "every" else last))
                continue
            per_step = d[:, self._order(steps) if v.feed == "time" else slice(None)].transpose(1, 0, 2)
            fed.append(per_step * last if v.feed == "last" else per_step)
        return np.stack(fed) * self._visited(steps)[:, :, np.newaxis, np.newaxis]

    def run(self) -> tuple[np.ndarray, ...]:
        """Every variant's ``(dx, dW, dR, db, dh0, dc0)``, stacked on a leading axis (computed once)."""
        if self._run is None:
            self._run = self._backpropagate(self.forward())
        return self._run

    def _backpropagate(self, saved: list[dict[str, np.ndarray]]) -> tuple[np.ndarray, ...]:
        steps, (kernel, recurrent, _) = len(saved), self.weights
        count, (batch, _, _), units = len(self.variants), self.x.shape, recurrent.shape[0]
        fed, visited, order = self._fed(steps), self._visited(steps), self._order(steps)
        carried = variant_flags(self.variants, lambda v: v.carried)
        local = self._lstm_local() if self.lstm else self._simple_local()
        dh, dc = np.zeros((count, batch, units)), np.zeros((count, batch, units))
        dx = np.zeros((count, *self.x.shape))
        dW, dR = np.zeros((count, *kernel.shape)), np.zeros((count, *recurrent.shape))
        db = np.zeros((count, recurrent.shape[1]))
        for n in range(steps - 1, -1, -1):
            step, on = saved[n], visited[:, n, np.newaxis, np.newaxis]
            dz, dc_back = local(step, dh * carried + fed[:, n], dc)
            dz = dz * on
            dx[:, :, order[n]] = dz @ kernel.T
            dW += step["x"].T @ dz
            dR += step["h_prev"].T @ dz
            db += dz.sum(axis=1)
            dh, dc = np.where(on, dz @ recurrent.T, dh), np.where(on, dc_back, dc)
        return dx, dW, dR, db, dh, dc

    def _simple_local(self) -> Callable:
        """``(step, dh, dc) -> (dz, dc)`` of every SimpleRNN variant: ``dz`` ``(V, B, U)``."""
        none, of_z, prev = (variant_flags(self.variants, lambda v, k=k: v.derivative == k)
                            for k in ("none", "z", "prev"))

        def local(step: dict, dh: np.ndarray, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            derivative = np.where(none, 1.0, np.where(of_z, 1.0 - step["z"] ** 2, np.where(
                prev, 1.0 - step["h_prev"] ** 2, 1.0 - step["h"] ** 2)))
            return dh * derivative, dc

        return local

    def _lstm_local(self) -> Callable:
        """``(step, dh, dc) -> (dz, dc for the step before)`` of every LSTM variant: ``dz`` ``(V, B, 4U)``."""
        flag = partial(variant_flags, self.variants)
        restart, zero = flag(lambda v: v.cell == "restart"), flag(lambda v: v.cell == "zero")
        plain, of_c = flag(lambda v: v.cell_derivative == "none"), flag(lambda v: v.cell_derivative == "c")
        sigmoid_like = flag(lambda v: v.candidate == "sigmoid")
        with_c = flag(lambda v: v.forget_with == "c_t")
        units = self.weights[1].shape[0]
        columns = np.stack([gate_columns(("ifco",), v.order, units)[0] for v in self.variants])[:, np.newaxis]

        def local(step: dict, dh: np.ndarray, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            i, f, g, o, c = (step[k] for k in "ifgoc")
            squashed = np.tanh(c)
            derivative = np.where(plain, 1.0, np.where(of_c, 1.0 - c**2, 1.0 - squashed**2))
            dc = np.where(restart, 0.0, dc) + dh * o * derivative
            dz = np.concatenate([dc * g * i * (1 - i), dc * np.where(with_c, c, step["c_prev"]) * f * (1 - f),
                                 dc * i * np.where(sigmoid_like, g * (1 - g), 1 - g**2),
                                 dh * squashed * o * (1 - o)], axis=-1)
            return np.take_along_axis(dz, columns, axis=2), np.where(zero, 0.0, dc * f)

        return local

    def results(self, n: int, gathered: Gathered) -> list[np.ndarray]:
        """Variant ``n``'s results, in the order of ``casefile.gradient_names``: ``dx (B, T, D)``,
        ``dW (D, kU)``, ``dR (U, kU)``, ``db (kU,)`` (when there is a bias), ``dh0 (B, U)`` and, for
        the LSTM, ``dc0 (B, U)``."""
        dx, dW, dR, db, dh, dc = (result[n] for result in self.run())
        if gathered.dx_processing:
            dx = dx[:, ::-1]
        if gathered.batch_mean:
            dW, dR, db = (grad / self.x.shape[0] for grad in (dW, dR, db))
        states = [dh, dc] if self.lstm else [dh]
        zeroed = gathered.zero_states.split()
        states = [np.zeros_like(s) if name in zeroed else s for name, s in zip("hc", states)]
        return [dx, dW, dR, *([] if self.weights[2] is None else [db]), *states]


def backward_candidates(layer: str) -> Callable[[Case], Iterator[Candidate]]:
    """Candidates for ``simple_rnn_backward`` or ``lstm_backward``: one batched backward pass."""

    def candidates(case: Case) -> Iterator[Candidate]:
        run = BackwardRun(layer, case)
        found = [(message, n + 1, Gathered()) for n, (message, _) in enumerate(run.mistakes)]
        found += [(message, 0, gathered) for message, gathered in gatherings(run.go_backwards, run.lstm)]
        # dh not carried, and the initial state's gradient zero as well (dh = 0 after each step)
        found += [(message, n + 1, Gathered(zero_states="h c"))
                  for n, (message, v) in enumerate(run.mistakes) if not v.carried]
        for message, n, gathered in found:
            yield message, partial(run.results, n, gathered)

    return candidates
