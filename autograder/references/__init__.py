"""The graded cases, and the outputs TensorFlow/Keras gives for them.

The only package that imports TensorFlow (lazily: grading from the stored fixtures needs NumPy only).
"""
