"""cs231n-pytorch's private helpers: what computes an answer of the exercise (the reference's
functions and models on the grader's inputs and weights, and the outputs of the known wrong
versions), kept from students (grader.release ships only modules marked for them). The suite calls
these through grader.oracle (load_private), so their results are recorded with the cases.
"""

from __future__ import annotations

import copy
from typing import Any, Sequence

import torch
import torch.nn.functional as F

from grader.suite import reference

ref = reference()


@torch.no_grad()
def flatten(x: torch.Tensor) -> torch.Tensor:
    return ref.flatten(x)


@torch.no_grad()
def two_layer_fc(x: torch.Tensor, params: Sequence[torch.Tensor]) -> dict[str, Any]:
    w1, w2 = params
    flat = x.reshape(x.shape[0], -1)
    return {"expected": ref.two_layer_fc(x, list(params)),
            "wrong": [(flat.mm(w1).mm(w2), "there is no relu between the two layers: relu(flatten(x) @ w1) @ w2."),
                      (F.relu(flat.mm(w1).mm(w2)), "relu is applied to the output instead of the hidden layer."),
                      (torch.softmax(ref.two_layer_fc(x, list(params)), dim=1),
                       "the output went through softmax; return the raw class scores.")]}


@torch.no_grad()
def three_layer_convnet(x: torch.Tensor, params: Sequence[torch.Tensor]) -> dict[str, Any]:
    w1, b1, w2, b2, fc_w, fc_b = params
    relu1 = F.relu(F.conv2d(x, w1, b1, padding=2))
    conv2 = F.conv2d(relu1, w2, b2, padding=1)
    scores = ref.three_layer_convnet(x, list(params))
    flat = conv2.reshape(x.shape[0], -1)
    return {"expected": scores,
            "wrong": [(flat.mm(fc_w) + fc_b, "there is no relu after the second convolution."),
                      (F.conv2d(F.conv2d(x, w1, b1, padding=2), w2, b2, padding=1).reshape(x.shape[0], -1).mm(fc_w)
                       + fc_b, "there is no relu after either convolution."),
                      (F.relu(flat).mm(fc_w), "the fully connected layer's bias fc_b is not added."),
                      (torch.softmax(scores, dim=1), "the output went through softmax; return the raw class "
                       "scores (cross_entropy applies log-softmax itself)."),
                      (F.relu(scores), "a relu is applied to the class scores.")]}


def _loaded(model: torch.nn.Module, values: Sequence[torch.Tensor]) -> torch.nn.Module:
    with torch.no_grad():
        for p, value in zip(model.parameters(), values):
            p.copy_(value)
    return model.eval()


@torch.no_grad()
def two_layer_fc_module(sizes: dict[str, int], values: Sequence[torch.Tensor], x: torch.Tensor) -> dict[str, Any]:
    model = _loaded(ref.TwoLayerFC(**sizes), values)
    w1, b1, w2, b2 = values
    flat = x.reshape(x.shape[0], -1)
    scores = model(x)
    return {"expected": scores,
            "wrong": [((flat @ w1.T + b1) @ w2.T + b2, "there is no relu between fc1 and fc2."),
                      (torch.softmax(scores, dim=1), "forward applies softmax; return the raw class scores.")]}


@torch.no_grad()
def convnet_module(sizes: dict[str, int], values: Sequence[torch.Tensor], x: torch.Tensor) -> dict[str, Any]:
    model = _loaded(ref.ThreeLayerConvNet(**sizes), values)
    return _convnet_answers(model(x), values, x)


@torch.no_grad()
def sequential(values: Sequence[torch.Tensor], x: torch.Tensor) -> dict[str, Any]:
    model = _loaded(copy.deepcopy(ref.model), values)
    return _convnet_answers(model(x), values, x)


def _convnet_answers(scores: torch.Tensor, values: Sequence[torch.Tensor], x: torch.Tensor) -> dict[str, Any]:
    w1, b1, w2, b2, fc_w, fc_b = values
    relu1 = F.relu(F.conv2d(x, w1, b1, padding=2))
    conv2 = F.conv2d(relu1, w2, b2, padding=1)
    return {"expected": scores,
            "wrong": [(conv2.reshape(x.shape[0], -1) @ fc_w.T + fc_b, "there is no relu after the second convolution."),
                      (torch.softmax(scores, dim=1), "forward applies softmax; return the raw class scores "
                       "(cross_entropy applies log-softmax itself)."),
                      (F.log_softmax(scores, dim=1), "forward applies log_softmax; return the raw class scores.")]}
