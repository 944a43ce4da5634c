"""The grading suite of lab8-regularization: one ``@check`` per check in assignments/lab8-regularization/assignment.toml.

The student's objects live in their worker: the suite loads drawn weights into their own network
(make_net), runs it, takes gradients where it lives (Instance.vjp), lets their train() take one SGD
step and reads the parameters back; the verdicts are made here, on those numbers. Random layers are
judged by statistics whose tolerances are derived beside each check (a correct solution fails one
with probability below 1e-4; each check is seeded, so a submission's result does not change from run
to run). What computes answers is in lab8_regularization_private.py.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab8_regularization_private.py

import math
from typing import Any, Mapping

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.submission import Instance
from grader.suite import (check, expect, expect_close, expect_gradients_close, fail, load_private, matches, observe,
                          reference)

ref = reference()
private = load_private(__file__, "lab8_regularization_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]

GOLDEN_STOPS = (([1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78], (8, 2)),
                ([0.5, 0.6, 0.7, 0.4, 0.45, 0.46, 0.47, 0.48, 0.49, 0.5, 0.3], (9, 3)),
                ([1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.85], (None, 7)))
DROPOUT_RATES = (0.2, 0.5, 0.8)
LR = 0.5     # one SGD step: (p0 - p1) / LR is the gradient the step followed, well above float32 rounding


def numbers(value: Any, what: str, inputs: Inputs | None = None) -> np.ndarray:
    array = as_array(value)
    if array is None or not np.issubdtype(array.dtype, np.number):
        fail(f"{what} should be a tensor of numbers; it is {describe(value)}.", inputs=inputs)
    return np.asarray(array)


def called(sub, obj: Instance, label: str, value: Any) -> Any:
    """``obj(value)``, as the manual calls a transform."""
    return obj.invoke(value, label=label, img=value)


# --- Sample: GaussianNoise and make_transforms --------------------------------------------------------
def noise_image(seed: int, shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).uniform(0, 1, size=shape)).to(dtype)


@check("noise.shape")
@given(shape=st.sampled_from([(3, 8, 8), (1, 5, 7), (3, 32, 32), (2, 4)]),
       dtype=st.sampled_from(["float32", "float64"]), std=st.sampled_from([0.1, 0.5]))
def noise_shape(sub, shape, dtype, std):
    img = noise_image(len(shape), shape, getattr(torch, dtype))
    inputs = {"img": f"{dtype} tensor {shape}", "mean": 0.0, "std": std}
    out = called(sub, sub.new("GaussianNoise", mean=0.0, std=std), "GaussianNoise(mean, std)(img)", img)
    if not isinstance(out, torch.Tensor):
        fail(f"GaussianNoise(0.0, {std})(img) should return a tensor; it returned {describe(out)}.", inputs=inputs)
    expect(tuple(out.shape) == shape, f"GaussianNoise(0.0, {std})(img) should keep img's shape {shape}; it returned "
           f"shape {tuple(out.shape)}. Draw the noise with img.size() (or torch.randn_like(img)).", inputs=inputs)
    expect(out.dtype == img.dtype, f"GaussianNoise(0.0, {std})(img) turned a {dtype} image into {out.dtype}: draw the "
           "noise with torch (torch.normal(..., dtype=img.dtype), torch.randn_like(img)), not numpy's float64.",
           inputs=inputs)


# The noise's sample mean over n pixels has standard deviation std/sqrt(n), so a correct solution
# misses the bound 5 std/sqrt(n) with probability P(|Z| > 5) = 5.7e-7. The sample standard deviation
# s of n Gaussian values has s/std - 1 of standard deviation 1/sqrt(2n) = 0.0023 at n = 98,304; the 2 %
# bound is 8.9 of them (chi-square tail bound of Laurent and Massart: below 1e-12). Over the check's
# 4 examples the false-failure rate stays below 3e-6. std**2 for std (a variance where the API says a
# standard deviation) misses the 2 % bound at every drawn std, none of which is within 2 % of 1.
@check("noise.statistics")
@given(mean=st.sampled_from([0.0, 0.1, -0.3]), std=st.sampled_from([0.15, 0.05, 0.3, 0.5, 2.0]))
def noise_statistics(sub, mean, std):
    img = noise_image(7, (2, 3, 128, 128))
    n = img.numel()
    inputs = {"img": f"float32 tensor {tuple(img.shape)} ({n} values)", "mean": mean, "std": std}
    out = numbers(called(sub, sub.new("GaussianNoise", mean=mean, std=std), "GaussianNoise(mean, std)(img)", img),
                  "GaussianNoise(mean, std)(img)", inputs)
    if out.shape != tuple(img.shape):
        fail(f"GaussianNoise({mean}, {std})(img) should keep img's shape {tuple(img.shape)}; it has {out.shape}.",
             inputs=inputs)
    noise = out.astype(np.float64) - img.numpy().astype(np.float64)
    got_mean, got_std = float(noise.mean()), float(noise.std())
    observe(f"GaussianNoise({mean}, {std}): noise mean {got_mean:.5f}, std {got_std:.5f} over {n} pixels")
    expect(abs(got_mean - mean) <= 5 * std / math.sqrt(n), f"GaussianNoise({mean}, {std})(img) - img should have "
           f"mean {mean} (within {5 * std / math.sqrt(n):.2g}); it has {got_mean:.5f}.", inputs=inputs)
    if abs(got_std - std ** 2) <= 0.02 * std ** 2 or abs(got_std - math.sqrt(std)) <= 0.02 * math.sqrt(std):
        fail(f"GaussianNoise({mean}, {std}) adds noise of standard deviation {got_std:.4f}, not {std}: the "
             f"argument is a standard deviation, and torch.normal(mean, std, size) takes one (sigma = {std}, "
             f"variance {std ** 2:.4g}). Pass it as it is: no squaring, no square root.", inputs=inputs)
    expect(abs(got_std / std - 1) <= 0.02, f"GaussianNoise({mean}, {std})(img) - img should have standard deviation "
           f"{std} (within 2 %); it has {got_std:.5f}.", inputs=inputs)


def uint8_image(seed: int, height: int, width: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)


def transform_of(sub, augment: bool) -> Instance:
    made = sub.function("make_transforms")(augment=augment)
    if isinstance(made, (np.ndarray, torch.Tensor, int, float, str, list, tuple, dict)) or made is None:
        fail(f"make_transforms({augment}) should return a transform (T.Compose([...])) that is called on an "
             f"image; it returned {describe(made)}.")
    return Instance(sub, "make_transforms", made)


@check("transforms.plain")
@given(seed=st.integers(0, 2 ** 16), height=st.integers(6, 40), width=st.integers(6, 40))
def transforms_plain(sub, seed, height, width):
    image = uint8_image(seed, height, width)
    inputs = {"image": f"uint8 ({height}, {width}, 3)"}
    transform = transform_of(sub, False)
    first = numbers(called(sub, transform, "make_transforms(False)(image)", image), "make_transforms(False)(image)", inputs)
    second = numbers(called(sub, transform, "make_transforms(False)(image)", image), "make_transforms(False)(image)", inputs)
    expected = private.to_tensor(image)
    if first.shape == (height, width, 3):
        fail(f"make_transforms(False)(image) has shape {first.shape}, the image's own layout: ToTensor makes it "
             f"(3, {height}, {width}), channels first.", inputs=inputs)
    if first.shape == expected.shape and matches(first, expected * 255):
        fail("make_transforms(False)(image) keeps the values 0..255: ToTensor scales a uint8 image to [0, 1].",
             inputs=inputs)
    expect_close(first, expected, what="make_transforms(False)(image) = ToTensor()(image)", inputs=inputs)
    expect(np.array_equal(first, second), "make_transforms(False) should be deterministic (no augmentation): two "
           "calls on the same image differ.", inputs=inputs)


@check("transforms.augment")
@given(seed=st.integers(0, 2 ** 16), size=st.integers(16, 32))
def transforms_augment(sub, seed, size):
    image = uint8_image(seed, size, size + 3)
    inputs = {"image": f"uint8 ({size}, {size + 3}, 3)"}
    transform = transform_of(sub, True)
    outs = [numbers(called(sub, transform, "make_transforms(True)(image)", image), "make_transforms(True)(image)",
                    inputs) for _ in range(2)]
    expect(outs[0].shape == (3, size, size + 3), f"make_transforms(True)(image) should be a tensor (3, {size}, "
           f"{size + 3}), as ToTensor makes it; it has shape {outs[0].shape}.", inputs=inputs)
    expect(np.issubdtype(outs[0].dtype, np.floating), f"make_transforms(True)(image) should be a float tensor; its "
           f"dtype is {outs[0].dtype}.", inputs=inputs)
    expect(not np.array_equal(outs[0], outs[1]), "make_transforms(True) gave the same tensor twice for the same "
           "image: with augmentation (random flips, rotations, noise) every call should differ.", inputs=inputs)


# --- E1, E2: penalties and train ------------------------------------------------------------------------
def net(sub, p_drop: float) -> Instance:
    made = sub.function("make_net")(p_drop=p_drop)
    if isinstance(made, (np.ndarray, torch.Tensor, int, float, str, list, tuple, dict)) or made is None:
        fail(f"make_net({p_drop}) should return a network (an nn.Module); it returned {describe(made)}.")
    return Instance(sub, "make_net", made)


def drawn_into(sub, model: Instance, seed: int, label: str) -> dict[str, Any]:
    """Load drawn values into every parameter of the student's network; returns them by name."""
    shapes = {name: tuple(numbers(value, f"{label}'s parameter {name}").shape)
              for name, value in model.parameters().items()}
    if not shapes:
        fail(f"{label} has no parameters: it should be a network with trainable layers.")
    values = private.drawn_parameters(shapes, seed)
    sub.harness("load_parameters")(model=model, values=values)
    return values


@check("l2.value")
@given(seed=st.integers(0, 2 ** 16), lam=st.sampled_from([0.01, 0.1, 0.5, 1e-3]))
def l2_value(sub, seed, lam):
    expect_penalty(sub, "l2_penalty", seed, lam, private.l2_value, private.l2_slips,
                   "lam / 2 * the sum of p**2 over every parameter (weights and biases)")


@check("l1.value")
@given(seed=st.integers(0, 2 ** 16), lam=st.sampled_from([0.01, 0.1, 0.5, 1e-3]))
def l1_value(sub, seed, lam):
    expect_penalty(sub, "l1_penalty", seed, lam, private.l1_value, private.l1_slips,
                   "lam * the sum of |p| over every parameter (weights and biases)")


def expect_penalty(sub, name: str, seed: int, lam: float, value_of: Any, slips_of: Any, rule: str) -> None:
    model = net(sub, 0.0)
    values = drawn_into(sub, model, seed, "make_net(0.0)")
    inputs = {"model": "your make_net(0.0) with drawn weights", "lam": lam}
    out = numbers(sub.function(name)(model=model, lam=lam), f"{name}(model, lam)", inputs)
    expect(out.size == 1, f"{name}(model, lam) should be one number (a scalar tensor); it has shape {out.shape}.",
           inputs=inputs)
    expected = value_of(values, lam)
    for slip, wrong in slips_of(values, lam).items():
        if not matches(out, expected) and matches(out, wrong):
            fail(f"{name}(model, lam={lam}) is {float(out.reshape(())):.6g}, the {slip} version; it should be "
                 f"{rule}: {expected:.6g}.", inputs=inputs, expected=expected, actual=out)
    expect_close(out.reshape(()), np.float64(expected), what=f"{name}(model, lam) = {rule}", inputs=inputs)


def train_cases() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"seed": st.integers(0, 2 ** 16), "lam": st.sampled_from([0.1, 0.3, 0.05]),
                                  "batch": st.integers(2, 6)})


REG_RULES = {"l2_wd": ("l2", "g_data + lam * p (SGD's weight_decay=lam)"),
             "l2_manual": ("l2", "g_data + lam * p (the gradient of lam/2 * sum p**2)"),
             "l1": ("l1", "g_data + lam * sign(p) (the gradient of lam * sum |p|)")}


def expect_sgd_step(sub, case: Mapping[str, Any], reg: str) -> None:
    """One batch, one epoch of the student's train() from drawn weights: (p0 - p1) / lr is the gradient
    the step followed; it must be the data gradient (taken here through the student's own network)
    plus the regularizer's."""
    lam = case["lam"]
    data = private.images(case["seed"], case["batch"])
    model = net(sub, 0.0)
    start = drawn_into(sub, model, case["seed"], "make_net(0.0)")
    model.call("train")
    logits = model.vjp("forward", None, x=data["x"])["output"]
    cotangent = private.cross_entropy_cotangent(logits, data["y"])
    data_grads = model.vjp("forward", cotangent, x=data["x"])["parameters"]
    sub.function("train")(model=model, loader=[(data["x"], data["y"])], reg=reg, lam=lam, lr=LR, epochs=1)
    after = model.parameters()
    followed = {k: (np.asarray(start[k], dtype=np.float64) - np.asarray(as_array(after[k]), dtype=np.float64)) / LR
                for k in start}
    candidates = private.penalised_gradients(data_grads, start, lam)
    kind, rule = REG_RULES[reg]
    inputs = {"model": "your make_net(0.0), drawn weights", "loader": f"one batch of {case['batch']} images",
              "reg": reg, "lam": lam, "lr": LR, "epochs": 1}
    hints = {"none": "no regularization at all: the penalty never reached the gradient",
             "l2": "L2's lam * p: the optimizer's weight_decay is L2, whatever the manual's E2(a) says. Add "
                   "lam * sum |p| to the loss instead",
             "l1": "L1's lam * sign(p)",
             "l2 doubled": "2 * lam * p: the penalty lam * sum p**2 doubles the decay; L2 is lam/2 * sum p**2"}
    expected = candidates[kind]
    if not all(matches(followed[k], expected[k]) for k in expected):
        for other, hint in hints.items():
            if other != kind and all(matches(followed[k], candidates[other][k]) for k in expected):
                fail(f"train(..., reg={reg!r}, lam={lam}, lr={LR}) moved the parameters by -lr * (g_data + ...) with "
                     f"{hint}; it should follow {rule}.", inputs=inputs)
    expect_gradients_close(followed, expected, what=f"(p0 - p1) / lr after train(..., reg={reg!r}): {rule}",
                           inputs=inputs)


@check("train.l2-weight-decay")
@given(case=train_cases())
def train_l2_weight_decay(sub, case):
    expect_sgd_step(sub, case, "l2_wd")


@check("train.l2-manual")
@given(case=train_cases())
def train_l2_manual(sub, case):
    expect_sgd_step(sub, case, "l2_manual")


@check("train.l1")
@given(case=train_cases())
def train_l1(sub, case):
    expect_sgd_step(sub, case, "l1")


# --- E3: make_net ----------------------------------------------------------------------------------------
def same_weights(sub, source: Mapping[str, Any], model: Instance, label: str) -> None:
    """Load ``source`` (make_net(0.0)'s drawn values) into ``model`` parameter by parameter, in order."""
    names = list(model.parameters())
    shapes = [tuple(np.shape(v)) for v in source.values()]
    theirs = [tuple(numbers(v, f"{label}'s parameter {k}").shape) for k, v in model.parameters().items()]
    if theirs != shapes:
        fail(f"{label} should have make_net(0.0)'s parameters (only the dropout rate differs): its shapes are "
             f"{theirs}, make_net(0.0)'s {shapes}.")
    sub.harness("load_parameters")(model=model, values=dict(zip(names, source.values())))


def logits_of(value: Any, batch: int, what: str, inputs: Inputs) -> np.ndarray:
    out = numbers(value, what, inputs)
    expect(out.shape == (batch, 2), f"{what} should be logits ({batch}, 2) for images ({batch}, 3, 32, 32); it has "
           f"shape {out.shape}.", inputs=inputs)
    return out


@check("dropout-net.eval")
@given(p=st.sampled_from(DROPOUT_RATES), seed=st.integers(0, 2 ** 16))
def dropout_net_eval(sub, p, seed):
    x = private.images(seed, 4)["x"]
    inputs = {"p_drop": p, "x": "images (4, 3, 32, 32)"}
    plain, dropped = net(sub, 0.0), net(sub, p)
    weights = drawn_into(sub, plain, seed, "make_net(0.0)")
    same_weights(sub, weights, dropped, f"make_net({p})")
    expected = logits_of(sub.harness("evaluate")(model=plain, inputs=x), 4, "make_net(0.0) in eval mode", inputs)
    first = logits_of(sub.harness("evaluate")(model=dropped, inputs=x), 4, f"make_net({p}) in eval mode", inputs)
    second = logits_of(sub.harness("evaluate")(model=dropped, inputs=x), 4, f"make_net({p}) in eval mode", inputs)
    expect(np.array_equal(first, second), f"make_net({p}) in eval mode gave two different outputs for the same "
           "images: dropout must be off in eval mode (nn.Dropout is; F.dropout needs training=self.training).",
           inputs=inputs)
    expect_close(first, expected, what=f"make_net({p}) in eval mode = make_net(0.0) with the same weights",
                 inputs=inputs)


@check("dropout-net.train")
def dropout_net_train(sub):
    x = private.images(1, 8)["x"]
    inputs = {"x": "images (8, 3, 32, 32)"}
    dropped = net(sub, 0.5)
    dropped.call("train")
    first = logits_of(dropped.call("forward", x=x), 8, "make_net(0.5) in train mode", inputs)
    second = logits_of(dropped.call("forward", x=x), 8, "make_net(0.5) in train mode", inputs)
    expect(not np.array_equal(first, second), "make_net(0.5) in train mode gave the same output twice for the same "
           "images: with dropout each forward drops different units. Is there an nn.Dropout(p_drop) in it?",
           inputs=inputs)
    plain = net(sub, 0.0)
    plain.call("train")
    trained = logits_of(plain.call("forward", x=x), 8, "make_net(0.0) in train mode", inputs)
    evaluated = logits_of(sub.harness("evaluate")(model=plain, inputs=x), 8, "make_net(0.0) in eval mode", inputs)
    if not matches(trained, evaluated):
        fail("make_net(0.0) in train mode differs from its eval mode: p_drop = 0 should drop nothing. Pass p_drop "
             "to nn.Dropout rather than a fixed rate.", inputs=inputs, expected=evaluated, actual=trained)


# --- E4: MyDropout ---------------------------------------------------------------------------------------
def nonzero_values(seed: int, shape: tuple[int, ...]) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    return torch.from_numpy((rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape))
                            .astype(np.float32))


def dropout_layer(sub, p: float, mode: str) -> Instance:
    layer = sub.new("MyDropout", p=p)
    layer.call(mode)
    return layer


@check("my-dropout.kept-values")
@given(p=st.sampled_from(DROPOUT_RATES) | st.floats(0.05, 0.9), seed=st.integers(0, 2 ** 16),
       ones=st.booleans())
def my_dropout_kept_values(sub, p, seed, ones):
    x = torch.ones(4, 50) if ones else nonzero_values(seed, (4, 50))
    inputs = {"p": p, "x": "ones (4, 50)" if ones else "drawn values (4, 50), none 0"}
    out = numbers(dropout_layer(sub, p, "train").call("forward", x=x), "MyDropout(p)(x)", inputs)
    expect(out.shape == (4, 50), f"MyDropout(p)(x) should keep x's shape (4, 50); it has {out.shape}.", inputs=inputs)
    kept = out != 0
    # P(all 200 dropped) <= 0.9**200 = 7e-10
    expect(bool(kept.any()), f"MyDropout({p}) in train mode dropped all 200 elements: keep each with probability "
           f"1 - p.", inputs=inputs)
    scales = out[kept].astype(np.float64) / x.numpy()[kept]
    inverted, classic = 1 / (1 - p), 1.0
    for scale, name in ((inverted, "inverted"), (classic, "classic")):
        if np.allclose(scales, scale, rtol=1e-5, atol=1e-6):
            observe(f"MyDropout({p}): kept values are x * {scale:.6g} ({name} dropout)")
            return
    fail(f"MyDropout({p}) in train mode should give 0 or x * s with one s for every kept element: s = 1/(1 - p) "
         f"= {inverted:.6g} (inverted dropout, as nn.Dropout) or s = 1 (classic dropout, scaled at test time); "
         f"the kept values are x times {describe(np.unique(np.round(scales, 6)))}.", inputs=inputs)


# The fraction of zeros among n = 10**6 independent Bernoulli draws is off by 0.005 or more with
# probability at most 2 exp(-2 n 0.005**2) = 4e-22 (Hoeffding); the train output's mean s * (kept
# fraction), s <= 5, is off from (1 - p) s by 0.02 only if the kept fraction is off by 0.004, probability
# at most 2 exp(-2 n 0.004**2) = 3e-14. Three rates: a false failure below 1e-13.
@check("my-dropout.expectation")
def my_dropout_expectation(sub):
    ones = torch.ones(1000, 1000)
    for p in DROPOUT_RATES:
        inputs = {"p": p, "x": "10**6 ones"}
        train_out = numbers(dropout_layer(sub, p, "train").call("forward", x=ones), "MyDropout(p)(x)", inputs)
        eval_out = numbers(dropout_layer(sub, p, "eval").call("forward", x=ones), "MyDropout(p)(x)", inputs)
        zeros, mean, eval_mean = float(np.mean(train_out == 0)), float(train_out.mean()), float(eval_out.mean())
        library_zeros, library_mean = private.library_dropout(p)
        observe(f"p={p}: zeros {zeros:.5f}, mean {mean:.4f}, eval mean {eval_mean:.4f} (nn.Dropout: zeros "
                f"{library_zeros:.5f}, mean {library_mean:.4f})")
        expect(abs(zeros - p) <= 0.005, f"MyDropout({p}) in train mode zeroed {zeros:.4f} of 10**6 ones (nn.Dropout: "
               f"{library_zeros:.4f}); p is the probability of dropping an element, so about {p} should be 0. "
               "torch.bernoulli(q) gives 1 with probability q: the mask keeps with probability 1 - p.", inputs=inputs)
        expect(abs(mean - eval_mean) <= 0.02, f"MyDropout({p}): the mean of the train-mode output on ones is "
               f"{mean:.4f}, of the eval-mode output {eval_mean:.4f}; E[train output] must equal the eval output. "
               "Scale the kept values by 1/(1 - p) in training (inverted dropout, as nn.Dropout), or scale by "
               "1 - p in eval mode (classic dropout).", inputs=inputs)


@check("my-dropout.modes")
@given(p=st.sampled_from(DROPOUT_RATES) | st.floats(0.05, 0.95), seed=st.integers(0, 2 ** 16))
def my_dropout_modes(sub, p, seed):
    x = nonzero_values(seed, (3, 40))
    inputs = {"p": p, "x": "drawn values (3, 40)"}
    layer = dropout_layer(sub, p, "eval")
    first = numbers(layer.call("forward", x=x), "MyDropout(p)(x) in eval mode", inputs)
    second = numbers(layer.call("forward", x=x), "MyDropout(p)(x) in eval mode", inputs)
    expect(np.array_equal(first, second), f"MyDropout({p}) in eval mode gave two different outputs for the same x: "
           "dropout is off in eval mode (check self.training).", inputs=inputs)
    if not matches(first, x.numpy()) and not matches(first, (1 - p) * x.numpy()):
        fail(f"MyDropout({p})(x) in eval mode should be x (inverted dropout) or (1 - p) * x (classic dropout).",
             inputs=inputs, expected=x.numpy(), actual=first)
    keep_all = numbers(dropout_layer(sub, 0.0, "train").call("forward", x=x), "MyDropout(0)(x)", inputs)
    expect_close(keep_all, x.numpy(), what="MyDropout(0)(x) in train mode = x", inputs={**inputs, "p": 0.0})
    drop_all = numbers(dropout_layer(sub, 1.0, "train").call("forward", x=x), "MyDropout(1)(x)", inputs)
    expect(bool(np.all(drop_all == 0)), f"MyDropout(1.0)(x) in train mode should be all zeros (no division by "
           f"1 - p = 0); it holds {describe(drop_all)}.", inputs={**inputs, "p": 1.0})


@check("my-dropout.gradient")
@given(p=st.sampled_from(DROPOUT_RATES), seed=st.integers(0, 2 ** 16))
def my_dropout_gradient(sub, p, seed):
    x = nonzero_values(seed, (5, 20))
    cotangent = nonzero_values(seed + 1, (5, 20))
    inputs = {"p": p, "x": "drawn values (5, 20)"}
    result = dropout_layer(sub, p, "train").vjp("forward", cotangent, x=x)
    out = numbers(result["output"], "MyDropout(p)(x)", inputs)
    expected = private.dropout_input_gradient(x, out, cotangent)
    expect_gradients_close({"x": result["inputs"].get("x")}, {"x": expected},
                           what=f"d/dx of MyDropout({p})(x) = mask * scale (the elements kept, as scaled)",
                           inputs=inputs)


# --- E5: early stopping -----------------------------------------------------------------------------
def stop_pair(value: Any, what: str, inputs: Inputs) -> tuple[int | None, int | None]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        fail(f"{what} should return a pair (stop_epoch or None, best_epoch); it returned {describe(value)}.",
             inputs=inputs)

    def epoch(v: Any) -> int | None:
        array = as_array(v)
        if v is None:
            return None
        if array is None and isinstance(v, (int, float)):
            return int(v)
        if array is None or array.size != 1:
            fail(f"{what} should return epochs as integers (or None); it returned {describe(value)}.", inputs=inputs)
        return int(np.asarray(array).reshape(()))
    return epoch(value[0]), epoch(value[1])


def expect_stop(sub, val_losses: list[float], patience: int, expected: tuple[Any, Any]) -> None:
    inputs = {"val_losses": val_losses, "patience": patience}
    what = f"early_stopping_epoch(val_losses, patience={patience})"
    got = stop_pair(sub.function("early_stopping_epoch")(val_losses=val_losses, patience=patience), what, inputs)
    if got != expected and expected[0] is not None and got[0] == expected[0] - 1:
        fail(f"{what} = {got}: it stops one epoch early. The manual stops when the count of epochs without "
             f"improvement exceeds patience (count > patience), i.e. after {patience + 1} of them; expected "
             f"{expected}.", inputs=inputs)
    expect(got == expected, f"{what} = {got}; expected {expected} (epochs from 0, an improvement is a loss strictly "
           "below the best so far and resets the count, stop when the count exceeds patience, None if it never "
           "does).", inputs=inputs)


@check("early-stopping.golden")
def early_stopping_golden(sub):
    for val_losses, expected in GOLDEN_STOPS:
        expect_stop(sub, val_losses, 5, expected)


# few distinct values, so that ties (which are not improvements) come up often
loss_sequences = st.lists(st.sampled_from([0.4, 0.45, 0.5, 0.6, 0.7]), min_size=4, max_size=20)


@check("early-stopping.value")
@given(val_losses=loss_sequences, patience=st.integers(0, 6))
def early_stopping_value(sub, val_losses, patience):
    expected = ref.early_stopping_epoch(val_losses, patience)
    expect_stop(sub, val_losses, patience, tuple(expected))


@check("stopper.steps")
@given(val_losses=loss_sequences, patience=st.integers(0, 4), min_delta=st.sampled_from([0.0, 0.0, 0.07]))
def stopper_steps(sub, val_losses, patience, min_delta):
    inputs = {"val_losses": val_losses, "patience": patience, "min_delta": min_delta}
    stopper = sub.new("EarlyStopper", patience=patience, min_delta=min_delta)
    expected = private.stopper_decisions(val_losses, patience, min_delta)
    got = []
    for loss in val_losses[:len(expected)]:
        answer = stopper.call("step", val_loss=loss)
        if not isinstance(answer, (bool, np.bool_)) and not (isinstance(answer, torch.Tensor) and answer.numel() == 1):
            fail(f"EarlyStopper.step(val_loss) should return True or False; it returned {describe(answer)}.",
                 inputs=inputs)
        got.append(bool(answer))
    expect(got == expected, f"EarlyStopper(patience={patience}, min_delta={min_delta}).step(loss) over {val_losses} "
           f"answered {got}; expected {expected} (True once the loss has not fallen below the best by more than "
           "min_delta for more than patience epochs in a row).", inputs=inputs)
