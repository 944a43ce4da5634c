"""A small stand-in for torchvision in the grading environment of lab8-regularization.

The grader runs on the CPU build of torch, against which no installable torchvision wheel imports,
so this package takes its place: the worker that runs a submission has this folder on its import
path, and ``import torchvision``, ``from torchvision import transforms as T`` and
``import torchvision.transforms as transforms`` run unchanged. It holds only what Lab 8 uses, with
torchvision's names, arguments and module layout: ``torchvision.transforms`` (Compose, ToTensor,
Normalize, RandomHorizontalFlip, RandomRotation, ToPILImage) and ``torchvision.transforms.functional``.

Random transforms draw from torch's global generator (``torch.rand``), as torchvision's do, so
``torch.manual_seed`` makes them repeat.
"""

from . import transforms

__version__ = "0.28.0+lab8standin"

__all__ = ["transforms"]
