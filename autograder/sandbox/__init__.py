"""Runs in the sandboxed child: the fork server, the kernel's confinement, the audit hook.

Standard library, NumPy and ``casefile`` only: the child has nothing else.
"""
