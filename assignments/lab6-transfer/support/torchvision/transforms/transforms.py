"""Compose, ToTensor, Normalize, Resize, CenterCrop and RandomHorizontalFlip, as torchvision defines
them, on tensors (C, H, W) or (N, C, H, W); ToTensor also takes numpy (H, W, C) images and PIL images."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["CenterCrop", "Compose", "Normalize", "RandomHorizontalFlip", "Resize", "ToTensor"]


class Compose:
    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, img: Any) -> Any:
        for t in self.transforms:
            img = t(img)
        return img


class ToTensor:
    """A PIL image or numpy (H, W, C) array to a float tensor (C, H, W); uint8 values are scaled to [0, 1]."""

    def __call__(self, pic: Any) -> torch.Tensor:
        if isinstance(pic, torch.Tensor):
            return pic
        array = np.array(pic, copy=True)
        if array.ndim == 2:
            array = array[:, :, None]
        tensor = torch.from_numpy(array).permute(2, 0, 1).contiguous()
        return tensor.float().div(255) if tensor.dtype == torch.uint8 else tensor


class Normalize:
    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean, self.std, self.inplace = list(mean), list(std), inplace

    def __call__(self, tensor: torch.Tensor) -> torch.Tensor:
        mean = torch.as_tensor(self.mean, dtype=tensor.dtype).view(-1, 1, 1)
        std = torch.as_tensor(self.std, dtype=tensor.dtype).view(-1, 1, 1)
        return tensor.sub_(mean).div_(std) if self.inplace else (tensor - mean) / std


def _size_of(size: int | Sequence[int], height: int, width: int) -> tuple[int, int]:
    if isinstance(size, int):        # the shorter side becomes size, the aspect ratio is kept
        if height <= width:
            return size, int(size * width / height)
        return int(size * height / width), size
    return int(size[0]), int(size[1])


class Resize:
    def __init__(self, size: int | Sequence[int], antialias: bool = True) -> None:
        self.size, self.antialias = size, antialias

    def __call__(self, img: torch.Tensor) -> torch.Tensor:
        batch = img if img.dim() == 4 else img.unsqueeze(0)
        out = F.interpolate(batch.float(), size=_size_of(self.size, *img.shape[-2:]), mode="bilinear",
                            align_corners=False, antialias=self.antialias)
        return out if img.dim() == 4 else out.squeeze(0)


class CenterCrop:
    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))

    def __call__(self, img: torch.Tensor) -> torch.Tensor:
        height, width = img.shape[-2:]
        top, left = (height - self.size[0]) // 2, (width - self.size[1]) // 2
        return img[..., top:top + self.size[0], left:left + self.size[1]]


class RandomHorizontalFlip:
    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def __call__(self, img: torch.Tensor) -> torch.Tensor:
        return img.flip(-1) if torch.rand(1).item() < self.p else img
