"""Exercise 08: counting the weights of embedding and recurrent layers."""

LAYERS = ("embedding", "simple_rnn", "lstm", "gru")


def count_params(
    layer: str,
    input_dim: int,
    units: int,
    *,
    use_bias: bool = True,
    bidirectional: bool = False,
) -> int:
    """What ``layer.count_params()`` gives for the built Keras layer.

    ``"embedding"``: ``Embedding(input_dim, units)``, a ``(V, E)`` table with no bias
    (``use_bias`` is ignored). ``"simple_rnn"``, ``"lstm"``, ``"gru"``: the layer with
    ``units`` units on inputs of ``input_dim`` features (GRU with ``reset_after=True``,
    whose bias has two rows). ``bidirectional=True``: wrapped in ``Bidirectional``
    (a forward and a backward copy; not for embeddings).

    Args:
        layer: one of ``"embedding"``, ``"simple_rnn"``, ``"lstm"``, ``"gru"``.
        input_dim: ``V`` for an embedding, ``D`` (features per step) for a recurrent layer.
        units: ``E`` for an embedding, ``U`` for a recurrent layer.
        use_bias: whether the recurrent layer has a bias.
        bidirectional: whether the recurrent layer is wrapped in ``Bidirectional``.

    Returns:
        the number of weights, an ``int``.

    Raises:
        ValueError: for an unknown ``layer``, or ``bidirectional`` with ``"embedding"``.

    Example:
        >>> count_params("simple_rnn", 100, 64)   # kernel (100, 64), recurrent (64, 64), bias (64,)
        10560
    """
    raise NotImplementedError("Exercise 08 (params): implement count_params")
