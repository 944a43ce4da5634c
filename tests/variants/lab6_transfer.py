"""Mutants of reference/lab6_transfer.py: one known mistake each, and the checks that must catch it.

Seven are the catalog's real bugs for this lab (seed 003, sections 7 and 12): ``torch.load`` of a whole
pickled model under torch 2.13's default ``weights_only=True`` (an UnpicklingError), resuming without
``optimizer.load_state_dict`` (only SGD with momentum shows it: the catalog measured a 0.073 difference),
an optimizer over every parameter, frozen ones included, AlexNet's classifier[6] left with 1000 outputs,
ResNet-18's batch-norm layers left trainable, the "best" checkpoint saved after every epoch (so it holds
the last), and a checkpoint without its epoch and loss. The others are the slips these exercises invite.
The alternatives, which must score 100 %, are in lab6_transfer_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .lab6_transfer_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab6_transfer.py"

_mutant = mutant_maker("lab6-transfer")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


# The catalog's real bugs of Lab 6, by mutant name (tests/test_lab6_transfer_suite.py holds them to it).
REAL_BUGS = {
    "load_full_weights_only_default": ("full.roundtrip", "full.fine-tune"),
    "resume_without_optimizer_state": ("checkpoint.resume",),
    "optimizer_over_all_parameters": ("optimizer.trainable-only",),
    "alexnet_head_not_replaced": ("alexnet.head",),
    "resnet_batchnorm_trainable": ("resnet.frozen",),
    "best_saved_every_epoch": ("best.min-val-loss",),
    "checkpoint_without_epoch_and_loss": ("checkpoint.roundtrip",),
}

MUTANTS = (
    _mutant("load_full_weights_only_default", "torch.load(path) of a pickled module: torch >= 2.6 defaults to "
            "weights_only=True, an UnpicklingError", REAL_BUGS["load_full_weights_only_default"],
            load_full=_changed("load_full", "torch.load(path, weights_only=False)", "torch.load(path)")),
    _mutant("resume_without_optimizer_state", "load_checkpoint restores the model but not the optimizer",
            REAL_BUGS["resume_without_optimizer_state"],
            load_checkpoint=_changed("load_checkpoint", '    optimizer.load_state_dict(checkpoint["optimizer_state"])\n',
                                     "")),
    _mutant("optimizer_over_all_parameters", "SGD(model.parameters()): the frozen parameters are in the optimizer too",
            REAL_BUGS["optimizer_over_all_parameters"],
            make_optimizer=_changed("make_optimizer", "[p for p in model.parameters() if p.requires_grad]",
                                    "model.parameters()")),
    _mutant("alexnet_head_not_replaced", "classifier[6] keeps torchvision's 1000 outputs",
            REAL_BUGS["alexnet_head_not_replaced"],
            build_alexnet_2class=_changed("build_alexnet_2class", "    model.classifier[6] = nn.Linear(4096, 2)\n", "")),
    _mutant("resnet_batchnorm_trainable", "only the convolutions are frozen: the batch-norm layers still train",
            REAL_BUGS["resnet_batchnorm_trainable"],
            build_resnet18_2class=_changed("build_resnet18_2class",
                                           "        for p in model.parameters():\n            p.requires_grad = False",
                                           "        for m in model.modules():\n"
                                           "            if isinstance(m, nn.Conv2d):\n"
                                           "                m.weight.requires_grad = False")),
    _mutant("best_saved_every_epoch", "train_with_best saves after every epoch, so best_path holds the last",
            REAL_BUGS["best_saved_every_epoch"],
            train_with_best=_changed("train_with_best", "        if loss < best:\n            best = loss\n"
                                     "            save_checkpoint(best_path, model, optimizer, epoch + 1, loss)",
                                     "        best = min(best, loss)\n"
                                     "        save_checkpoint(best_path, model, optimizer, epoch + 1, loss)")),
    _mutant("checkpoint_without_epoch_and_loss", "the checkpoint holds the two state_dicts only; load_checkpoint "
            "returns defaults", REAL_BUGS["checkpoint_without_epoch_and_loss"],
            save_checkpoint=_changed("save_checkpoint", '{"epoch": epoch, "loss": loss, "model_state"', '{"model_state"'),
            load_checkpoint=_changed("load_checkpoint", 'return checkpoint["epoch"], checkpoint["loss"]',
                                     'return checkpoint.get("epoch", 0), checkpoint.get("loss")')),
    _mutant("evaluate_fraction", "evaluate returns the fraction correct, not the percentage", ("evaluate.accuracy",),
            evaluate=_changed("evaluate", "return 100.0 * correct / total", "return correct / total")),
    _mutant("evaluate_mean_of_batch_accuracies", "evaluate averages the batches' accuracies, so the smaller last "
            "batch counts as much as a full one", ("evaluate.accuracy",),
            evaluate=_changed("evaluate", "            correct += int((predicted == labels).sum())\n"
                              "            total += int(labels.shape[0])\n    return 100.0 * correct / total",
                              "            correct += float((predicted == labels).float().mean())\n"
                              "            total += 1\n    return 100.0 * correct / total")),
    _mutant("alexnet_features_not_frozen", "freeze_features is ignored: every layer trains", ("alexnet.frozen",),
            build_alexnet_2class=_changed("build_alexnet_2class", "    if freeze_features:\n", "    if False:\n")),
    _mutant("load_full_frozen_for_inference", "load_full switches off requires_grad on the loaded model, so it "
            "cannot be fine-tuned", ("full.fine-tune",),
            load_full=_changed("load_full", "    return torch.load(path, weights_only=False)",
                               "    model = torch.load(path, weights_only=False)\n"
                               "    model.requires_grad_(False)\n    return model")),
    _mutant("cnn_hidden_32", "the classification head is 64 -> 32 -> 10, not Lab 5's 64 -> 20 -> 10", ("cnn.shape",),
            CNNClassifier=_changed("CNNClassifier", "nn.Linear(64, 20), nn.ReLU(), nn.Linear(20, 10)",
                                   "nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)")),
    _mutant("resnet_fc_ten_classes", "fc = nn.Linear(512, 10): the wrong number of classes", ("resnet.head",),
            build_resnet18_2class=_changed("build_resnet18_2class", "nn.Linear(model.fc.in_features, 2)",
                                           "nn.Linear(model.fc.in_features, 10)")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REAL_BUGS", "REFERENCE"]
