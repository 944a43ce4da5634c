"""torchvision.transforms' classes that Lab 8 uses, as in torchvision: each is called on one image,
a PIL image or a tensor (..., C, H, W); the random ones draw from torch's global generator."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from . import functional as F

__all__ = ["Compose", "Normalize", "RandomHorizontalFlip", "RandomRotation", "ToPILImage", "ToTensor"]


class Compose:
    """Apply ``transforms`` one after the other."""

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]):
        self.transforms = list(transforms)

    def __call__(self, img: Any) -> Any:
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({body}\n)"


class ToTensor:
    """A PIL image or numpy array (H, W, C) as a float tensor (C, H, W), uint8 scaled to [0, 1]."""

    def __call__(self, pic: Any) -> torch.Tensor:
        return F.to_tensor(pic)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ToPILImage:
    """A tensor (C, H, W) or array (H, W, C) as a PIL image (float values are scaled by 255 and wrap)."""

    def __init__(self, mode: str | None = None):
        self.mode = mode

    def __call__(self, pic: Any) -> Any:
        return F.to_pil_image(pic, self.mode)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mode={self.mode})"


class Normalize(torch.nn.Module):
    """(input - mean) / std per channel."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False):
        super().__init__()
        self.mean, self.std, self.inplace = mean, std, inplace

    def forward(self, tensor: torch.Tensor) -> torch.Tensor:
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class RandomHorizontalFlip(torch.nn.Module):
    """Mirror the image left to right with probability ``p``."""

    def __init__(self, p: float = 0.5):
        super().__init__()
        self.p = p

    def forward(self, img: Any) -> Any:
        if torch.rand(1) < self.p:
            return F.hflip(img)
        return img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


class RandomRotation(torch.nn.Module):
    """Turn the image by an angle drawn uniformly from ``degrees``: (-d, d) for a number d, or a
    (min, max) pair; counter-clockwise, same size, nearest-neighbour, ``fill`` outside."""

    def __init__(self, degrees: float | Sequence[float], fill: float | Sequence[float] = 0):
        super().__init__()
        if isinstance(degrees, (int, float)):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            self.degrees = [-float(degrees), float(degrees)]
        elif len(degrees) != 2:
            raise ValueError("If degrees is a sequence, it must be of len 2.")
        else:
            self.degrees = [float(d) for d in degrees]
        self.fill = fill

    @staticmethod
    def get_params(degrees: Sequence[float]) -> float:
        """An angle drawn uniformly from [degrees[0], degrees[1]]."""
        return float(torch.empty(1).uniform_(float(degrees[0]), float(degrees[1])).item())

    def forward(self, img: Any) -> Any:
        return F.rotate(img, self.get_params(self.degrees), fill=self.fill)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(degrees={self.degrees}, fill={self.fill})"
