"""Test cases and their files: NumPy only, and nothing else of the grader.

A case is one call of one student function: positional and keyword arguments, and either
the outputs TensorFlow/Keras produced for it or the exception the contract demands
(:mod:`.model`). Cases are stored as ``.cases`` files (:mod:`.codec`) and sent to the
sandboxed child as messages (:mod:`.wire`). Argument values are arrays, ``None``, bools,
ints, strings, tuples and lists of those, or a :class:`Layer` (a recurrent layer passed as
an argument, as ``bidirectional`` takes). A case may also hold *replays*: outputs that the
oracle computed for calls the student's function is expected to make to a helper
(``one_hot`` inside ``embedding_matmul``, the ``layer`` inside ``bidirectional``). Played
back (:mod:`.calls`), they make the helper trusted, so a bug in one exercise never costs
points in another. Results become plain arrays (:mod:`.outputs`) and are compared within
the tolerance (:mod:`.tolerance`, :mod:`.compare`), with words for how a wrong one relates
to the right one (:mod:`.relations`).

Three places run this package: the grader, the sandboxed child (a copy) and the students'
public checks (a copy in the template's ``tests/``); hence the names below, one import away.
"""

from .calls import STEP_OF, Replay, call_arguments, trusted_helpers
from .codec import SUFFIX, dump_cases, dump_wire, load_cases, load_wire
from .compare import changed_inputs, compare
from .model import LAYER_MODULES, Call, Case, Layer, module_of
from .outputs import (
    DTYPE_GRADED,
    GRADIENT_MESSAGES,
    NO_KEY,
    NOT_A_TUPLE,
    NOT_AN_ARRAY,
    NOT_NUMBERS,
    case_outputs,
    gradient_names,
    input_arrays,
)
from .tolerance import ATOL, RTOL
from .wire import kernel_layers, pack_report, receive_message, send_message, unpack_report

__all__ = [
    "ATOL", "DTYPE_GRADED", "GRADIENT_MESSAGES", "LAYER_MODULES", "NOT_AN_ARRAY", "NOT_A_TUPLE",
    "NOT_NUMBERS", "NO_KEY", "RTOL", "STEP_OF", "SUFFIX", "Call", "Case", "Layer", "Replay",
    "call_arguments", "case_outputs", "changed_inputs", "compare", "dump_cases", "dump_wire",
    "gradient_names", "input_arrays", "kernel_layers", "load_cases", "load_wire", "module_of",
    "pack_report", "receive_message", "send_message", "trusted_helpers", "unpack_report",
]
