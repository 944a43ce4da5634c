"""A stand-in for torchvision in the grading environment of lab6-transfer.

The grading machines run the CPU build of torch 2.13.0, and no torchvision wheel that installs there
imports against it. This package replaces the small part of torchvision's public API that Lab 6 uses,
with torchvision's module layout and names, so that a student's ``import torchvision.models as models``
or ``from torchvision import transforms as T`` runs unchanged:

- ``torchvision.models.alexnet(weights=None, num_classes=1000)`` and ``resnet18(weights=None, num_classes=1000)``,
  the same layers under the same names (``features``, ``avgpool``, ``classifier``; ``conv1``, ``bn1``,
  ``layer1`` … ``layer4``, ``fc``) and the same parameter counts (61,100,840 and 11,689,512);
- ``AlexNet_Weights`` and ``ResNet18_Weights`` with ``IMAGENET1K_V1`` and ``DEFAULT``. **Pretrained weights
  cannot be downloaded in the grading environment**: asking for them builds the model with random
  weights and says so in a ``UserWarning`` (nothing the grader checks depends on the weights' values);
- ``torchvision.transforms``: ``Compose``, ``ToTensor``, ``Normalize``, ``Resize``, ``CenterCrop``,
  ``RandomHorizontalFlip`` on tensors (C, H, W) or (N, C, H, W), numpy images and PIL images;
- ``torchvision.datasets``: the names only (``MNIST``, ``FashionMNIST``, ``ImageFolder``); constructing one
  raises, since nothing is downloaded or read from disk at grading time.
"""

from . import datasets, models, transforms

__version__ = "0.28.0+grader.standin"
__all__ = ["datasets", "models", "transforms"]
