"""The wire format: plain data round-trips; anything else is refused on the way in."""

from __future__ import annotations

import json
import socket
import struct

import numpy as np
import pytest
import torch

from grader import wire


def round_trip(value, **kw):
    buffers: list[bytes] = []
    tree = wire.encode(value, buffers, **kw)
    a, b = socket.socketpair()
    with a, b:
        wire.send(a, tree, buffers)
        header, received = wire.receive(b)
    return wire.decode(header, received)


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 2.5, float("inf"), "text", [1, [2, 3]], (1, (2,)), {"a": 1, 3: "b"},
])
def test_plain_python_values_round_trip(value):
    assert round_trip(value) == value


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int64", "uint8", "bool", "complex128"])
def test_arrays_keep_dtype_and_shape(dtype):
    array = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    back = round_trip(array)
    assert back.dtype == array.dtype and back.shape == (3, 4) and np.array_equal(back, array)


def test_numpy_scalars_keep_their_type():
    back = round_trip(np.float32(1.5))
    assert isinstance(back, np.float32) and back == 1.5


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.int64])
def test_tensors_come_back_as_cpu_tensors_with_their_dtype(dtype):
    tensor = torch.arange(6, dtype=torch.float32).reshape(2, 3).to(dtype).requires_grad_(dtype.is_floating_point)
    back = round_trip(tensor)
    assert back.dtype == dtype and back.shape == (2, 3) and torch.equal(back, tensor.detach())
    assert back.grader_info.requires_grad == tensor.requires_grad


def test_objects_that_cannot_travel_are_refused_without_a_keeper():
    with pytest.raises(wire.WireError, match="only plain data"):
        round_trip(object())


def test_a_keeper_turns_objects_into_handles():
    kept = {}

    def keep(obj):
        kept[id(obj)] = obj
        return wire.Handle(id(obj), type(obj).__name__)
    back = round_trip([object()], keep=keep)
    assert isinstance(back[0], wire.Handle) and back[0].type == "object" and back[0].id in kept


def test_object_arrays_never_decode():
    with pytest.raises(wire.WireError, match="cannot travel"):
        wire.decode({"__nd__": 0, "dtype": "|O", "shape": [1]}, [b"\0" * 8])


def test_array_sizes_must_match_their_bytes():
    with pytest.raises(wire.WireError, match="does not fit"):
        wire.decode({"__nd__": 0, "dtype": "<f8", "shape": [1000]}, [b"\0" * 8])


def test_buffer_index_is_checked():
    with pytest.raises(wire.WireError, match="out of range"):
        wire.decode({"__nd__": 5, "dtype": "<f8", "shape": [1]}, [])


def test_oversized_header_is_refused_before_reading_it():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(struct.pack("!I", wire.MAX_HEADER_BYTES + 1))
        with pytest.raises(wire.WireError, match="over the limit"):
            wire.receive(b)


def test_malformed_header_is_a_wire_error():
    a, b = socket.socketpair()
    with a, b:
        data = b"not json"
        a.sendall(struct.pack("!I", len(data)) + data)
        with pytest.raises(wire.WireError, match="malformed"):
            wire.receive(b)


def test_unknown_markers_are_refused():
    with pytest.raises(wire.WireError, match="unknown value"):
        wire.decode(json.loads('{"__pickle__": "gASV"}'), [])
