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
import os
import math
import re
import socket
import struct
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from grader.boundary import Fn, Make, Own

MAX_HEADER_BYTES = 64 * 1024 * 1024
MAX_MESSAGE_BYTES = 1024 * 1024 * 1024
MAX_BUFFERS = 1 << 20        # arrays in one message
MAX_DEPTH = 200              # levels of nesting in one value
MAX_DIMS = 64                # numpy's own limit on an array's dimensions
_ARRAY_KINDS = frozenset("biufc")
_PLAIN = frozenset({type(None), bool, str, int, float})   # exact types that travel as they are


class WireError(Exception):
    """A message that is not well-formed (or too large). From a worker, the student's fault: only
    the student's code runs there, so only it can have corrupted the reply (see
    :class:`grader.errors.MalformedReply`)."""


class Unsendable(WireError):
    """A value that cannot be sent at all (not plain data, no keeper to leave it behind a handle).
    On the grader's side this is the suite's fault, not the student's."""


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
    kind = type(value)
    if kind in _PLAIN:   # the common cases first, by exact type
        return value if kind is not int or -2**63 <= value < 2**63 else {"__bigint__": str(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in _ARRAY_KINDS:
        buffers.append(value.tobytes())   # C order, whatever the array's own layout
        return {"__nd__": len(buffers) - 1, "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, str):   # a subclass of one (bool has none; None is plain)
        return value
    if isinstance(value, int):
        return value if -2**63 <= value < 2**63 else {"__bigint__": str(value)}
    if isinstance(value, float):
        return value
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
    raise Unsendable(f"cannot send a {type(value).__name__} to a worker; only plain data travels")


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
    :class:`Handle`, :class:`Make`.

    ``tree`` may come from a worker that the student's code controls, so every part of it is
    checked: anything malformed (a wrong type, a missing key, a bad buffer index, an absurd shape,
    nesting deeper than :data:`MAX_DEPTH`) raises :class:`WireError`, never another exception.
    What ``resolve`` itself raises (a handle the worker does not know, say) passes through unchanged.
    """
    try:
        return _Decoder(buffers, resolve).value(tree, 0)
    except WireError:
        raise
    except _ResolveFailed as failed:
        raise failed.original from None
    except RecursionError:
        raise WireError(f"a value nested too deeply to read (the limit is {MAX_DEPTH} levels)") from None
    except Exception as exc:  # noqa: BLE001 - whatever a malformed tree makes go wrong is a WireError
        raise WireError(f"malformed value ({type(exc).__name__}: {_short(exc)})") from None


class _ResolveFailed(Exception):
    """Carries what ``resolve`` raised past the net that turns everything else into WireError."""

    def __init__(self, original: Exception):
        self.original = original


def _short(value: Any, limit: int = 200) -> str:
    try:
        text = str(value)
    except Exception:  # noqa: BLE001 - a str() that raises is no reason to fail the message
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit] + "…"


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Decoder:
    """One :func:`decode` call: the buffers, the resolver, and a check of every node it visits.
    Loops rather than comprehensions, so a level of nesting costs one stack frame."""

    def __init__(self, buffers: list[bytes], resolve: Callable[[dict[str, Any]], Any] | None):
        if not isinstance(buffers, (list, tuple)):
            raise WireError("message buffers must be a list")
        self.buffers = buffers
        self.resolve = resolve

    def _resolved(self, marker: dict[str, Any]) -> Any:
        assert self.resolve is not None
        try:
            return self.resolve(marker)
        except Exception as exc:  # noqa: BLE001 - handed back to the caller as it was raised
            raise _ResolveFailed(exc) from exc

    def value(self, tree: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise WireError(f"a value nested more than {MAX_DEPTH} levels deep")
        if tree is None or isinstance(tree, (bool, int, float, str)):
            return tree
        if isinstance(tree, list):
            out = []
            for item in tree:
                out.append(self.value(item, depth + 1))
            return out
        if not isinstance(tree, dict):
            raise WireError(f"a {type(tree).__name__} is not a value a message can hold")
        if "__nd__" in tree:
            return _decode_array(tree, self.buffer(tree["__nd__"]))
        if "__np__" in tree:
            array = self.value(tree.get("v"), depth + 1)
            if not isinstance(array, np.ndarray) or array.shape != (1,):
                raise WireError("a numpy scalar must hold an array of one element")
            return array[0]
        if "__tuple__" in tree:
            items = tree["__tuple__"]
            if not isinstance(items, list):
                raise WireError("a tuple must hold a list of values")
            out = []
            for item in items:
                out.append(self.value(item, depth + 1))
            return tuple(out)
        if "__dict__" in tree:
            return self.dict(tree["__dict__"], depth)
        if "__bigint__" in tree:
            digits = tree["__bigint__"]
            if not isinstance(digits, str) or not re.fullmatch(r"-?[0-9]{1,4300}", digits):
                raise WireError("a big integer must be a string of at most 4300 digits")
            return int(digits)
        if "__tensor__" in tree:
            return _decode_tensor(tree, self.buffer(tree["__tensor__"]))
        if "__make__" in tree:
            name = _text(tree, "__make__")
            kwargs = self.value(tree.get("kwargs"), depth + 1)
            if not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
                raise WireError("a Make marker needs a dict of keyword arguments")
            if self.resolve is not None:
                return self._resolved({"__make__": name, "kwargs": kwargs})
            return Make(name, tuple(kwargs.items()))
        if "__fn__" in tree or "__own__" in tree:
            key = "__fn__" if "__fn__" in tree else "__own__"
            name = _text(tree, key)
            if self.resolve is not None:
                return self._resolved({key: name})
            try:
                return Fn(name) if key == "__fn__" else Own(name)
            except ValueError as exc:
                raise WireError(str(exc)) from None
        if "__handle__" in tree:
            handle_id, type_name = tree["__handle__"], tree.get("type")
            if not is_int(handle_id) or not isinstance(type_name, str):
                raise WireError("a handle needs an integer id and a type name")
            if self.resolve is not None:
                return self._resolved({"__handle__": handle_id, "type": type_name})
            return Handle(handle_id, type_name)
        raise WireError(f"unknown value in message: {sorted(_short(k, 40) for k in tree)[:5]}")

    def dict(self, pairs: Any, depth: int) -> dict[Any, Any]:
        if not isinstance(pairs, list):
            raise WireError("a dict must hold a list of [key, value] pairs")
        out: dict[Any, Any] = {}
        for pair in pairs:
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("a dict must hold a list of [key, value] pairs")
            key, item = pair
            if not isinstance(key, (str, int)):
                raise WireError(f"a dict key must be a string or an integer, not {type(key).__name__}")
            out[key] = self.value(item, depth + 1)
        return out

    def buffer(self, index: Any) -> bytes:
        if not is_int(index) or not 0 <= index < len(self.buffers):
            raise WireError(f"buffer index {_short(index, 40)} out of range")
        raw = self.buffers[index]
        if not isinstance(raw, (bytes, bytearray, memoryview)):
            raise WireError("a message buffer must be bytes")
        return bytes(raw)


def _text(tree: dict[str, Any], key: str) -> str:
    value = tree.get(key)
    if not isinstance(value, str):
        raise WireError(f"{key} must be a string")
    return value


def _dtype(name: Any) -> np.dtype:
    known = _DTYPES.get(name) if type(name) is str else None
    if known is not None:
        return known
    if not isinstance(name, str) or len(name) > 16:
        raise WireError(f"bad dtype {_short(name, 40)}")
    try:
        dtype = np.dtype(name)
    except Exception:  # noqa: BLE001 - numpy raises TypeError, ValueError, SyntaxError, ... for junk
        raise WireError(f"bad dtype {name!r}") from None
    if dtype.kind not in _ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise WireError(f"dtype {dtype} cannot travel")
    if len(_DTYPES) < 64:
        _DTYPES[name] = dtype
    return dtype


_DTYPES: dict[str, np.dtype] = {}   # dtype names that passed _dtype's checks: the same answer again


def _shape(shape: Any) -> tuple[int, ...]:
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or not _sizes(shape):
        raise WireError(f"bad array shape {_short(shape, 80)}: a list of at most {MAX_DIMS} sizes >= 0")
    return tuple(shape)


def _sizes(shape: list[Any]) -> bool:
    for size in shape:
        if type(size) is not int or size < 0:   # a decoded header's ints are plain ints; bool is not one
            return False
    return True


def _decode_array(tree: dict[str, Any], raw: bytes) -> np.ndarray:
    dtype, shape = _dtype(tree.get("dtype")), _shape(tree.get("shape"))
    if math.prod(shape) * dtype.itemsize != len(raw):   # Python ints: no overflow to a size that fits
        raise WireError(f"array of shape {shape} and dtype {dtype} does not fit {len(raw)} bytes")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


# Torch dtypes a tensor may travel as; bfloat16 travels as the bits of an int16 array.
_TENSOR_DTYPES = frozenset({"bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64",
                            "float16", "bfloat16", "float32", "float64", "complex64", "complex128"})


def _decode_tensor(tree: dict[str, Any], raw: bytes) -> Any:
    import torch
    name, device, requires_grad = tree.get("dtype"), tree.get("device"), tree.get("requires_grad")
    if not isinstance(name, str) or name not in _TENSOR_DTYPES or not isinstance(getattr(torch, name, None), torch.dtype):
        raise WireError(f"bad tensor dtype {_short(name, 40)}")
    if not isinstance(device, str) or not isinstance(requires_grad, bool):
        raise WireError("a tensor needs a device name and a requires_grad flag")
    array = _decode_array({"dtype": tree.get("np"), "shape": tree.get("shape")}, raw)
    dtype = getattr(torch, name)
    if dtype == torch.bfloat16 and array.dtype.itemsize != 2:
        raise WireError("a bfloat16 tensor must travel as 2-byte integers")
    tensor = torch.from_numpy(array)
    tensor = tensor.view(torch.bfloat16) if dtype == torch.bfloat16 else tensor.to(dtype)
    tensor.grader_info = TensorInfo(device[:100], requires_grad)  # type: ignore[attr-defined]
    return tensor


def pack(header: Any, buffers: Sequence[bytes] = ()) -> bytes:
    """One message as it travels: the header's length and JSON, then each buffer with its length."""
    data = json.dumps({"h": header, "n": len(buffers)}, allow_nan=True).encode()
    parts = [struct.pack("!I", len(data)), data]
    for buf in buffers:
        parts += [struct.pack("!Q", len(buf)), buf]
    return b"".join(parts)


def send(sock: socket.socket, header: Any, buffers: Sequence[bytes] = ()) -> None:
    sock.sendall(pack(header, buffers))


def receive(sock: socket.socket) -> tuple[Any, list[bytes]]:
    """Read one message. Raises EOFError when the other side closed, WireError when it is malformed
    or too large, and ``socket.timeout`` when the socket has a timeout and the *whole* message has
    not arrived within it (a sender that trickles a byte at a time cannot hold us forever).
    It reads no byte past the message (a connection read this way can be handed on); where one
    side reads many messages, :class:`Reader` reads them in larger pieces."""
    timeout = sock.gettimeout()
    try:
        return _parse(_Exact(sock).take, _deadline(timeout))
    finally:
        if timeout and sock.fileno() != -1:
            sock.settimeout(timeout)


class Reader:
    """The messages that arrive on one socket, read in large pieces: a single ``recv`` usually
    brings several replies that were sent ahead, where reading each message exactly costs four.
    With ``fds``, descriptors sent along (``socket.send_fds``) are kept for :meth:`take_fds`."""

    CHUNK = 1 << 16

    def __init__(self, sock: socket.socket, *, fds: bool = False):
        self.sock = sock
        self._buf = bytearray()
        self._pos = 0
        self._with_fds = fds
        self._fds: list[int] = []

    def receive(self, timeout: float | None = None) -> tuple[Any, list[bytes]]:
        """One message, as :func:`receive`; ``timeout`` bounds the whole message (None: wait)."""
        return _parse(self._take, _deadline(timeout))

    def take_fds(self, marker: bytes, count: int) -> list[int]:
        """Read ``marker`` (the bytes sent with the descriptors) and return the descriptors that
        came with it: exactly ``count``, else RuntimeError (any that came are closed)."""
        if self._take(len(marker), None) != marker or len(self._fds) != count:
            for fd in self._fds:
                os.close(fd)
            self._fds = []
            raise RuntimeError(f"expected {count} descriptor(s) after the request")
        fds, self._fds = self._fds, []
        return fds

    def _take(self, n: int, deadline: float | None) -> bytes:
        # On the hot path (several calls per message): a slice of what is already here, and only
        # when that falls short a read (which also drops what was taken before).
        pos = self._pos
        end = pos + n
        if end > len(self._buf):
            self._fill(n, deadline)
            pos, end = self._pos, self._pos + n
        out = bytes(self._buf[pos:end])
        if end == len(self._buf):   # all read: a large message's bytes are not kept until the next one
            self._buf.clear()
            end = 0
        self._pos = end
        return out

    def _fill(self, n: int, deadline: float | None) -> None:
        """Read until ``n`` bytes past the read position are here."""
        if self._pos:
            del self._buf[:self._pos]
            self._pos = 0
        while len(self._buf) < n:
            _arm(self.sock, deadline)
            size = min(max(n - len(self._buf), self.CHUNK), 1 << 20)
            if self._with_fds:
                chunk, fds, _, _ = socket.recv_fds(self.sock, size, 4)
                self._fds.extend(fds)
            else:
                chunk = self.sock.recv(size)
            if not chunk:
                raise EOFError("connection closed")
            self._buf += chunk


class _Exact:
    """Reads exactly what is asked for, nothing more."""

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def take(self, n: int, deadline: float | None) -> bytes:
        chunks, remaining = [], n
        while remaining:
            _arm(self.sock, deadline)
            chunk = self.sock.recv(min(remaining, 1 << 20))
            if not chunk:
                raise EOFError("connection closed")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)


def _deadline(timeout: float | None) -> float | None:
    return None if not timeout else time.monotonic() + timeout   # None or 0.0: no deadline


def _arm(sock: socket.socket, deadline: float | None) -> None:
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("the message did not arrive in time")
        sock.settimeout(left)


def _parse(take: Callable[[int, float | None], bytes], deadline: float | None) -> tuple[Any, list[bytes]]:
    (size,) = struct.unpack("!I", take(4, deadline))
    if size > MAX_HEADER_BYTES:
        raise WireError(f"message header of {size} bytes is over the limit")
    try:
        envelope = json.loads(take(size, deadline))
        header, count = envelope["h"], envelope["n"]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:   # not JSON, nested too deep, ...
        raise WireError(f"malformed message header: {_short(exc)}") from None
    if not is_int(count) or not 0 <= count <= MAX_BUFFERS:
        raise WireError(f"malformed message header: {_short(count, 40)} buffers")
    buffers, total = [], size
    for _ in range(count):
        (length,) = struct.unpack("!Q", take(8, deadline))
        total += 8 + length
        if total > MAX_MESSAGE_BYTES:
            raise WireError(f"message of more than {MAX_MESSAGE_BYTES // 2**20} MiB is over the limit")
        buffers.append(take(length, deadline))
    return header, buffers
