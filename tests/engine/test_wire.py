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


# --- whatever a worker sends, decoding raises WireError or gives a value ---------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

MARKERS = ["__nd__", "__np__", "__tuple__", "__dict__", "__bigint__", "__tensor__", "__make__", "__fn__",
           "__own__", "__handle__", "dtype", "shape", "v", "np", "device", "requires_grad", "kwargs", "type"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["<f8", "|b1", "<i8", "|O", "float32", "bfloat16", "S3",
                                                           "(2,)f8", "<f8,<i4", "relu", "cpu", "99999999999"]))
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(MARKERS) | st.text(max_size=4), inner, max_size=4)),
    max_leaves=25)
BUFFERS = st.lists(st.binary(max_size=24), max_size=3)
FUZZ = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def decodes_or_refuses(tree, buffers, resolve=None) -> None:
    try:
        wire.decode(tree, buffers, resolve)
    except wire.WireError:
        pass


@FUZZ
@given(tree=TREES, buffers=BUFFERS)
def test_any_json_tree_decodes_or_is_a_wire_error(tree, buffers):
    decodes_or_refuses(tree, buffers)


REAL_VALUES = [np.arange(6.0).reshape(2, 3), np.float32(1.5), (1, [2, {"a": np.int8(3)}]), {"x": -2**70},
               torch.arange(4, dtype=torch.float32).requires_grad_(), torch.ones(2, dtype=torch.bfloat16),
               wire.Handle(7, "Net")]


def mutations(tree):
    """Every way of replacing one node of ``tree`` (a dict value, a list item) by a placeholder."""
    if isinstance(tree, dict):
        for key in tree:
            yield lambda new, key=key: {**tree, key: new}
            yield lambda new, key=key: {k: v for k, v in tree.items() if k != key}
            for inner in mutations(tree[key]):
                yield lambda new, key=key, inner=inner: {**tree, key: inner(new)}
    elif isinstance(tree, list):
        for i, item in enumerate(tree):
            yield lambda new, i=i: [*tree[:i], new, *tree[i + 1:]]
            for inner in mutations(item):
                yield lambda new, i=i, inner=inner: [*tree[:i], inner(new), *tree[i + 1:]]


@FUZZ
@given(which=st.integers(0, len(REAL_VALUES) - 1), where=st.integers(0, 10_000), new=TREES,
       truncate=st.integers(0, 64))
def test_mutated_real_frames_decode_or_are_wire_errors(which, where, new, truncate):
    buffers: list[bytes] = []
    tree = json.loads(json.dumps(wire.encode(REAL_VALUES[which], buffers)))
    edits = list(mutations(tree))
    decodes_or_refuses(edits[where % len(edits)](new), buffers)
    decodes_or_refuses(tree, [b[:truncate] for b in buffers])


@pytest.mark.parametrize("tree, match", [
    ({"__nd__": 0, "dtype": "<f8", "shape": [2**32, 2**32]}, "does not fit"),    # overflows int64 to 0
    ({"__nd__": 0, "dtype": "<f8", "shape": [1] * 65}, "bad array shape"),
    ({"__nd__": 0, "dtype": "<f8", "shape": "3"}, "bad array shape"),
    ({"__nd__": True, "dtype": "<f8", "shape": [0]}, "out of range"),
    ({"__np__": "<f8", "v": [1]}, "numpy scalar"),
    ({"__dict__": 5}, "pairs"),
    ({"__dict__": [[[1], 2]]}, "dict key"),
    ({"__tuple__": {"a": 1}}, "tuple"),
    ({"__bigint__": "1" * 5000}, "big integer"),
    ({"__handle__": "7", "type": "Net"}, "handle"),
    ({"__handle__": 7}, "handle"),
    ({"__fn__": "os.system"}, "not one of"),
    ({"__tensor__": 0, "dtype": "qint8", "np": "<i1", "shape": [0], "device": "cpu", "requires_grad": False}, "dtype"),
    ({"__tensor__": 0, "dtype": "bfloat16", "np": "<f8", "shape": [0], "device": "cpu", "requires_grad": False}, "bfloat16"),
    ({"__make__": "SGD", "kwargs": {"__dict__": [[1, 2]]}}, "keyword"),
])
def test_malformed_markers_are_wire_errors(tree, match):
    with pytest.raises(wire.WireError, match=match):
        wire.decode(tree, [b""])


def test_nesting_deeper_than_the_limit_is_a_wire_error():
    tree: object = 1
    for _ in range(wire.MAX_DEPTH + 5):
        tree = [tree]
    with pytest.raises(wire.WireError, match="nested"):
        wire.decode(tree, [])
    for _ in range(100_000):     # far past Python's recursion limit
        tree = {"__tuple__": [tree]}
    with pytest.raises(wire.WireError, match="nested"):
        wire.decode(tree, [])


def test_deep_but_legal_values_still_decode():
    tree: object = 1
    for _ in range(wire.MAX_DEPTH - 1):
        tree = [tree]
    assert wire.decode(tree, []) is not None


def test_what_resolve_raises_passes_through_unchanged():
    def resolve(marker):
        raise KeyError(marker["__handle__"])
    with pytest.raises(KeyError):
        wire.decode({"__handle__": 3, "type": "Net"}, [], resolve)


def test_a_header_nested_too_deep_for_json_is_a_wire_error():
    a, b = socket.socketpair()
    with a, b:
        data = b'{"h": ' + b"[" * 5000 + b"]" * 5000 + b', "n": 0}'
        a.sendall(struct.pack("!I", len(data)) + data)
        with pytest.raises(wire.WireError, match="malformed"):
            wire.receive(b)


@pytest.mark.parametrize("envelope", [b'[1, 2]', b'{"h": 1}', b'{"h": 1, "n": -1}', b'{"h": 1, "n": "2"}',
                                      b'{"h": 1, "n": 99999999999}'])
def test_a_malformed_envelope_is_a_wire_error(envelope):
    a, b = socket.socketpair()
    with a, b:
        a.sendall(struct.pack("!I", len(envelope)) + envelope)
        with pytest.raises(wire.WireError, match="malformed"):
            wire.receive(b)


def test_a_message_that_trickles_in_is_cut_off_at_the_sockets_timeout():
    a, b = socket.socketpair()
    with a, b:
        data = json.dumps({"h": 1, "n": 0}).encode()
        a.sendall(struct.pack("!I", len(data)) + data[:3])     # the rest never comes
        b.settimeout(0.3)
        with pytest.raises(socket.timeout):
            wire.receive(b)
        assert b.gettimeout() == 0.3
