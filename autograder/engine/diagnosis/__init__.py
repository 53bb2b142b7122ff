"""Name the likely mistake behind a wrong result (trusted process only).

When a case's outputs miss the references, :func:`diagnose` recomputes with NumPy, from the
case's own inputs, what known wrong implementations return (an LSTM reading its gate blocks
in another order, ``h = o * c``, ``ave`` computed as a sum, a one-hot that wraps negative
indices...) and names those the outputs match within the graded tolerance. Messages hold no
values, so they suit hidden cases too.
"""

from autograder.engine.diagnosis.matching import diagnose

__all__ = ["diagnose"]
