"""rnnlab: NumPy implementations of Keras's embedding and recurrent layers.

One module per exercise: ``one_hot`` (01), ``embedding`` (02), ``simple_rnn`` (03),
``lstm`` (04), ``bidirectional`` (05), ``gru`` (06), ``masking`` (07: ``padding_mask``, and
the ``mask=`` of the layers), ``params`` (08) and ``backward`` (09: the gradients). Every
function mirrors a Keras layer and uses its weight layout, so ``layer.get_weights()`` can be
passed straight in.
"""
