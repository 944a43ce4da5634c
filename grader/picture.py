"""Draw a failing comparison of two large arrays: expected, the student's result, and where they differ.

Arrays of a few dozen numbers are printed in the report; past that a printout stops being readable
and a picture says more: a border that was never written, a shifted window, one channel of many
that is wrong. :func:`difference_picture` turns the two arrays into three small PNG images (kept in
the report as data URIs, so it stays one self-contained file):

- *expected* and *your result* on one shared colour scale (blue negative, white zero, red positive);
- *difference* (yours − expected): white where the element is within the check's tolerance; outside
  it red where the student's value is larger, blue where it is smaller, deeper as the difference
  grows (even the smallest difference out of tolerance is clearly tinted); black for NaN or infinity.

Arrays of more than two dimensions are drawn as a grid of 2-D slices over their last two axes;
when there are many slices, those with the most mismatched elements are drawn. Large slices are
cropped to a window around the worst element. The images depend only on the two arrays and the
tolerance, so the same failure draws the same bytes on every machine.
"""

from __future__ import annotations

import base64
import io
import math
from typing import Any

import numpy as np

from grader.compare import as_array
from grader.results import Picture
from grader.spec import Tolerance

PRINTED_ELEMENTS = 36        # arrays up to this size are printed in full (grader.compare.describe)
MAX_SLICES = 16              # 2-D slices drawn at most
MAX_SIDE = 64                # elements along each side of one slice before it is cropped
TARGET_WIDTH_PX = 280        # the width one image is scaled up towards (three fit side by side)
MAX_SCALE = 16               # pixels per element at most

_GAP = (153, 153, 153)       # between slices
_NONFINITE = (0, 0, 0)
_PAD = (230, 230, 230)       # places of a wrapped 1-D array past its end


def difference_picture(actual: Any, expected: Any, tolerance: Tolerance | None,
                       subject: str | None = None) -> Picture | None:
    """Three PNG images of a failed comparison, or None when a picture would not help: either value
    is not a numeric array, the shapes differ (the message says so), or the array is small enough to
    print. ``tolerance`` None means exact comparison; ``subject`` says what the arrays are ("the
    gradient with respect to W_hh") when it is not the output."""
    a, e = as_array(actual), as_array(expected)
    if a is None or e is None or a.shape != e.shape or e.size <= PRINTED_ELEMENTS:
        return None
    if not (_numeric(a) and _numeric(e)):
        return None
    a, e = a.astype(np.float64), e.astype(np.float64)
    ratio = _excess(a, e, tolerance)
    with np.errstate(invalid="ignore", over="ignore"):
        signed = a - e
    wrong = ratio > 1
    # Where the message's "greatest absolute difference" is: the worst element out of tolerance.
    badness = np.where(wrong, np.nan_to_num(np.abs(signed), nan=np.inf), -1.0)
    slices, layout = _slices(e.shape)
    if len(slices) > MAX_SLICES:
        # Draw the slices with the most mismatched elements, in index order.
        bad = wrong.reshape(len(slices), -1).sum(axis=1)     # slices are the leading indices in C order
        keep = sorted(np.argsort(-bad, kind="stable")[:MAX_SLICES])
        slices, layout = [slices[i] for i in keep], f"{MAX_SLICES} of {len(slices)} {layout}" \
            f" with the most mismatched elements: {', '.join(_index(slices[i]) for i in keep)}"
    rows, cols, crop_note = _window(badness, slices)
    # All slices of an (N, C, H, W) array: a row per n, a column per c. Otherwise a square-ish grid.
    whole = len(slices) == int(np.prod(e.shape[:-2])) and e.ndim >= 3
    grid_cols = e.shape[-3] if whole and e.shape[-3] <= 8 else math.ceil(math.sqrt(len(slices)))
    width = cols.stop - cols.start
    scale = max(1, min(MAX_SCALE, TARGET_WIDTH_PX // (grid_cols * width)))

    finite = np.concatenate([np.abs(x[np.isfinite(x)]) for x in (a, e)])
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    off = np.abs(signed[wrong & np.isfinite(signed)])
    dmax = float(off.max()) if off.size and off.max() > 0 else 1.0

    def image(colour) -> str:
        panels = [colour(s) for s in slices]
        return _png(_grid(panels, grid_cols, scale))

    def values(arr: np.ndarray):
        return lambda s: _diverging(*_view(arr, s, rows, cols), vmax)

    return Picture(
        expected_png=image(values(e)),
        actual_png=image(values(a)),
        difference_png=image(lambda s: _heat(*_view(signed, s, rows, cols), _view(wrong, s, rows, cols)[0], dmax)),
        caption=_caption(e.shape, layout, crop_note, vmax, dmax, tolerance, subject),
    )


def _numeric(arr: np.ndarray) -> bool:
    return arr.dtype.kind in "biuf"


def _excess(a: np.ndarray, e: np.ndarray, tolerance: Tolerance | None) -> np.ndarray:
    """|a - e| as a multiple of the allowed difference; inf where either is not finite and they differ."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        diff = np.abs(a - e)
        same = (a == e) | (np.isnan(a) & np.isnan(e))
        allowed = 0.0 if tolerance is None else tolerance.atol + tolerance.rtol * np.abs(e)
        ratio = np.where(allowed > 0, diff / np.where(allowed > 0, allowed, 1.0), np.where(diff > 0, np.inf, 0.0))
    ratio = np.where(same, 0.0, ratio)
    return np.where(np.isnan(ratio), np.inf, ratio)


def _slices(shape: tuple[int, ...]) -> tuple[list[tuple], str]:
    """Index tuples that cut the array into 2-D slices, and how to say what they are."""
    if len(shape) == 1:
        return [()], "the vector"
    leading = list(np.ndindex(*shape[:-2]))
    if len(leading) == 1:
        return [()], "the matrix"
    axes = ", ".join(["i", "j", "k", "l", "m", "n"][: len(shape) - 2])
    return [tuple(int(i) for i in idx) for idx in leading], f"slices [{axes}, :, :] in reading order"


def _index(idx: tuple) -> str:
    return "[" + ", ".join(map(str, idx)) + "]"


def _as_2d(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The slice as a matrix, and which of its places are padding: a long 1-D array is wrapped
    into rows, the last one padded past its end; a short one is one row; 2-D is as it is."""
    if arr.ndim == 2:
        return arr, np.zeros(arr.shape, dtype=bool)
    n = arr.shape[0]
    width = n if n <= MAX_SIDE else math.ceil(math.sqrt(n))
    rows = math.ceil(n / width)
    out = np.zeros(rows * width, dtype=arr.dtype)
    out[:n] = arr
    pad = np.arange(rows * width) >= n
    return out.reshape(rows, width), pad.reshape(rows, width)


def _window(badness: np.ndarray, slices: list[tuple]) -> tuple[slice, slice, str]:
    """Rows and columns of each slice to draw: all of them, or MAX_SIDE around the worst element."""
    planes = [_as_2d(badness[s] if s else badness)[0] for s in slices]
    height, width = planes[0].shape
    if height <= MAX_SIDE and width <= MAX_SIDE:
        return slice(0, height), slice(0, width), ""
    stack = np.stack(planes)
    _, r, c = np.unravel_index(int(np.argmax(stack)), stack.shape)

    def around(centre: int, size: int) -> slice:
        start = min(max(0, centre - MAX_SIDE // 2), max(0, size - MAX_SIDE))
        return slice(start, min(size, start + MAX_SIDE))

    rows, cols = around(int(r), height), around(int(c), width)
    note = (f"Cropped to rows {rows.start}–{rows.stop - 1} and columns {cols.start}–{cols.stop - 1} "
            f"of {height}×{width}, around the greatest difference.")
    return rows, cols, note


def _view(arr: np.ndarray, idx: tuple, rows: slice, cols: slice) -> tuple[np.ndarray, np.ndarray]:
    matrix, pad = _as_2d(arr[idx] if idx else arr)
    return matrix[rows, cols], pad[rows, cols]


def _diverging(x: np.ndarray, pad: np.ndarray, vmax: float) -> np.ndarray:
    """Blue (−vmax) through white (0) to red (+vmax); black where not finite."""
    t = np.clip(np.nan_to_num(x / vmax, nan=0.0, posinf=0.0, neginf=0.0), -1.0, 1.0)
    fade = 1.0 - np.abs(t)
    rgb = np.empty(x.shape + (3,))
    pos = t >= 0
    # red side: (1, fade, fade); blue side: (fade, fade, 1)
    rgb[..., 0] = np.where(pos, 1.0, fade)
    rgb[..., 1] = fade
    rgb[..., 2] = np.where(pos, fade, 1.0)
    out = (rgb * 255).round().astype(np.uint8)
    out[~np.isfinite(x)] = _NONFINITE
    out[pad] = _PAD
    return out


def _heat(signed: np.ndarray, pad: np.ndarray, wrong: np.ndarray, dmax: float) -> np.ndarray:
    """Yours − expected: white within tolerance; outside it red where yours is larger, blue where it
    is smaller, from a quarter to full strength as the difference grows to ``dmax``; black: NaN/inf."""
    strength = 0.25 + 0.75 * np.clip(np.nan_to_num(np.abs(signed), nan=0.0, posinf=0.0) / dmax, 0.0, 1.0)
    fade = 1.0 - strength
    rgb = np.ones(signed.shape + (3,))
    larger = signed > 0
    rgb[..., 0] = np.where(wrong & ~larger, fade, 1.0)
    rgb[..., 1] = np.where(wrong, fade, 1.0)
    rgb[..., 2] = np.where(wrong & larger, fade, 1.0)
    out = (rgb * 255).round().astype(np.uint8)
    out[wrong & ~np.isfinite(signed)] = _NONFINITE
    out[pad] = _PAD
    return out


def _grid(panels: list[np.ndarray], cols: int, scale: int) -> np.ndarray:
    """Scale each panel up by ``scale`` (nearest neighbour) and lay them out ``cols`` to a row."""
    big = [p.repeat(scale, axis=0).repeat(scale, axis=1) for p in panels]
    h, w = big[0].shape[:2]
    gap = max(1, scale // 3) if len(panels) > 1 else 0
    rows = math.ceil(len(big) / cols)
    canvas = np.empty((rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap, 3), dtype=np.uint8)
    canvas[...] = _GAP
    for i, panel in enumerate(big):
        r, c = divmod(i, cols)
        canvas[r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = panel
    return canvas


def _png(rgb: np.ndarray) -> str:
    from PIL import Image
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, format="PNG", optimize=False, compress_level=9)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _caption(shape: tuple[int, ...], layout: str, crop_note: str, vmax: float, dmax: float,
             tolerance: Tolerance | None, subject: str | None) -> str:
    dims = "×".join(map(str, shape))
    what = f"{dims} array: {layout}" + (", row by row" if len(shape) == 1 and shape[0] > MAX_SIDE else "") + "."
    if subject:
        what = f"{subject[0].upper()}{subject[1:]}, a {what}"
    allowed = "exact equality" if tolerance is None else str(tolerance)
    return " ".join(part for part in [
        what, crop_note,
        f"Expected and your result share one colour scale: blue −{vmax:.3g}, white 0, red +{vmax:.3g}.",
        f"Difference (yours − expected): white within tolerance ({allowed}); outside it red where yours is "
        f"larger and blue where it is smaller, deeper up to ±{dmax:.3g}; black where a value is NaN or infinite.",
    ] if part)
