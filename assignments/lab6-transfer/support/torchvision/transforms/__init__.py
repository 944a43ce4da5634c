"""torchvision.transforms in the grading environment: the transforms Lab 6's pipelines use."""

from .transforms import CenterCrop, Compose, Normalize, RandomHorizontalFlip, Resize, ToTensor

__all__ = ["CenterCrop", "Compose", "Normalize", "RandomHorizontalFlip", "Resize", "ToTensor"]
