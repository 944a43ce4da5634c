"""The only format that crosses between the grader and a worker: plain data, never pickle.

A message is a JSON header plus raw array buffers::

    [4-byte header length][header JSON][8-byte length][buffer 0][8-byte length][buffer 1]...

Values that can travel: None, bool, int, float, str, tuples, lists, dicts with str/int keys,
numpy arrays and scalars of numeric/bool dtypes, and torch tensors (as their bytes, dtype, shape
and device). Anything else stays in the worker behind a :class:`Handle`. Decoding checks every
dtype and size it is given, because the worker's side of the socket may be controlled by the
student's code.
"""

from __future__ import annotations

import json
import socket
import struct
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from grader.submission import Fn, Make, Own

MAX_HEADER_BYTES = 64 * 1024 * 1024
MAX_MESSAGE_BYTES = 1024 * 1024 * 1024
_ARRAY_KINDS = frozenset("biufc")


class WireError(Exception):
    """A message that is not well-formed (or too large). From a worker, the student's fault."""


@dataclass(frozen=True)
class Handle:
    """An object that stays in the worker: its id there and its type's name."""
    id: int
    type: str


@dataclass(frozen=True)
class TensorInfo:
    """What a torch tensor was, besides its values (decoded tensors are CPU tensors)."""
    device: str
    requires_grad: bool


def encode(value: Any, buffers: list[bytes], keep: Callable[[Any], Handle] | None = None) -> Any:
    """JSON-able tree for ``value``; array bytes go to ``buffers``. ``keep`` turns an object that
    cannot travel into a handle (worker side); without it such objects raise WireError."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -2**63 <= value < 2**63 else {"__bigint__": str(value)}
    if isinstance(value, float):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in _ARRAY_KINDS:
        buffers.append(np.ascontiguousarray(value).tobytes())
        return {"__nd__": len(buffers) - 1, "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, np.generic) and value.dtype.kind in _ARRAY_KINDS:
        return {"__np__": value.dtype.str, "v": encode(np.asarray(value).reshape(1), buffers)}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, buffers, keep) for v in value]}
    if isinstance(value, list):
        return [encode(v, buffers, keep) for v in value]
    if isinstance(value, dict) and all(isinstance(k, (str, int)) for k in value):
        return {"__dict__": [[k, encode(v, buffers, keep)] for k, v in value.items()]}
    if isinstance(value, Fn):
        return {"__fn__": value.name}
    if isinstance(value, Own):
        return {"__own__": value.name}
    if isinstance(value, Make):
        return {"__make__": value.name, "kwargs": encode(dict(value.kwargs), buffers, keep)}
    if isinstance(value, Handle):
        return {"__handle__": value.id, "type": value.type}
    if _is_tensor(value):
        return _encode_tensor(value, buffers)
    if keep is not None:
        return encode(keep(value), buffers)
    raise WireError(f"cannot send a {type(value).__name__} to a worker; only plain data travels")


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and type(value).__name__ in ("Tensor", "Parameter")


def _encode_tensor(value: Any, buffers: list[bytes]) -> dict[str, Any]:
    import torch
    t = value.detach().to("cpu").contiguous()
    dtype = str(t.dtype).removeprefix("torch.")
    raw = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
    array = raw.numpy()
    buffers.append(array.tobytes())
    return {"__tensor__": len(buffers) - 1, "dtype": dtype, "np": array.dtype.str, "shape": list(t.shape),
            "device": str(value.device), "requires_grad": bool(value.requires_grad)}


def decode(tree: Any, buffers: list[bytes], resolve: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """Inverse of :func:`encode`. ``resolve`` maps ``__fn__``/``__own__``/``__handle__``/``__make__``
    markers to objects (worker side); without it they decode to :class:`Fn`, :class:`Own`,
    :class:`Handle`, :class:`Make`."""
    if isinstance(tree, list):
        return [decode(v, buffers, resolve) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "__nd__" in tree:
        return _decode_array(tree, buffers[_index(tree["__nd__"], buffers)])
    if "__np__" in tree:
        return decode(tree["v"], buffers)[0]
    if "__tuple__" in tree:
        return tuple(decode(v, buffers, resolve) for v in tree["__tuple__"])
    if "__dict__" in tree:
        return {k: decode(v, buffers, resolve) for k, v in tree["__dict__"]}
    if "__bigint__" in tree:
        return int(tree["__bigint__"])
    if "__tensor__" in tree:
        return _decode_tensor(tree, buffers)
    if "__make__" in tree:
        kwargs = decode(tree.get("kwargs"), buffers, resolve)
        if not isinstance(kwargs, dict):
            raise WireError("a Make marker needs a dict of keyword arguments")
        if resolve is not None:
            return resolve({"__make__": str(tree["__make__"]), "kwargs": kwargs})
        return Make(str(tree["__make__"]), tuple(kwargs.items()))
    if resolve is not None and ({"__fn__", "__own__", "__handle__"} & tree.keys()):
        return resolve(tree)
    if "__fn__" in tree:
        return Fn(str(tree["__fn__"]))
    if "__own__" in tree:
        return Own(str(tree["__own__"]))
    if "__handle__" in tree:
        return Handle(int(tree["__handle__"]), str(tree["type"]))
    raise WireError(f"unknown value in message: {sorted(tree)[:5]}")


def _index(i: Any, buffers: list[bytes]) -> int:
    if not isinstance(i, int) or not 0 <= i < len(buffers):
        raise WireError(f"buffer index {i!r} out of range")
    return i


def _decode_array(tree: dict[str, Any], raw: bytes) -> np.ndarray:
    try:
        dtype = np.dtype(str(tree["dtype"]))
    except TypeError as exc:
        raise WireError(f"bad dtype {tree['dtype']!r}") from exc
    if dtype.kind not in _ARRAY_KINDS or dtype.fields is not None:
        raise WireError(f"dtype {dtype} cannot travel")
    shape = tuple(int(s) for s in tree["shape"])
    if any(s < 0 for s in shape) or int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != len(raw):
        raise WireError(f"array of shape {shape} and dtype {dtype} does not fit {len(raw)} bytes")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _decode_tensor(tree: dict[str, Any], buffers: list[bytes]) -> Any:
    import torch
    array = _decode_array({"dtype": tree["np"], "shape": tree["shape"]}, buffers[_index(tree["__tensor__"], buffers)])
    dtype = getattr(torch, str(tree["dtype"]), None)
    if not isinstance(dtype, torch.dtype):
        raise WireError(f"bad tensor dtype {tree['dtype']!r}")
    tensor = torch.from_numpy(array)
    tensor = tensor.view(torch.bfloat16) if dtype == torch.bfloat16 else tensor.to(dtype)
    tensor.grader_info = TensorInfo(str(tree["device"]), bool(tree["requires_grad"]))
    return tensor


def send(sock: socket.socket, header: Any, buffers: list[bytes] = ()) -> None:
    data = json.dumps({"h": header, "n": len(buffers)}, allow_nan=True).encode()
    parts = [struct.pack("!I", len(data)), data]
    for buf in buffers:
        parts += [struct.pack("!Q", len(buf)), buf]
    sock.sendall(b"".join(parts))


def receive(sock: socket.socket) -> tuple[Any, list[bytes]]:
    """Read one message. Raises EOFError when the other side closed, WireError when it is malformed."""
    (size,) = struct.unpack("!I", _read_exact(sock, 4))
    if size > MAX_HEADER_BYTES:
        raise WireError(f"message header of {size} bytes is over the limit")
    try:
        envelope = json.loads(_read_exact(sock, size))
        count = int(envelope["n"])
    except (ValueError, KeyError, TypeError) as exc:
        raise WireError(f"malformed message header: {exc}") from exc
    buffers, total = [], size
    for _ in range(count):
        (length,) = struct.unpack("!Q", _read_exact(sock, 8))
        total += length
        if total > MAX_MESSAGE_BYTES:
            raise WireError(f"message of more than {MAX_MESSAGE_BYTES // 2**20} MiB is over the limit")
        buffers.append(_read_exact(sock, length))
    return envelope["h"], buffers


def _read_exact(sock: socket.socket, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
