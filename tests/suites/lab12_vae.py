"""The grading suite of lab12-vae: one ``@check`` per check in assignments/lab12-vae/assignment.toml.

The student's models live in their worker: the suite reads their parameter shapes, loads its own
weights into them (grader.harness.load_parameters), runs them in eval mode and trains them with the
grader's own loop (train_steps, which stops on CPU time), then judges the numbers in this process.
No number the student's code prints or returns about itself is used. What computes answers (the VAE
loss in closed form, the reference VAE on the grader's weights) is in lab12_vae_private.py; the digits
stand-in for MNIST is in lab12_vae_data.py.

Sampling is checked statistically (reparameterize.statistics): the worker is seeded from the check's
id, so a submission gets the same verdict on every run, and the bounds are wide enough that a correct
implementation fails with probability below 1e-7 (derived beside the check).
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab12_vae_private.py

import math
from collections import Counter
from typing import Any, Mapping

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.errors import StudentCodeRaised
from grader.submission import Instance, Make
from grader.suite import check, expect, expect_close, fail, load_private, load_sibling, matches, observe

data = load_sibling(__file__, "lab12_vae_data")          # the digits stand-in for MNIST
private = load_private(__file__, "lab12_vae_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]

LATENT = 10
VAE_PARAMETERS = 181_024
# The manual's VAE, layer by layer: weight shape -> how many layers have it (each with a bias of
# shape (weight.shape[0],)). BatchNorm1d(10)'s weight is the only 1-D one.
VAE_LAYERS = Counter({(100, 784): 1, (100, 100): 2, (LATENT, 100): 2, (LATENT,): 1, (100, LATENT): 1, (784, 100): 1})
AE_TRAINING = {"loss": "mse", "optimizer": "Adam", "lr": 1e-2, "steps": 100, "batch_size": 64, "budget_s": 10.0,
               "seed": 0}
# The reference's held-out MSE after AE_TRAINING is about 0.32 of the mean-image baseline; a model that
# learns only the mean image (its code unused) gets about 1.0.
AE_BAR = 0.8
TRAIN_AE = {"images": 150, "batch_size": 64, "epochs": 3, "lr": 1e-2}   # 3 batches an epoch, the last of 22


def numbers(value: Any, what: str, inputs: Inputs | None = None) -> np.ndarray:
    array = as_array(value)
    if array is None or not np.issubdtype(array.dtype, np.number):
        fail(f"{what} should be a tensor of numbers; it is {describe(value)}.", inputs=inputs)
    return np.asarray(array)


def digit_rows(start: int, count: int, split: str = "test") -> torch.Tensor:
    return torch.from_numpy(data.digits()[split][start:start + count].copy())


def as_images(rows: torch.Tensor) -> torch.Tensor:
    return rows.reshape(rows.shape[0], 1, 28, 28)


def expect_pixels(array: np.ndarray, what: str, inputs: Inputs) -> None:
    """Every value of ``array`` a pixel in [0, 1], as a decoder that ends with a sigmoid gives."""
    fine = bool(array.size and np.all(np.isfinite(array)) and array.min() >= 0.0 and array.max() <= 1.0)
    if not fine:
        span = f"[{array.min():.4g}, {array.max():.4g}]" if array.size else "nothing"
        fail(f"{what} should hold pixels in [0, 1] (the images are in [0, 1]); its values lie in {span}. End the "
             f"decoder with a sigmoid.", inputs=inputs, actual=array)


# --- E1: AutoEncoder ---------------------------------------------------------------------------------------
inputs_of_either_shape = st.tuples(st.integers(1, 5), st.integers(0, 500), st.booleans())


def ae_input(case: tuple[int, int, bool]) -> torch.Tensor:
    batch, start, square = case
    rows = digit_rows(start, batch)
    return as_images(rows) if square else rows


@check("ae.shapes")
@given(case=inputs_of_either_shape)
def ae_shapes(sub, case):
    x = ae_input(case)
    inputs = {"x": x}
    model = sub.new("AutoEncoder")
    code = numbers(model.call("encode", x=x), "AutoEncoder().encode(x)", inputs)
    batch = x.shape[0]
    expect(code.ndim == 2 and code.shape[0] == batch and 0 < code.shape[1] < 784,
           f"encode(x) for x of shape {tuple(x.shape)} should return codes (B, d) = ({batch}, d) with d < 784 (a "
           f"bottleneck); it returned shape {code.shape}.", inputs=inputs)
    decoded = numbers(model.call("decode", z=torch.from_numpy(code)), "AutoEncoder().decode(z)", inputs)
    expect(decoded.size == batch * 784, f"decode(z) for codes ({batch}, {code.shape[1]}) should return {batch} "
           f"images of 784 pixels ((B, 784) or (B, 1, 28, 28)); it returned shape {decoded.shape}.", inputs=inputs)
    out = numbers(model.call("forward", x=x), "AutoEncoder()(x)", inputs)
    expect(out.shape == tuple(x.shape), f"AutoEncoder()(x) should have the shape of x, {tuple(x.shape)}; it has "
           f"{out.shape}. Reshape the decoder's output back: x_hat.reshape(x.shape).", inputs=inputs)


@check("ae.range")
@given(case=inputs_of_either_shape, seed=st.integers(0, 2 ** 16))
def ae_range(sub, case, seed):
    """Pixels in [0, 1] out, for inputs in [0, 1]: the decoder ends with a sigmoid. Random inputs as
    well as digits, so a decoder whose raw output happens to stay in range on digits still shows."""
    x = ae_input(case)
    noise = torch.from_numpy(np.random.default_rng(seed).random(tuple(x.shape), dtype=np.float32))
    for what, value in (("a digit", x), ("uniform noise in [0, 1]", noise)):
        inputs = {"x": value}
        out = numbers(sub.harness("evaluate")(model=sub.new("AutoEncoder"), inputs=value), "AutoEncoder()(x)",
                      inputs)
        expect_pixels(out, f"AutoEncoder()(x) for x = {what}", inputs)


@check("ae.deterministic")
@given(case=inputs_of_either_shape)
def ae_deterministic(sub, case):
    """In eval mode a code and a reconstruction are functions of the input: the same twice, and
    forward(x) is decode(encode(x))."""
    x = ae_input(case)
    inputs = {"x": x}
    model = sub.new("AutoEncoder")
    model.call("eval")
    first, second = (numbers(model.call("encode", x=x), "encode(x) in eval mode", inputs) for _ in range(2))
    expect_close(second, first, what="encode(x) called a second time in eval mode", inputs=inputs)
    out = numbers(model.call("forward", x=x), "AutoEncoder()(x) in eval mode", inputs)
    again = numbers(model.call("forward", x=x), "AutoEncoder()(x) in eval mode", inputs)
    expect_close(again, out, what="AutoEncoder()(x) called a second time in eval mode", inputs=inputs)
    decoded = numbers(model.call("decode", z=torch.from_numpy(first)), "decode(encode(x))", inputs)
    expect(decoded.size == out.size, f"decode(encode(x)) has {decoded.size} values, forward(x) {out.size}.",
           inputs=inputs)
    expect_close(out.reshape(-1), decoded.reshape(-1), what="forward(x) against decode(encode(x)) in eval mode",
                 inputs=inputs)


@check("ae.learns")
def ae_learns(sub):
    digits = data.digits()
    model = sub.new("AutoEncoder")
    train = torch.from_numpy(digits["train"])
    run = sub.harness("train_steps")(model=model, inputs=train, targets=train, **AE_TRAINING)
    test = digits["test"]
    out = numbers(sub.harness("evaluate")(model=model, inputs=torch.from_numpy(test)), "AutoEncoder()(x)")
    expect(out.size == test.size, f"AutoEncoder()(x) for x of shape {test.shape} should have that shape; it has "
           f"{out.shape}.")
    mse = float(np.mean((out.reshape(test.shape).astype(np.float64) - test) ** 2))
    baseline = data.mean_image_mse()
    losses = run["losses"]
    observe(f"training loss {losses[0]:.4g} -> {losses[-1]:.4g} in {run['steps']} steps ({run['stopped']}); held-out "
            f"MSE {mse:.4g}, the mean image's {baseline:.4g}")
    expect(mse <= AE_BAR * baseline, f"trained by the grader ({run['steps']} Adam steps, lr {AE_TRAINING['lr']}, "
           f"batches of {AE_TRAINING['batch_size']}, mean squared reconstruction error), AutoEncoder() reconstructs "
           f"{len(test)} held-out digits with MSE {mse:.4g}; predicting every image by the mean training image gives "
           f"{baseline:.4g}, and at most {AE_BAR:g} of that ({AE_BAR * baseline:.4g}) is expected: the code must carry "
           f"what tells the digits apart.")


def held_out_mse(sub, model: Instance, test: torch.Tensor) -> float:
    """The grader's measure of a reconstruction: the MSE of model(test) against test, in eval mode."""
    out = numbers(sub.harness("evaluate")(model=model, inputs=test), "AutoEncoder()(x)")
    expect(out.size == test.numel(), f"AutoEncoder()(x) for x of shape {tuple(test.shape)} has shape {out.shape}.")
    return float(np.mean((out.reshape(tuple(test.shape)).astype(np.float64) - test.numpy()) ** 2))


@check("train-ae.trains")
def train_ae_trains(sub):
    """train_ae(model, loader, optimizer, epochs) on MNIST-like (images, labels) batches, the last one
    partial: one optimizer step per batch, and the reconstruction error falls (measured by the grader)."""
    images = as_images(digit_rows(0, TRAIN_AE["images"], "train"))
    size, epochs = TRAIN_AE["batch_size"], TRAIN_AE["epochs"]
    loader = [(images[i:i + size], torch.zeros(len(images[i:i + size]), dtype=torch.int64))
              for i in range(0, len(images), size)]
    test = digit_rows(0, 200)
    model = sub.new("AutoEncoder")
    before = held_out_mse(sub, model, test)
    steps_before = sub.harness("optimizer_steps")()
    inputs = {"loader": f"{len(loader)} batches (images (B, 1, 28, 28), labels) of {size}, {size}, "
                        f"{len(images) - 2 * size}", "optimizer": f"Adam, lr {TRAIN_AE['lr']}", "epochs": epochs}
    sub.function("train_ae")(model=model, loader=loader, optimizer=Make.of("Adam", params=model, lr=TRAIN_AE["lr"]),
                             epochs=epochs)
    steps = sub.harness("optimizer_steps")() - steps_before
    after = held_out_mse(sub, model, test)
    observe(f"{steps} optimizer steps; held-out MSE {before:.4g} -> {after:.4g}")
    expect(steps == epochs * len(loader), f"train_ae should step the optimizer once per batch: {epochs} epochs of "
           f"{len(loader)} batches are {epochs * len(loader)} steps; it made {steps}.", inputs=inputs)
    if after <= 0.9 * before or not own_model_learns(sub, images, test, steps=epochs * len(loader)):
        return    # an AutoEncoder that cannot learn under any loop is charged by ae.learns, not here
    fail(f"after train_ae the held-out reconstruction MSE went {before:.4g} -> {after:.4g}; {epochs * len(loader)} "
         f"Adam steps should cut it by at least 10 % (the grader's own loop does, on a new AutoEncoder() of yours). Is "
         f"the loss the reconstruction error between model(x) and x, and does backward() run before "
         f"optimizer.step()?", inputs=inputs)


def own_model_learns(sub, images: torch.Tensor, test: torch.Tensor, steps: int) -> bool:
    """Whether the grader's own loop, with train_ae's optimizer, steps and batch size, cuts the held-out
    MSE of a new AutoEncoder() of the student's by 10 %."""
    model = sub.new("AutoEncoder")
    before = held_out_mse(sub, model, test)
    rows = images.reshape(len(images), -1)
    sub.harness("train_steps")(model=model, inputs=rows, targets=rows, loss="mse", optimizer="Adam",
                               lr=TRAIN_AE["lr"], steps=steps, batch_size=TRAIN_AE["batch_size"], budget_s=10.0, seed=0)
    after = held_out_mse(sub, model, test)
    observe(f"the grader's own loop on a new AutoEncoder(): held-out MSE {before:.4g} -> {after:.4g}")
    return after <= 0.9 * before


# --- E2: reparameterize ----------------------------------------------------------------------------------
def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, width=32, allow_nan=False, allow_infinity=False)


@st.composite
def mean_and_logvar(draw, rows: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """mu in [-3, 3] and logvar in [-3, -0.5] or [0.5, 2]: away from 0, where exp(logvar) and
    exp(logvar / 2) would agree."""
    batch = rows if rows is not None else draw(st.integers(1, 4))
    dims = draw(st.integers(2, 5))
    mu = draw(st.lists(floats(-3, 3), min_size=dims, max_size=dims))
    logvar = draw(st.lists(st.one_of(floats(-3, -0.5), floats(0.5, 2)), min_size=dims, max_size=dims))
    return (torch.tensor([mu] * batch, dtype=torch.float32), torch.tensor([logvar] * batch, dtype=torch.float32))


@check("reparameterize.shape")
@given(pair=mean_and_logvar())
def reparameterize_shape(sub, pair):
    """z has mu's shape, and with logvar = -60 (a standard deviation of 1e-13) z is mu."""
    mu, _ = pair
    logvar = torch.full_like(mu, -60.0)
    inputs = {"mu": mu, "logvar": logvar}
    z = numbers(sub.function("reparameterize")(mu=mu, logvar=logvar), "reparameterize(mu, logvar)", inputs)
    expect(z.shape == tuple(mu.shape), f"reparameterize(mu, logvar) should have mu's shape {tuple(mu.shape)}; it has "
           f"{z.shape}.", inputs=inputs)
    expect_close(z, mu, what="reparameterize(mu, logvar = -60): mu + exp(logvar / 2) * eps with exp(-30) = 1e-13",
                 inputs=inputs)


# Statistics of reparameterize: SAMPLES rows of one (mu, logvar) pair; for each coordinate the sample
# mean must lie within BOUND_SE standard errors of mu (the standard error is sigma / sqrt(n)) and the
# sample standard deviation within BOUND_SE standard errors of sigma = exp(logvar / 2) (relative
# standard error 1 / sqrt(2 (n - 1))).
#
# False-failure rate for a correct implementation: the sample mean of n normal draws is exactly
# normal, and the sample standard deviation of n = 100,000 draws is normal to within a relative error
# far below 1 % at 6 standard errors (chi-square with 99,999 degrees of freedom, skewness 0.009), so
# each statistic leaves its bound with probability 2 * Phi(-6) = 2.0e-9. The check tests at most
# 3 examples x 5 coordinates x 2 statistics = 30 of them, so by the union bound a correct
# reparameterize fails with probability at most 30 * 2.0e-9 = 6e-8, far below 1 in 10,000. The worker
# is seeded from the check's id, so the verdict is also the same on every run.
#
# Power: exp(logvar) in place of exp(logvar / 2) is off by a factor exp(logvar / 2), at least 22 % for
# |logvar| >= 0.5, and logvar used as the standard deviation is off by more than 20 % for every drawn
# coordinate but those within 0.1 of -0.70; the bound on the standard deviation is 6 / sqrt(2e5) = 1.3 %.
SAMPLES, BOUND_SE = 100_000, 6.0


@check("reparameterize.statistics")
@given(pair=mean_and_logvar(rows=1))
def reparameterize_statistics(sub, pair):
    mu_row, logvar_row = pair
    mu, logvar = mu_row.expand(SAMPLES, -1).contiguous(), logvar_row.expand(SAMPLES, -1).contiguous()
    inputs = {"mu": f"{SAMPLES} rows of {mu_row[0].tolist()}", "logvar": f"{SAMPLES} rows of {logvar_row[0].tolist()}"}
    z = numbers(sub.function("reparameterize")(mu=mu, logvar=logvar), "reparameterize(mu, logvar)", inputs)
    expect(z.shape == tuple(mu.shape), f"reparameterize(mu, logvar) should have mu's shape {tuple(mu.shape)}; it has "
           f"{z.shape}.", inputs=inputs)
    samples = z.astype(np.float64)
    sigma = np.exp(logvar_row[0].double().numpy() / 2)
    means, stds = samples.mean(axis=0), samples.std(axis=0, ddof=1)
    observe(f"sample means {np.round(means, 4).tolist()}, sample stds {np.round(stds, 4).tolist()}")
    mean_bound = BOUND_SE * sigma / math.sqrt(SAMPLES)
    off = np.abs(means - mu_row[0].double().numpy()) > mean_bound
    expect(not off.any(), lambda: f"over {SAMPLES} samples the mean of z should be mu within {BOUND_SE:g} standard "
           f"errors; coordinates {np.flatnonzero(off).tolist()} have means {means[off].round(4).tolist()} for mu = "
           f"{mu_row[0].numpy()[off].round(4).tolist()}.", inputs=inputs)
    std_bound = BOUND_SE / math.sqrt(2 * (SAMPLES - 1))
    ratio = stds / sigma
    off = np.abs(ratio - 1) > std_bound
    if off.any():
        hint = ""
        lv = logvar_row[0].double().numpy()
        if np.allclose(stds, np.exp(lv), rtol=0.02):
            hint = " That is exp(logvar): the standard deviation is exp(0.5 * logvar)."
        elif np.allclose(stds, np.abs(lv), rtol=0.02):
            hint = (" That is |logvar|: logvar is the log-variance, not the standard deviation; use "
                    "std = exp(0.5 * logvar).")
        fail(f"over {SAMPLES} samples the standard deviation of z should be exp(logvar / 2) = "
             f"{sigma.round(4).tolist()} (within a factor 1 ± {std_bound:.3g}); it is {stds.round(4).tolist()}.{hint}",
             inputs=inputs)


# --- E2: vae_loss ------------------------------------------------------------------------------------------
LN4 = math.log(4.0)
GOLDEN = ({"mu": [[0.0, 0.0]], "logvar": [[0.0, 0.0]], "loss": 4 * math.log(2.0), "kl": 0.0},
          {"mu": [[0.5, -1.0]], "logvar": [[0.0, LN4]], "loss": 4 * math.log(2.0) + 1.4318528, "kl": 1.4318528})


def expect_loss(sub, x: torch.Tensor, x_hat: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> None:
    inputs = {"x": x, "x_hat": x_hat, "mu": mu, "logvar": logvar}
    value = numbers(sub.function("vae_loss")(x=x, x_hat=x_hat, mu=mu, logvar=logvar), "vae_loss(x, x_hat, mu, logvar)",
                    inputs)
    expect(value.size == 1, f"vae_loss should return one number (a 0-d tensor) for the whole batch; it returned shape "
           f"{value.shape}.", inputs=inputs)
    got = value.reshape(())
    answers = private.vae_loss(x, x_hat, mu, logvar)
    if not matches(got, answers["expected"]):
        for wrong, cause in answers["wrong"]:
            if matches(got, wrong):
                fail(f"vae_loss(x, x_hat, mu, logvar) does not match the reference: {cause}", inputs=inputs,
                     expected=answers["expected"], actual=got)
    expect_close(got, answers["expected"], what="vae_loss(x, x_hat, mu, logvar) = BCE summed over the pixels + KL",
                 inputs=inputs)


@check("vae-loss.golden")
def vae_loss_golden(sub):
    """The catalog's values: x = x_hat = 0.5 on 4 pixels gives BCE 4 ln 2 = 2.7725887; KL is 0 at mu = 0,
    logvar = 0 and 1.4318528 at mu = [0.5, -1], logvar = [0, ln 4]."""
    half = torch.full((1, 4), 0.5)
    for case in GOLDEN:
        expect_loss(sub, half, half.clone(), torch.tensor(case["mu"]), torch.tensor(case["logvar"]))


@st.composite
def loss_cases(draw) -> tuple[torch.Tensor, ...]:
    batch, pixels = draw(st.integers(1, 4)), draw(st.integers(1, 20))
    mu, logvar = draw(mean_and_logvar(rows=batch))
    seed = draw(st.integers(0, 2 ** 16))
    rng = np.random.default_rng(seed)
    x = rng.random((batch, pixels), dtype=np.float32)
    if draw(st.booleans()):
        x = np.round(x)               # binarised pixels, as some courses threshold MNIST
    x_hat = rng.uniform(0.02, 0.98, (batch, pixels)).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(x_hat), mu, logvar


@check("vae-loss.value")
@given(case=loss_cases())
def vae_loss_value(sub, case):
    expect_loss(sub, *case)


# --- E2: VAE -----------------------------------------------------------------------------------------------
def vae_layers(params: Mapping[str, Any], label: str) -> list[tuple[str, tuple[int, ...]]]:
    """The student's layers in their order, (module path, weight shape), after checking that they are
    the manual's: a weight and a bias each, of VAE_LAYERS' shapes."""
    modules: dict[str, dict[str, tuple[int, ...]]] = {}
    for name, value in params.items():
        path, _, leaf = name.rpartition(".")
        modules.setdefault(path, {})[leaf] = tuple(numbers(value, f"parameter {name}").shape)
    layers = [(path, shapes.get("weight", ())) for path, shapes in modules.items()]
    well_formed = all(set(shapes) == {"weight", "bias"} and shapes["bias"] == shapes["weight"][:1]
                      for shapes in modules.values())
    if not well_formed or Counter(shape for _, shape in layers) != VAE_LAYERS:
        fail(f"{label} should have the manual's layers, a weight and a bias each: Linear(784, 100), Linear(100, 100), "
             f"the heads Linear(100, 10) twice, BatchNorm1d(10), Linear(10, 100), Linear(100, 100), Linear(100, 784) "
             f"({VAE_PARAMETERS:,} parameters); its parameters are {shape_table(params)}.")
    return layers


def shape_table(params: Mapping[str, Any]) -> dict[str, tuple[int, ...]]:
    return {name: tuple(numbers(value, f"parameter {name}").shape) for name, value in params.items()}


def parameter_count(params: Mapping[str, Any]) -> int:
    return sum(int(numbers(v, f"parameter {k}").size) for k, v in params.items())


@check("vae.params")
def vae_params(sub):
    params = sub.new("VAE").parameters()
    total = parameter_count(params)
    observe(f"VAE(): {total:,} parameters")
    expect(total == VAE_PARAMETERS, f"VAE() has {total:,} parameters; the manual's architecture has {VAE_PARAMETERS:,}: "
           f"encoder 88,600, the mean and log-variance heads 1,010 each, decoder 90,404 (BatchNorm1d(10) 20 of them). "
           f"Its parameters: {shape_table(params)}.")
    vae_layers(params, "VAE()")


def vae_outputs(value: Any, what: str, inputs: Inputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    expect(isinstance(value, (tuple, list)) and len(value) == 3, lambda: f"{what} should return (mu, logvar, x_hat); "
           f"it returned {describe(value)}.", inputs=inputs)
    mu, logvar, x_hat = (numbers(v, f"{what}[{i}]", inputs) for i, v in enumerate(value))
    return mu, logvar, x_hat


@check("vae.forward")
@given(batch=st.integers(1, 4), start=st.integers(0, 500))
def vae_forward(sub, batch, start):
    rows = digit_rows(start, batch)
    model = sub.new("VAE")
    model.call("eval")
    results = []
    for x in (rows, as_images(rows)):
        inputs = {"x": x}
        what = f"VAE()(x) in eval mode for x of shape {tuple(x.shape)}"
        mu, logvar, x_hat = vae_outputs(model.call("forward", x=x), what, inputs)
        shapes = (mu.shape, logvar.shape, x_hat.shape)
        wanted = ((batch, LATENT), (batch, LATENT), (batch, 1, 28, 28))
        expect(shapes == wanted, f"{what} should return mu {wanted[0]}, logvar {wanted[1]} and x_hat {wanted[2]}; "
               f"their shapes are {shapes[0]}, {shapes[1]} and {shapes[2]}.", inputs=inputs)
        expect_pixels(x_hat, f"{what}: x_hat", inputs)
        results.append(mu)
    expect_close(results[1], results[0], what="mu for the same images as (B, 1, 28, 28) and as rows (B, 784)",
                 inputs={"x": rows})


# The grader's weights for the VAE, by layer (see vae.matches-reference): both heads get a bias of -40
# and weights that keep W h within about +-4, so logvar is at most about -36 (a standard deviation below
# 2e-8: the sample is mu to within 1e-7, whatever the random draw) and mu is -40 + W h; BatchNorm's
# weight gamma and bias 40 * gamma bring mu back to gamma * (W h), with its fresh running statistics
# (mean 0, variance 1) in eval mode.
HEAD_BIAS = -40.0


def vae_values(seed: int) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    rng = np.random.default_rng(seed)

    def layer(rows: int, cols: int, scale: float) -> tuple[torch.Tensor, torch.Tensor]:
        weight = rng.standard_normal((rows, cols)) * scale / math.sqrt(cols)
        return (torch.tensor(weight, dtype=torch.float32), torch.tensor(rng.normal(0, 0.1, rows), dtype=torch.float32))

    values = {"enc1": layer(100, 784, 2.0), "square1": layer(100, 100, 2.0), "square2": layer(100, 100, 2.0),
              "dec1": layer(100, LATENT, 1.5), "dec3": layer(784, 100, 2.0)}
    for head in ("head1", "head2"):
        weight, _ = layer(LATENT, 100, 2.0)
        values[head] = (weight, torch.full((LATENT,), HEAD_BIAS))
    gamma = torch.tensor(rng.uniform(0.3, 0.7, LATENT), dtype=torch.float32)
    values["bn"] = (gamma, -HEAD_BIAS * gamma)
    return values


def role_candidates(values: Mapping[str, tuple[torch.Tensor, torch.Tensor]]) -> list[dict[str, Any]]:
    """The reference's layers for each way the student's two (100, 100) layers and two heads can be
    the encoder's or the decoder's, the mean or the log-variance: declared in either order."""
    fixed = {role: values[role] for role in ("enc1", "bn", "dec1", "dec3")}
    candidates = []
    for enc2, dec2 in (("square1", "square2"), ("square2", "square1")):
        for mu, logvar in (("head1", "head2"), ("head2", "head1")):
            candidates.append({**fixed, "enc2": values[enc2], "dec2": values[dec2], "mu": values[mu],
                               "logvar": values[logvar]})
    return candidates


def load_vae(sub, model: Instance, values: Mapping[str, tuple[torch.Tensor, torch.Tensor]]) -> None:
    """The grader's values into the student's layers: the two (100, 100) layers and the two heads in
    the order they are declared (square1 then square2, head1 then head2)."""
    layers = vae_layers(model.parameters(), "VAE()")
    kinds = {(100, 784): ["enc1"], (100, 100): ["square1", "square2"], (LATENT, 100): ["head1", "head2"],
             (LATENT,): ["bn"], (100, LATENT): ["dec1"], (784, 100): ["dec3"]}
    loaded = {}
    for path, shape in layers:
        weight, bias = values[kinds[shape].pop(0)]
        prefix = f"{path}." if path else ""
        loaded[f"{prefix}weight"], loaded[f"{prefix}bias"] = weight, bias
    sub.harness("load_parameters")(model=model, values=loaded)


@check("vae.matches-reference")
@given(batch=st.integers(1, 4), start=st.integers(0, 500), seed=st.integers(0, 2 ** 16))
def vae_matches_reference(sub, batch, start, seed):
    x = digit_rows(start, batch)
    model = sub.new("VAE")
    values = vae_values(seed)
    load_vae(sub, model, values)
    model.call("eval")
    inputs = {"x": x, "weights": f"the grader's (seed {seed})"}
    what = "VAE()(x) in eval mode with the grader's weights"
    mu, logvar, x_hat = vae_outputs(model.call("forward", x=x), what, inputs)
    expect(x_hat.size == batch * 784, f"{what}: x_hat has shape {x_hat.shape}; expected ({batch}, 1, 28, 28).",
           inputs=inputs)
    got = (mu, logvar, x_hat.reshape(batch, 1, 28, 28))
    answers = [private.vae_outputs(layers, x) for layers in role_candidates(values)]
    if any(all(matches(g, e) for g, e in zip(got, answer)) for answer in answers):
        return
    closest = max(answers, key=lambda answer: sum(matches(g, e) for g, e in zip(got, answer)))
    for name, g, e in zip(("mu", "logvar"), got, closest):
        expect_close(g, e, what=f"{what}: {name} = the {name} head on encoder(x), the encoder Linear(784, 100) -> ReLU "
                     f"-> Dropout -> Linear(100, 100) -> Sigmoid", inputs=inputs)
    expect_close(got[2], closest[2], what=f"{what}: x_hat = decoder(z), z = mu + exp(logvar / 2) * eps (logvar is "
                 f"about -40 here, so z is mu), the decoder BatchNorm1d(10) -> Linear(10, 100) -> ReLU -> "
                 f"Linear(100, 100) -> ReLU -> Linear(100, 784) -> Sigmoid", inputs=inputs)


@check("vae.gradients")
@given(batch=st.integers(2, 4), start=st.integers(0, 500), seed=st.integers(0, 2 ** 16))
def vae_gradients(sub, batch, start, seed):
    """Backpropagated from x_hat alone, the gradient reaches both heads: the sample z is mu + std * eps
    inside the graph (the reparameterisation trick), not drawn under no_grad or detached."""
    x = digit_rows(start, batch)
    inputs = {"x": x}
    model = sub.new("VAE")
    model.call("eval")
    _, _, x_hat = vae_outputs(model.call("forward", x=x), "VAE()(x)", inputs)
    cotangent = torch.from_numpy(np.random.default_rng(seed).standard_normal(x_hat.shape).astype(np.float32))
    grads = model.vjp("forward", (None, None, cotangent), x=x)["parameters"]
    heads = {name: np.asarray(as_array(g)) for name, g in grads.items()
             if np.asarray(as_array(g)).shape == (LATENT, 100)}
    expect(len(heads) == 2, f"VAE() should have two heads Linear(100, 10) (mean and log-variance); its parameters "
           f"of shape (10, 100) are {sorted(heads)}.", inputs=inputs)
    dead = sorted(name for name, g in heads.items() if not np.any(g != 0))
    observe("gradient norms from x_hat: " + ", ".join(f"{k} {np.linalg.norm(v):.3g}" for k, v in heads.items()))
    expect(not dead, f"backpropagating from x_hat alone leaves no gradient on {', '.join(dead)}: the sample z must be "
           f"computed inside the graph, z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu), so that the "
           f"reconstruction loss trains both heads (not under torch.no_grad(), not detached, not torch.normal).",
           inputs=inputs)


# --- E2: generate ------------------------------------------------------------------------------------------
BATCHNORM_HINT = ("BatchNorm1d cannot compute batch statistics of a single sample in train mode (\"Expected more "
                  "than 1 value per channel when training\"): call model.eval() before decoding.")


def generated(sub, n: int, what: str) -> np.ndarray:
    inputs = {"model": "a new VAE() of yours, in train mode", "n": n}
    try:
        out = sub.function("generate")(model=sub.new("VAE"), n=n)
    except StudentCodeRaised as exc:
        hint = BATCHNORM_HINT if "more than 1 value" in str(exc) else ""
        fail(f"{what}: {exc}. {hint}".strip(), inputs=inputs)
        raise
    images = numbers(out, what, inputs)
    expect(images.shape == (n, 1, 28, 28), f"{what} should return images ({n}, 1, 28, 28); it returned shape "
           f"{images.shape}.", inputs=inputs)
    expect_pixels(images, what, inputs)
    return images


@check("generate.batch-of-one")
def generate_batch_of_one(sub):
    """The manual's generate_digit decodes one sample with the model still in train mode, where
    BatchNorm1d raises: generate must switch the model to eval mode."""
    generated(sub, 1, "generate(model, n=1) with the model in train mode")


@check("generate.samples")
@given(n=st.integers(2, 8))
def generate_samples(sub, n):
    images = generated(sub, n, f"generate(model, n={n})").reshape(n, -1).astype(np.float64)
    spread = float(np.max(np.abs(images - images[0])))
    observe(f"{n} images, largest difference from the first {spread:.3g}")
    expect(spread > 1e-4, f"generate(model, n={n}) returned {n} identical images: decode {n} different codes z drawn "
           f"from N(0, I) (torch.randn(n, 10)).", inputs={"n": n})
