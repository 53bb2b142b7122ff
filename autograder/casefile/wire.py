"""Messages between the grader and its workers: length-framed, a JSON header and raw numeric arrays."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

MAX_MESSAGE = 256 * 1024 * 1024


def kernel_layers(layers: list[str]) -> bool:
    """Whether a child's reported layers include both kernel ones, Landlock and seccomp."""
    return "seccomp" in layers and any(layer.startswith("landlock") for layer in layers)


def send_message(sock: Any, payload: bytes) -> None:
    """Send ``payload`` framed by its length (8 bytes, big-endian)."""
    sock.sendall(len(payload).to_bytes(8, "big") + payload)


def receive_message(sock: Any) -> bytes | None:
    """One framed message, or None when the other side has closed."""
    header = _receive_exactly(sock, 8)
    if header is None:
        return None
    size = int.from_bytes(header, "big")
    if size > MAX_MESSAGE:
        raise ValueError(f"message of {size} bytes is too large")
    return _receive_exactly(sock, size)


def _receive_exactly(sock: Any, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def pack_report(report: dict[str, Any], arrays: list[np.ndarray]) -> bytes:
    """A JSON report followed by raw numeric arrays (dtype and shape in the header)."""
    header = dict(report, arrays=[[a.dtype.str, list(a.shape)] for a in arrays])
    encoded = json.dumps(header).encode()
    body = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)
    return len(encoded).to_bytes(8, "big") + encoded + body


MAX_REPORT_ARRAYS = 256  # results and inputs of one call: a handful in every exercise
MAX_HEADER_BYTES = 1 << 20
MAX_DIMENSIONS = 16


def unpack_report(
    payload: bytes, max_arrays: int = MAX_REPORT_ARRAYS, max_header_bytes: int = MAX_HEADER_BYTES
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Inverse of :func:`pack_report`; only plain numeric dtypes, and bounded: at most
    ``max_arrays`` arrays of at most ``MAX_DIMENSIONS`` dimensions, a header of at most
    ``max_header_bytes`` (ValueError)."""
    size = int.from_bytes(payload[:8], "big")
    if size > max_header_bytes:
        raise ValueError("report header too large")
    report = json.loads(payload[8 : 8 + size])
    described = report.pop("arrays")
    if not isinstance(described, list) or len(described) > max_arrays:
        raise ValueError("too many arrays in a report")
    offset, arrays = 8 + size, []
    for dtype_text, shape in described:
        dtype = np.dtype(dtype_text)
        if dtype.kind not in "biuf" or dtype.hasobject:
            raise ValueError(f"refused array dtype {dtype}")
        if len(shape) > MAX_DIMENSIONS or any(type(n) is not int or n < 0 for n in shape):
            raise ValueError("refused array shape")
        count = math.prod(shape)
        end = offset + count * dtype.itemsize
        if count < 0 or end > len(payload):
            raise ValueError("truncated array data")
        arrays.append(np.frombuffer(payload[offset:end], dtype=dtype).reshape(shape).copy())
        offset = end
    return report, arrays
