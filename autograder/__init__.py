"""rnnlab-kit: exercises on embeddings and recurrent layers, and the grader that checks them."""

__version__ = "0.2.0"
