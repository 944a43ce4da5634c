"""torchvision.transforms as far as Lab 8 needs it (see the package's docstring)."""

from . import functional
from .transforms import Compose, Normalize, RandomHorizontalFlip, RandomRotation, ToPILImage, ToTensor

__all__ = ["Compose", "Normalize", "RandomHorizontalFlip", "RandomRotation", "ToPILImage", "ToTensor", "functional"]
