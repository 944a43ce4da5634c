"""The grading suite of lab6-transfer: one ``@check`` per check in assignments/lab6-transfer/assignment.toml.

Models live in the student's worker. The suite builds them with the student's own functions, loads
its weights into them (grader.harness.load_parameters), trains them with its own loop
(grader.harness.train_steps) or the student's ``train_one_epoch`` where an optimizer's state must
last from one call to the next, and reads their parameters back to compare. Files are written and
read by the student's code only, in the worker; the grading process never unpickles anything.
AlexNet and ResNet-18 (torchvision stood in for by the assignment's support package) are built at
most once per check and run on one or two small batches: their layers' sizes are read from the
layers' attributes, never by copying 57 million weights.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab6_transfer_private.py

import math
import os
import tempfile
from typing import Any, Mapping

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.submission import Instance, Make
from grader.suite import check, expect, fail, load_private, load_sibling, observe

data = load_sibling(__file__, "lab6_transfer_data")
private = load_private(__file__, "lab6_transfer_private")   # what computes answers: never sent to students

# The catalog's counts (torchvision's layouts): AlexNet 61,100,840 with 1000 classes, 57,012,034 with
# classifier[6] = Linear(4096, 2), 54,542,338 of them outside `features`; ResNet-18 11,689,512 and
# 11,177,538 with fc = Linear(512, 2), of which fc's 1,026. Lab 5's CNNClassifier has 149,798.
ALEXNET_2CLASS, ALEXNET_TRAINABLE = 57_012_034, 54_542_338
RESNET_2CLASS = 11_177_538
CNN_PARAMETERS = 149_798

# SGD with momentum, so that an optimizer whose state is not saved and restored is caught (plain SGD
# has no state); lr small enough that ten epochs on the grader's batches stay finite.
LR, MOMENTUM = 0.02, 0.9


# --- shared --------------------------------------------------------------------------------------
def scratch(name: str) -> str:
    """A file name for the student's code to write, in its own /tmp (a worker's is private)."""
    return os.path.join(tempfile.gettempdir(), f"lab6-transfer-{os.getpid()}-{name}")


def forget(path: str) -> None:
    """Remove a file written by code run in this process (grading in-process); a worker's /tmp dies with it."""
    if os.path.exists(path):
        os.remove(path)


def is_data(value: Any) -> bool:
    """Whether a result came back as plain data (a dict, a number, None...) rather than an object."""
    return value is None or isinstance(value, (dict, list, tuple, str, bytes, int, float, np.ndarray, torch.Tensor))


def module_of(sub, value: Any, what: str) -> Instance:
    """The student's returned module as an Instance, or a failure saying what came back instead."""
    if is_data(value):
        fail(f"{what} should return the torch module; it returned {describe(value)}.")
    return Instance(sub, "CNNClassifier", value)


def requires_grad(value: Any) -> bool:
    """Whether a tensor read from the student's model requires grad (over the wire: its flag)."""
    info = getattr(value, "grader_info", None)
    return bool(info.requires_grad) if info is not None else bool(getattr(value, "requires_grad", False))


def numbers(value: Any) -> np.ndarray:
    """A tensor, array or Python number as a numpy array."""
    array = as_array(value)
    return np.asarray(array if array is not None else value)


def drawn_values(shapes: Mapping[str, Any], seed: int) -> dict[str, torch.Tensor]:
    """The grader's values for parameters of these shapes: N(0, 1/fan_in), so activations stay O(1)."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, value in shapes.items():
        shape = numbers(value).shape
        scale = 1.0 / math.sqrt(math.prod(shape[1:])) if len(shape) > 1 else 0.1
        values[name] = torch.from_numpy((scale * rng.standard_normal(shape)).astype(np.float32))
    return values


def cnn_with_values(sub, seed: int) -> tuple[Instance, dict[str, torch.Tensor]]:
    """A CNNClassifier of the student's holding the grader's values drawn from ``seed``."""
    model = sub.new("CNNClassifier")
    values = drawn_values(model.parameters(), seed)
    sub.harness("load_parameters")(model=model, values=values)
    return model, values


def batches(x: np.ndarray, y: np.ndarray, size: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """A loader as the grader passes one: a list of (images, labels) batches in a fixed order."""
    return [(torch.from_numpy(x[i:i + size]), torch.from_numpy(y[i:i + size])) for i in range(0, len(y), size)]


def differences(actual: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """The parameters (by name) whose values are not bit-for-bit the expected ones, with the largest gap."""
    found = []
    for name, value in expected.items():
        mine = actual.get(name)
        a, e = (None if mine is None else numbers(mine)), numbers(value)
        if a is None or a.shape != e.shape:
            found.append(f"{name} is {'missing' if a is None else f'of shape {a.shape}, not {e.shape}'}")
        elif not np.array_equal(a, e):
            found.append(f"{name} differs by up to {float(np.max(np.abs(a.astype(np.float64) - e))):.3g}")
    return found


def expect_same_parameters(actual: Mapping[str, Any], expected: Mapping[str, Any], message: str) -> None:
    gaps = differences(actual, expected)
    expect(not gaps, lambda: f"{message}: {'; '.join(gaps[:3])}" + (f" (and {len(gaps) - 3} more)" if len(gaps) > 3
                                                                    else "") + ".")


# --- Lab 5's CNNClassifier, reused ----------------------------------------------------------------
@check("cnn.shape")
@given(batch=st.integers(1, 6), seed=st.integers(0, 2 ** 16))
def cnn_shape(sub, batch, seed):
    model = sub.new("CNNClassifier")
    count = sum(numbers(v).size for v in model.parameters().values())
    expect(count == CNN_PARAMETERS, f"CNNClassifier() has {count:,} parameters; Lab 5's network (conv 1->64, "
           f"64->128, 128->64, all 3x3, each followed by ReLU and 2x2 max pooling; Linear(64, 20), ReLU, "
           f"Linear(20, 10)) has {CNN_PARAMETERS:,}.")
    x = torch.from_numpy(np.random.default_rng(seed).standard_normal((batch, 1, 28, 28)).astype(np.float32))
    out = numbers(sub.harness("evaluate")(model=model, inputs=x))
    expect(out.shape == (batch, 10), f"CNNClassifier()(x) for x of shape {tuple(x.shape)} has shape {out.shape}; "
           f"expected ({batch}, 10): one row of 10 scores per image, whatever the batch size (flatten with "
           f"x.size(0) or flatten(1), not a global batch_size).", inputs={"x": x})


# --- E1: the whole model saved and loaded ---------------------------------------------------------
@check("full.roundtrip")
@given(seed=st.integers(0, 2 ** 16))
def full_roundtrip(sub, seed):
    model, values = cnn_with_values(sub, seed)
    path = scratch(f"full-{seed}.pt")
    try:
        sub.function("save_full")(model=model, path=path)
        loaded = module_of(sub, sub.function("load_full")(path=path), "load_full(path)")
        expect_same_parameters(loaded.parameters(), values, "the model load_full returns should hold the saved "
                               "model's parameters bit for bit (torch.equal for every tensor of its state_dict)")
    finally:
        forget(path)


# Pretraining and fine-tuning are the grader's loop (Adam, lr 3e-3, batches of 16: 15 steps on the digits,
# 50 on the second task, on one CPU thread, about 1.1 s of CPU in all), from the student's CNNClassifier as
# it initialises itself (torch seeded by the grader for this check, so a submission gets the same verdict
# every time). The bar, a 10-point gain over zero-shot: over 60 seeds of the reference's initialisation,
# zero-shot accuracy was 0-27 % and fine-tuned 37-100 %, a gain of 29-97 points (median 83; the three lowest
# 29, 51, 66). No seed came near the bar, but 60 seeds bound a correct model's failure rate only below ~5 %
# (rule of three); 1e-4 is not shown. A model that cannot be fine-tuned (frozen on loading) gains nothing.
PRETRAIN = {"loss": "cross_entropy", "optimizer": "Adam", "lr": 3e-3, "steps": 15, "batch_size": 16, "budget_s": 10.0}
FINE_TUNE = {**PRETRAIN, "steps": 50}
FINE_TUNE_GAIN = 10.0


@check("full.fine-tune")
def full_fine_tune(sub):
    digits, fashion = data.task("digits"), data.task("fashion")
    model = sub.new("CNNClassifier")
    sub.harness("train_steps")(model=model, inputs=digits.train_x, targets=digits.train_y, seed=0, **PRETRAIN)
    pretrained = model.parameters()
    path = scratch("pretrained.pt")
    try:
        sub.function("save_full")(model=model, path=path)
        loaded = module_of(sub, sub.function("load_full")(path=path), "load_full(path)")
    finally:
        forget(path)
    expect_same_parameters(loaded.parameters(), pretrained, "the loaded model should start from the pretrained "
                           "weights")

    def accuracy() -> float:
        return private.accuracy_percent(numbers(sub.harness("evaluate")(model=loaded, inputs=fashion.test_x)),
                                        fashion.test_y)

    zero_shot = accuracy()
    run = sub.harness("train_steps")(model=loaded, inputs=fashion.train_x, targets=fashion.train_y, seed=1,
                                     **FINE_TUNE)
    tuned = accuracy()
    observe(f"on {len(fashion.test_y)} held-out images of the second task: zero-shot {zero_shot:.1f} %, "
            f"fine-tuned {tuned:.1f} % after {run['steps']} steps")
    expect(tuned >= zero_shot + FINE_TUNE_GAIN, f"fine-tuning the loaded model on the second task ({run['steps']} "
           f"steps of the grader's loop: Adam, lr 3e-3, batches of 16) took its held-out accuracy from "
           f"{zero_shot:.1f} % to {tuned:.1f} %; at least {FINE_TUNE_GAIN:g} points better than zero-shot is "
           f"expected. Does the model load_full returns still have parameters that require grad?")


# --- evaluate(model, loader) ----------------------------------------------------------------------
@st.composite
def evaluate_cases(draw) -> dict[str, int]:
    return {"n": draw(st.integers(7, 30)), "batch_size": draw(st.integers(3, 8)), "seed": draw(st.integers(0, 2 ** 16))}


@check("evaluate.accuracy")
@given(case=evaluate_cases())
def evaluate_accuracy(sub, case):
    model, _ = cnn_with_values(sub, case["seed"])
    rng = np.random.default_rng(case["seed"] + 1)
    x = rng.standard_normal((case["n"], 1, 28, 28)).astype(np.float32)
    scores = numbers(sub.harness("evaluate")(model=model, inputs=x))
    # about half the labels are the model's own predictions, so the accuracy is neither 0 nor 100
    y = np.where(rng.random(case["n"]) < 0.5, scores.argmax(axis=1), rng.integers(0, 10, case["n"])).astype(np.int64)
    expected = private.accuracy_percent(scores, y)
    loader = batches(x, y, case["batch_size"])
    inputs = {"images": f"({case['n']}, 1, 28, 28)", "batch_size": case["batch_size"],
              "last batch": case["n"] - (len(loader) - 1) * case["batch_size"]}
    out = numbers(sub.function("evaluate")(model=model, loader=loader))
    if out.size != 1 or not np.issubdtype(out.dtype, np.number):
        fail(f"evaluate(model, loader) should return one number, the accuracy in percent; it returned "
             f"{describe(out)}.", inputs=inputs)
    got = float(out.reshape(()))
    if abs(got - expected) <= 1e-6 * max(1.0, expected):
        return
    hint = (" That is the fraction: multiply by 100." if abs(got * 100 - expected) <= 1e-4 * max(1.0, expected) else
            " Count the images of every batch (the last one is smaller) and divide by their total." )
    fail(f"evaluate(model, loader) returned {got:.6g}; {expected:.6g} % of the {case['n']} images are classified "
         f"correctly (argmax of the scores against the labels).{hint}", inputs=inputs)


# --- E2: AlexNet as a two-class classifier --------------------------------------------------------
def children(sub, module: Instance) -> dict[str, Instance]:
    mods = module.get("_modules")
    return {name: Instance(sub, "build_alexnet_2class", handle)
            for name, handle in (mods.items() if isinstance(mods, Mapping) else []) if handle is not None}


def layer_size(layer: Instance) -> int | None:
    """Parameters of a Linear, Conv2d or BatchNorm2d layer, from its attributes (None for other layers)."""
    bias = 0 if layer.has("bias") and layer.get("bias") is None else 1
    if layer.has("in_features") and layer.has("out_features"):
        out = int(layer.get("out_features"))
        return int(layer.get("in_features")) * out + bias * out
    if layer.has("kernel_size") and layer.has("out_channels"):
        out, groups = int(layer.get("out_channels")), int(layer.get("groups"))
        return out * int(layer.get("in_channels")) // groups * math.prod(layer.get("kernel_size")) + bias * out
    if layer.has("num_features"):
        return 2 * int(layer.get("num_features")) if layer.get("affine") else 0
    return None


def total_parameters(sub, module: Instance) -> int:
    subs = children(sub, module)
    own = layer_size(module) if not subs else None
    if own is not None:
        return own
    return sum(total_parameters(sub, child) for child in subs.values()) + (
        0 if subs else sum(numbers(v).size for v in (module.get("_parameters") or {}).values()))


def alexnet(sub) -> tuple[Instance, dict[str, Instance], dict[str, Instance]]:
    model = module_of(sub, sub.function("build_alexnet_2class")(pretrained=False, freeze_features=True),
                      "build_alexnet_2class(pretrained=False, freeze_features=True)")
    parts = children(sub, model)
    if "features" not in parts or "classifier" not in parts:
        fail(f"the model should keep torchvision's AlexNet layout, `features` and `classifier` (it has: "
             f"{', '.join(parts) or 'no submodules'}); replace classifier[6], do not rebuild the network.")
    return model, children(sub, parts["features"]), children(sub, parts["classifier"])


@check("alexnet.head")
@given(batch=st.integers(1, 2), seed=st.integers(0, 2 ** 16))
def alexnet_head(sub, batch, seed):
    model, _, classifier = alexnet(sub)
    last = classifier.get("6")
    if last is None or not last.has("out_features"):
        fail("classifier[6] should be nn.Linear(4096, 2); the model's classifier has no Linear layer at index 6.")
    shape = (int(last.get("in_features")), int(last.get("out_features")))
    expect(shape == (4096, 2), f"classifier[6] is Linear{shape}; it should be Linear(4096, 2): two classes, cats "
           f"and dogs: replace model.classifier[6] by nn.Linear(4096, 2).")
    count = total_parameters(sub, model)
    expect(count == ALEXNET_2CLASS, f"the two-class AlexNet has {count:,} parameters; torchvision's AlexNet with "
           f"classifier[6] = Linear(4096, 2) has {ALEXNET_2CLASS:,} (61,100,840 - 4,097,000 + 8,194).")
    x = torch.from_numpy(np.random.default_rng(seed).standard_normal((batch, 3, 224, 224)).astype(np.float32))
    out = numbers(sub.harness("evaluate")(model=model, inputs=x))
    expect(out.shape == (batch, 2), f"model(x) for x of shape {tuple(x.shape)} has shape {out.shape}; expected "
           f"({batch}, 2).", inputs={"x": f"{tuple(x.shape)}"})


def flags(layers: Mapping[str, Instance], names: tuple[str, ...]) -> dict[str, bool]:
    """requires_grad of each named parameter (weight, bias) the layers have, by dotted name."""
    found = {}
    for index, layer in layers.items():
        for name in names:
            if layer.has(name) and layer.get(name) is not None:
                found[f"{index}.{name}"] = requires_grad(layer.get(name))
    return found


@check("alexnet.frozen")
def alexnet_frozen(sub):
    _, features, classifier = alexnet(sub)
    features_flags = flags(features, ("weight", "bias"))
    trainable = sorted(f"features.{n}" for n, on in features_flags.items() if on)
    expect(features_flags and not trainable, f"with freeze_features=True every parameter of `features` should have "
           f"requires_grad False; {', '.join(trainable[:4])} still require grad.")
    # the classifier's large weights are not copied out: their biases (and the new layer's weight) tell
    head_flags = flags(classifier, ("bias",)) | {f"{k}": v for k, v in flags({"6": classifier["6"]}, ("weight",)).items()}
    frozen = sorted(f"classifier.{n}" for n, on in head_flags.items() if not on)
    expect(head_flags and not frozen, f"the classifier is what is fine-tuned: {', '.join(frozen)} should require "
           f"grad (freeze `features` only, and replace classifier[6] after freezing or leave it trainable).")
    observe(f"features frozen ({len(features_flags)} tensors), classifier trainable ({len(head_flags)} tensors checked)")


# --- A1: ResNet-18, frozen, with a new fc ---------------------------------------------------------
def resnet(sub) -> Instance:
    return module_of(sub, sub.function("build_resnet18_2class")(freeze=True), "build_resnet18_2class(freeze=True)")


@check("resnet.head")
def resnet_head(sub):
    model = resnet(sub)
    parts = children(sub, model)
    fc = parts.get("fc")
    if fc is None or not fc.has("out_features"):
        fail("the model should have torchvision's `fc`, replaced by nn.Linear(512, 2).")
    shape = (int(fc.get("in_features")), int(fc.get("out_features")))
    expect(shape == (512, 2), f"fc is Linear{shape}; it should be Linear(512, 2): two classes, ants and bees.")
    count = total_parameters(sub, model)
    expect(count == RESNET_2CLASS, f"the two-class ResNet-18 has {count:,} parameters; torchvision's ResNet-18 "
           f"with fc = Linear(512, 2) has {RESNET_2CLASS:,} (11,689,512 - 513,000 + 1,026).")


def one_training_step(sub, model: Instance, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model's parameters before and after one step of the grader's SGD on a batch of 4 images."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4, 3, 32, 32)).astype(np.float32)
    y = np.array([0, 1, 0, 1], dtype=np.int64)
    before = model.parameters()
    sub.harness("train_steps")(model=model, inputs=x, targets=y, loss="cross_entropy", optimizer="SGD", lr=0.5,
                               steps=1, seed=seed)
    return before, model.parameters()


@check("resnet.frozen")
@given(seed=st.integers(0, 2 ** 16))
def resnet_frozen(sub, seed):
    before, after = one_training_step(sub, resnet(sub), seed)
    moved = sorted(n for n in before if n in after and not np.array_equal(numbers(before[n]), numbers(after[n])))
    backbone = [n for n in moved if not n.startswith("fc.")]
    batchnorm = [n for n in backbone if ".bn" in n or n.startswith("bn") or "downsample.1" in n]
    expect(not backbone, f"one training step changed {len(backbone)} parameters of the backbone, which "
           f"freeze=True should leave bit-identical: {', '.join(backbone[:4])}"
           + (" — batch-norm layers have weights too: set requires_grad = False on every parameter of the model, "
              "not only the convolutions'" if batchnorm else "") + ".")
    still = sorted(n for n in after if n.startswith("fc.") and n not in moved)
    expect(not still, f"one training step left {', '.join(still)} unchanged: the new fc is what is trained, so it "
           f"must require grad (replace fc after freezing the model, or leave it trainable).")
    observe(f"one SGD step changed {sum(numbers(after[n]).size for n in moved):,} values, all in fc")


# --- the optimizer over the trainable parameters ------------------------------------------------
@check("optimizer.trainable-only")
def optimizer_trainable_only(sub):
    model = resnet(sub)
    optimizer = sub.function("make_optimizer")(model=model, lr=LR, momentum=MOMENTUM)
    if is_data(optimizer):
        fail(f"make_optimizer(model, lr, momentum) should return a torch optimizer; it returned {describe(optimizer)}.")
    groups = Instance(sub, "make_optimizer", optimizer).get("param_groups")
    held = [p for group in groups for p in group.get("params", [])]
    frozen = [tuple(numbers(p).shape) for p in held if not requires_grad(p)]
    expect(not frozen, f"the optimizer holds {len(frozen)} parameters that do not require grad (shapes "
           f"{', '.join(map(str, frozen[:3]))}...): build it over the trainable ones only, "
           f"[p for p in model.parameters() if p.requires_grad].")
    settings = [(group.get("lr"), group.get("momentum")) for group in groups]
    expect(all(s == (LR, MOMENTUM) for s in settings), f"make_optimizer(model, lr={LR}, momentum={MOMENTUM}) "
           f"should be SGD with that lr and momentum; its parameter groups have (lr, momentum) {settings}.")
    before, after = one_training_step(sub, model, 0)
    trainable = sorted(tuple(numbers(after[n]).shape) for n in before if not np.array_equal(numbers(before[n]),
                                                                                           numbers(after[n])))
    shapes = sorted(tuple(numbers(p).shape) for p in held)
    expect(shapes == trainable, f"the optimizer holds parameters of shapes {shapes}; the model's trainable "
           f"parameters (those a training step changes) have shapes {trainable}.")


# --- E3: checkpoints ------------------------------------------------------------------------------
@check("checkpoint.roundtrip")
@given(seed=st.integers(0, 2 ** 16), epoch=st.integers(1, 20),
       loss=st.floats(0.01, 5.0, allow_nan=False).map(lambda v: round(v, 6)))
def checkpoint_roundtrip(sub, seed, epoch, loss):
    model, values = cnn_with_values(sub, seed)
    path = scratch(f"checkpoint-{seed}.pt")
    inputs = {"epoch": epoch, "loss": loss}
    try:
        sub.function("save_checkpoint")(path=path, model=model, optimizer=sub.function("make_optimizer")(
            model=model, lr=LR, momentum=MOMENTUM), epoch=epoch, loss=loss)
        other, _ = cnn_with_values(sub, seed + 1)
        restored = sub.function("load_checkpoint")(path=path, model=other, optimizer=sub.function("make_optimizer")(
            model=other, lr=LR, momentum=MOMENTUM))
    finally:
        forget(path)
    expect_same_parameters(other.parameters(), values, "load_checkpoint(path, model, optimizer) should put the saved "
                           "state_dict into `model`")
    if not isinstance(restored, (tuple, list)) or len(restored) != 2:
        fail(f"load_checkpoint should return (epoch, loss); it returned {describe(restored)}.", inputs=inputs)
    got_epoch, got_loss = (numbers(v) if v is not None else None for v in restored)
    ok = (got_epoch is not None and got_loss is not None and got_epoch.size == 1 and got_loss.size == 1
          and float(got_epoch) == epoch and math.isclose(float(got_loss), loss, rel_tol=1e-6))
    expect(ok, f"load_checkpoint returned (epoch, loss) = ({describe(restored[0])}, {describe(restored[1])}); "
           f"save_checkpoint was given epoch={epoch}, loss={loss}: save both in the checkpoint and return them.",
           inputs=inputs)


def train_epochs(sub, model: Instance, optimizer: Any, loader: list, epochs: int) -> None:
    for _ in range(epochs):
        sub.function("train_one_epoch")(model=model, loader=loader, optimizer=optimizer,
                                        loss_fn=Make.of("CrossEntropyLoss"))


def resume_data(seed: int) -> list:
    digits = data.task("digits")
    start = seed % (len(digits.train_y) - 24)
    return batches(digits.train_x[start:start + 24], digits.train_y[start:start + 24], 8)


@check("checkpoint.resume")
@given(seed=st.integers(0, 2 ** 16), first=st.integers(1, 3))
def checkpoint_resume(sub, seed, first):
    loader, total = resume_data(seed), 5
    straight, _ = cnn_with_values(sub, seed)
    train_epochs(sub, straight, sub.function("make_optimizer")(model=straight, lr=LR, momentum=MOMENTUM), loader, total)
    expected = straight.parameters()

    interrupted, _ = cnn_with_values(sub, seed)
    optimizer = sub.function("make_optimizer")(model=interrupted, lr=LR, momentum=MOMENTUM)
    train_epochs(sub, interrupted, optimizer, loader, first)
    path = scratch(f"resume-{seed}.pt")
    try:
        sub.function("save_checkpoint")(path=path, model=interrupted, optimizer=optimizer, epoch=first, loss=0.5)
        resumed, _ = cnn_with_values(sub, seed + 1)
        optimizer = sub.function("make_optimizer")(model=resumed, lr=LR, momentum=MOMENTUM)
        sub.function("load_checkpoint")(path=path, model=resumed, optimizer=optimizer)
    finally:
        forget(path)
    train_epochs(sub, resumed, optimizer, loader, total - first)
    gaps = differences(resumed.parameters(), expected)
    expect(not gaps, lambda: f"{first} epochs, save_checkpoint, load_checkpoint into a new model and optimizer, "
           f"then {total - first} epochs should give the parameters of {total} epochs without a break, bit for bit "
           f"(SGD with momentum {MOMENTUM}, the same batches in the same order): {'; '.join(gaps[:2])}. Restore the "
           f"optimizer's state too (optimizer.load_state_dict): its momentum buffers are part of where training "
           f"stands.", inputs={"epochs before saving": first, "after loading": total - first})


# --- the best checkpoint by validation loss ------------------------------------------------------
BEST_EPOCHS = 4


@check("best.min-val-loss")
@given(seed=st.integers(0, 2 ** 16))
def best_min_val_loss(sub, seed):
    train = resume_data(seed)
    # the validation labels are the training images' shifted by one class: the better the model fits the
    # training set, the worse its validation loss, so the best epoch is not the last
    val_x = torch.cat([x for x, _ in train]).numpy()
    val_y = (torch.cat([y for _, y in train]).numpy() + 1) % 10
    val = batches(val_x, val_y, 8)
    model, _ = cnn_with_values(sub, seed)
    optimizer = sub.function("make_optimizer")(model=model, lr=LR, momentum=MOMENTUM)
    after_epoch, losses = [], []
    for _ in range(BEST_EPOCHS):
        train_epochs(sub, model, optimizer, train, 1)
        after_epoch.append(model.parameters())
        losses.append(private.cross_entropy(numbers(sub.harness("evaluate")(model=model, inputs=val_x)), val_y))
    best = int(np.argmin(losses))

    model, _ = cnn_with_values(sub, seed)
    path = scratch(f"best-{seed}.pt")
    try:
        sub.function("train_with_best")(model=model, optimizer=sub.function("make_optimizer")(
            model=model, lr=LR, momentum=MOMENTUM), loss_fn=Make.of("CrossEntropyLoss"), train_loader=train,
            val_loader=val, epochs=BEST_EPOCHS, best_path=path)
        saved, _ = cnn_with_values(sub, seed + 1)
        sub.function("load_checkpoint")(path=path, model=saved, optimizer=sub.function("make_optimizer")(
            model=saved, lr=LR, momentum=MOMENTUM))
    finally:
        forget(path)
    held = saved.parameters()
    matching = [e for e, params in enumerate(after_epoch) if not differences(held, params)]
    shown = ", ".join(f"{v:.4f}" for v in losses)
    observe(f"validation loss after each of {BEST_EPOCHS} epochs: {shown}; the best is epoch {best + 1}")
    expect(matching == [best] or best in matching, f"the checkpoint at best_path should hold the parameters after "
           f"epoch {best + 1}, whose validation loss is the lowest ({shown}); it holds "
           + (f"those after epoch {matching[0] + 1}" if matching else "the parameters of no epoch's end")
           + (": save only when the validation loss is below the best so far." if matching else
              ": save model.state_dict() after the epoch whose validation loss is a new minimum."),
           inputs={"epochs": BEST_EPOCHS})
