"""A whole-sequence layer run once for all its variants: the loop, the mask, the results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.casefile import Case
from autograder.engine.diagnosis.arguments import bind, f64, layer_weights
from autograder.engine.diagnosis.cell import CellBatch, Variant, variant_flags

_LAYER_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "return_sequences", "return_state",
                "go_backwards", "initial_state", "mask")


@dataclass(frozen=True)
class Assembly:
    """How a (possibly wrong) layer assembles its results from the steps' outputs."""

    sequences: bool | None = None  # None: as asked
    flip_back: bool = False  # go_backwards outputs put back in time order
    last: int = -1  # which step's output is "the last output"
    state: str = "final"  # "output": the output again; "swapped": (c_T, h_T)


class LayerRun:
    """One whole-sequence case, run once for the reference and all its wrong variants."""

    def __init__(self, layer: str, case: Case) -> None:
        a = bind(case, _LAYER_NAMES)
        self.layer, self.lstm = layer, layer == "lstm"
        self.inputs = f64(a["inputs"])
        self.weights = layer_weights(a)
        self.sequences = bool(a["return_sequences"])
        self.state = bool(a["return_state"])
        self.go_backwards = bool(a["go_backwards"])
        self.initial = a["initial_state"]
        self.mask = None if a["mask"] is None else np.asarray(a["mask"], dtype=bool)
        self.variants: dict[Variant, int] = {Variant(): 0}
        self._run: tuple | None = None

    def variant(self, variant: Variant) -> int:
        """The index of ``variant`` in the batch (added when new, until the batch runs)."""
        return self.variants.setdefault(variant, len(self.variants))

    def _initial(self, variant: Variant, zeros: np.ndarray) -> list[np.ndarray]:
        if self.initial is None or variant.initial == "zeros":
            return [zeros, zeros]
        if not self.lstm:
            return [f64(self.initial), zeros]
        states = [f64(state) for state in self.initial]
        return states[::-1] if variant.initial == "swapped" else states

    def _orders(self, steps: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Per variant, the input step and the mask step read at each step of the loop
        ``(V, T)`` (padded with step 0 past its end), and how many steps it takes."""
        orders, masks, lengths = [], [], []
        for v in self.variants:
            order = list(range(steps))[:: -1 if self.go_backwards and v.backwards else 1]
            order = order[:-1] if v.skip_last else order
            lengths.append(len(order))
            orders.append(order + [0] * (steps - len(order)))
            masks.append(orders[-1] if v.mask_reversed else list(range(steps)))
        return np.array(orders), np.array(masks), lengths

    def run(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
        """Every variant's outputs, hidden states and cell states ``(V, B, T, U)`` in processing
        order, and how many steps each variant took."""
        if self._run is None:
            batch, steps, _ = self.inputs.shape
            zeros = np.zeros((batch, self.weights[1].shape[0]))
            variants = list(self.variants)
            starts = [self._initial(v, zeros) for v in variants]
            h, c = (np.stack([start[k] for start in starts]) for k in (0, 1))
            orders, mask_orders, lengths = self._orders(steps)
            x = self.inputs[:, orders].transpose(1, 0, 2, 3)  # (V, B, T, D)
            masking = None if self.mask is None else _Masking(variants, self.mask[:, mask_orders])
            cell = CellBatch(variants, *self.weights, self.layer)
            out, outs, hs, cs = np.zeros_like(h), [], [], []
            for t in range(steps):
                h_new, c_new, _ = cell.step(x[:, :, t], h, c)
                c_new = c if c_new is None else c_new
                if masking is None:
                    h, c, out = h_new, c_new, h_new
                else:
                    h, c, out = masking.step(t, (h, c, out), (h_new, c_new))
                outs.append(out)
                hs.append(h)
                cs.append(c)
            self._run = (*(np.stack(seq, axis=2) for seq in (outs, hs, cs)), lengths)
        return self._run

    def results(self, n: int, assembly: Assembly) -> list[np.ndarray] | None:
        """Variant ``n``'s results, assembled as ``assembly`` says: the output ``(B, T, U)`` or
        ``(B, U)``, then with return_state the final states ``(B, U)``; None when it took no step."""
        outs, hs, cs, lengths = self.run()
        steps = lengths[n]
        if steps == 0:
            return None
        outputs = outs[n][:, :steps]
        states = [hs[n][:, steps - 1], cs[n][:, steps - 1]] if self.lstm else [hs[n][:, steps - 1]]
        sequences = self.sequences if assembly.sequences is None else assembly.sequences
        if assembly.flip_back and self.go_backwards:
            outputs = outputs[:, ::-1]
        output = outputs if sequences else outputs[:, assembly.last]
        if not self.state:
            return [output]
        if assembly.state == "output":
            return [output] * (1 + len(states))
        return [output, *(states[::-1] if assembly.state == "swapped" else states)]


class _Masking:
    """What every variant does at a masked step: the states and the output it keeps."""

    def __init__(self, variants: list[Variant], mask: np.ndarray) -> None:
        self.mask = mask.transpose(1, 0, 2)[..., np.newaxis]  # (V, B, T, 1), in processing order
        self.updated = variant_flags(variants, lambda v: v.masked_state == "update")
        self.zeroed = variant_flags(variants, lambda v: v.masked_state == "zeros")
        self.cell_updated = variant_flags(variants, lambda v: v.masked_state in ("update", "cell"))
        self.new_output = variant_flags(variants, lambda v: v.masked_output == "new")
        self.zero_output = variant_flags(variants, lambda v: v.masked_output == "zeros")
        self.state_output = variant_flags(variants, lambda v: v.masked_output == "state")

    def step(self, t: int, before: tuple, new: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(h, c, output)`` after step ``t`` of the loop, from those ``before`` and the cell's
        ``new`` ``(h, c)``."""
        (h, c, out), (h_new, c_new) = before, new
        keep = self.mask[:, :, t]
        h_kept = np.where(self.updated, h_new, np.where(self.zeroed, 0.0, h))
        c_kept = np.where(self.cell_updated, c_new, np.where(self.zeroed, 0.0, c))
        h, c = np.where(keep, h_new, h_kept), np.where(keep, c_new, c_kept)
        filler = np.where(self.zero_output, 0.0, np.where(self.state_output, h, out))
        return h, c, np.where(keep | self.new_output, h_new, filler)
