"""The ``.cases`` file format: a magic line, then (zlib-compressed) a JSON manifest of the calls
followed by their arrays, raw and numeric: nothing is unpickled, and a file loads in milliseconds."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .model import Call, Case, Layer
from .wire import pack_report, unpack_report

FORMAT_VERSION = 1


class _Packer:
    """Turns values into JSON, moving every array into a dict under a fresh key."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def pack(self, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            key = f"a{len(self.arrays)}"
            self.arrays[key] = value
            return {"array": key}
        if isinstance(value, (tuple, list)):
            return {type(value).__name__: [self.pack(item) for item in value]}
        if isinstance(value, Layer):
            return {"layer": value.name}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise TypeError(f"cannot store {type(value).__name__} in a case file")

    def pack_call(self, args: tuple, kwargs: dict, returns: list[np.ndarray]) -> dict:
        return {
            "args": [self.pack(value) for value in args],
            "kwargs": {key: self.pack(value) for key, value in kwargs.items()},
            "returns": [self.pack(value) for value in returns],
        }


def _unpack(value: Any, arrays: Any) -> Any:
    if isinstance(value, dict):
        if "array" in value:
            return arrays[value["array"]]
        if "tuple" in value:
            return tuple(_unpack(item, arrays) for item in value["tuple"])
        if "list" in value:
            return [_unpack(item, arrays) for item in value["list"]]
        if "layer" in value:
            return Layer(value["layer"])
        raise ValueError(f"unknown value in case file: {sorted(value)}")
    return value


def _unpack_call(data: dict, arrays: Any) -> tuple[tuple, dict, list[np.ndarray]]:
    args = tuple(_unpack(value, arrays) for value in data["args"])
    kwargs = {key: _unpack(value, arrays) for key, value in data["kwargs"].items()}
    returns = [_unpack(value, arrays) for value in data["returns"]]
    return args, kwargs, returns


def _manifest(cases: list[Case], meta: dict[str, Any]) -> tuple[dict, dict[str, np.ndarray]]:
    packer = _Packer()
    entries = []
    for case in cases:
        entry = packer.pack_call(case.args, case.kwargs, case.returns)
        entry.update(
            name=case.name,
            exercise=case.exercise,
            function=case.function,
            points=case.points,
            single=case.single,
            raises=case.raises,
            source=case.source,
            replays={
                helper: [packer.pack_call(c.args, c.kwargs, c.returns) for c in calls]
                for helper, calls in case.replays.items()
            },
        )
        entries.append(entry)
    return {"format": FORMAT_VERSION, "meta": meta, "cases": entries}, packer.arrays


MAGIC, SUFFIX = b"rnnlab cases\n", ".cases"  # a case file: MAGIC, then zlib-compressed cases


def dump_cases(cases: list[Case], meta: dict[str, Any]) -> bytes:
    """A case file's bytes: the cases and free-form ``meta`` (library versions, seeds)."""
    return MAGIC + zlib.compress(_pack_cases(cases, meta), 9)


def load_cases(source: Path | bytes) -> tuple[dict[str, Any], list[Case]]:
    """Read ``(meta, cases)`` from a case file or its bytes: JSON and raw numeric arrays,
    nothing unpickled."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError(f"not a {SUFFIX} case file (rebuild it: python -m autograder fixtures)")
    return _unpack_cases(zlib.decompress(data[len(MAGIC):]))


def dump_wire(cases: list[Case]) -> bytes:
    """Cases as one message for a worker: a case file's content, uncompressed."""
    return _pack_cases(cases, {})


def load_wire(payload: bytes) -> list[Case]:
    """Inverse of :func:`dump_wire`."""
    return _unpack_cases(payload)[1]


def _pack_cases(cases: list[Case], meta: dict[str, Any]) -> bytes:
    manifest, arrays = _manifest(cases, meta)
    return pack_report({"manifest": manifest, "keys": list(arrays)}, list(arrays.values()))


def _unpack_cases(payload: bytes) -> tuple[dict[str, Any], list[Case]]:
    report, arrays = unpack_report(payload, max_arrays=1 << 20, max_header_bytes=1 << 28)
    return _read_manifest(report["manifest"], dict(zip(report["keys"], arrays)))


def _read_manifest(manifest: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, list[Case]]:
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"case file format {manifest.get('format')}, expected {FORMAT_VERSION}")
    cases = []
    for entry in manifest["cases"]:
        args, kwargs, returns = _unpack_call(entry, arrays)
        replays = {
            helper: [Call(*_unpack_call(call, arrays)) for call in calls]
            for helper, calls in entry["replays"].items()
        }
        cases.append(
            Case(
                name=entry["name"],
                exercise=entry["exercise"],
                function=entry["function"],
                args=args,
                kwargs=kwargs,
                points=entry["points"],
                returns=returns,
                single=entry["single"],
                raises=entry["raises"],
                source=entry["source"],
                replays=replays,
            )
        )
    return manifest["meta"], cases
