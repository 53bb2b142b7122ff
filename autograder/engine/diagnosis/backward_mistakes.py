"""The wrong backward passes of SimpleRNN and LSTM (exercise 09), each with its message."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Backprop:
    """A (possibly wrong) backward pass of SimpleRNN or LSTM; the defaults are right."""

    derivative: str = "h"  # SimpleRNN: 1 - h_t**2; "none": dz = dh; "z": 1 - z_t**2; "prev": 1 - h_prev**2
    skip: int | None = None  # the processing step the backward loop never visits (0, or -1 the last)
    feed: str = "asked"  # d_output: at "every" step, the "last" only, or read in "time" order
    carried: bool = True  # False: dh from the step after is dropped (reset or replaced at each step)
    cell: str = "carry"  # LSTM: "zero": dc for the step before is 0; "restart": dc starts from dh only
    cell_derivative: str = "tanh"  # LSTM: dc += dh * o * ("tanh" 1 - tanh(c)**2, "c" 1 - c**2, "none" 1)
    candidate: str = "tanh"  # LSTM: "sigmoid": the candidate's derivative g * (1 - g)
    forget_with: str = "c_prev"  # LSTM: "c_t": df = dc * c_t * f (1 - f)
    order: str = "ifco"  # LSTM: the order in which the gate blocks of dz are concatenated


@dataclass(frozen=True)
class Gathered:
    """How a (possibly wrong) backward pass assembles its results."""

    dx_processing: bool = False  # the input gradient left in processing order
    zero_states: str = ""  # the initial states whose gradients are given as zeros: "h c", or "c" only
    batch_mean: bool = False  # the weights' gradients divided by the batch size


_GATE_ORDER = "Keras orders the kernel's columns input, forget, candidate (cell), output"
_ZERO_H0 = ("matches a zero gradient for the initial state: return the dh sent back from the first "
            "step, dz @ R.T (also when initial_state is None)")
_BACKPROP_COMMON: list[tuple[str, Backprop]] = [
    ("matches a backward loop that stops one step early (range(T - 1, 0, -1)): the first processed "
     "step, and the initial state through it, get nothing: visit all T steps", Backprop(skip=0)),
    ("matches a backward loop that leaves out the last processed step (range(T - 2, -1, -1)): start "
     "at the last step, n = T - 1", Backprop(skip=-1)),
    ("matches dh not carried back from the step after (dh reset, or replaced by d_output, at each "
     "step): dh = dh + d_output[:, n], where dh is dz @ R.T from the step after", Backprop(carried=False)),
]
SIMPLE_BACKPROPS: list[tuple[str, Backprop]] = [
    ("matches dz = dh, the tanh derivative left out: dz = dh * (1 - h_t**2)", Backprop(derivative="none")),
    ("matches 1 - z_t**2 in place of the tanh derivative: dz = dh * (1 - h_t**2), h_t = tanh(z_t)",
     Backprop(derivative="z")),
    ("matches the tanh derivative of the previous state, 1 - h_prev**2: use the step's own state, "
     "dz = dh * (1 - h_t**2)", Backprop(derivative="prev")),
    *_BACKPROP_COMMON,
]
LSTM_BACKPROPS: list[tuple[str, Backprop]] = [
    ("matches the cell-state path dropped (dc for the step before set to zero): carry dc = dc * f "
     "back to the step before", Backprop(cell="zero")),
    ("matches dc restarting at each step from dh only: add dh * o * (1 - tanh(c_t)**2) to the dc "
     "carried from the step after (dc * f)", Backprop(cell="restart")),
    ("matches dc += dh * o, the tanh derivative left out: dc += dh * o * (1 - tanh(c_t)**2)",
     Backprop(cell_derivative="none")),
    ("matches 1 - c_t**2 in place of 1 - tanh(c_t)**2 in dc += dh * o * (1 - tanh(c_t)**2)",
     Backprop(cell_derivative="c")),
    ("matches the candidate's derivative taken as a sigmoid's, g * (1 - g): g = tanh(z_c), so its "
     "derivative is 1 - g**2", Backprop(candidate="sigmoid")),
    ("matches the forget gate's gradient computed with c_t: it is dc * c_prev * f * (1 - f)",
     Backprop(forget_with="c_t")),
    *_BACKPROP_COMMON,
    *[(f"matches the gate gradients concatenated in the order {', '.join(order)}: dz must keep the "
       f"kernel's column order i, f, c, o ({_GATE_ORDER})", Backprop(order=order))
      for order in ("ifoc", "icfo", "fico", "cifo", "oifc", "fioc")],
]


def feeds(sequences: bool, go_backwards: bool) -> list[tuple[str, Backprop]]:
    """The mistakes in where ``d_output`` enters the steps, for the case's options."""
    if not sequences:
        return [("matches d_output added at every step: without return_sequences only the last state "
                 "is output, so d_output enters at the last step only", Backprop(feed="every"))]
    found = [("matches d_output added at the last step only: with return_sequences every step's state "
              "is output, so d_output[:, n] enters at every step n", Backprop(feed="last"))]
    if go_backwards:
        found.append(("matches d_output read in time order under go_backwards: the outputs are in "
                      "processing order, so processed step n gets d_output[:, n]", Backprop(feed="time")))
    return found


def gatherings(go_backwards: bool, lstm: bool) -> Iterator[tuple[str, Gathered]]:
    """The mistakes in how the right gradients are assembled, for the case's options."""
    if go_backwards:
        yield ("matches the input gradient left in processing order: under go_backwards step n read "
               "x[:, T-1-n], so its gradient goes to dx[:, T-1-n]", Gathered(dx_processing=True))
    yield _ZERO_H0, Gathered(zero_states="h c")
    if lstm:
        yield ("matches a zero gradient for c_0: return the dc sent back from the first step, dc * f",
               Gathered(zero_states="c"))
    yield ("matches the weights' gradients divided by the batch size: L = sum(output * d_output) is "
           "a sum over the batch, not a mean", Gathered(batch_mean=True))
