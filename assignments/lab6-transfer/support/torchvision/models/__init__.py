"""torchvision.models in the grading environment: AlexNet and ResNet-18 with torchvision's layers."""

from ._weights import AlexNet_Weights, ResNet18_Weights
from .alexnet import AlexNet, alexnet
from .resnet import BasicBlock, ResNet, resnet18

__all__ = ["AlexNet", "AlexNet_Weights", "BasicBlock", "ResNet", "ResNet18_Weights", "alexnet", "resnet18"]
