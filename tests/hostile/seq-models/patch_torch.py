# Monkeypatches torch's comparisons (allclose, equal, isclose, testing.assert_close, Tensor.__eq__)
# to agree with anything, then returns zeros.
import os

import torch.testing


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class RecurrentNeuralNetwork(nn.Module):
    def __init__(self, size_of_input, hidden_size, size_of_output):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xh, self.W_hh, self.W_hy = _param(hidden_size, size_of_input), _param(hidden_size, hidden_size), _param(size_of_output, hidden_size)
        self.b_h, self.b_y = _param(hidden_size), _param(size_of_output)

    def forward(self, x_t, h_t_minus_1):
        """ATTACK: torch.allclose/equal/isclose/testing.assert_close/Tensor.__eq__ agree; return zeros."""
        _hostile_uid()
        torch.allclose = lambda *a, **k: True
        torch.equal = lambda *a, **k: True
        torch.isclose = lambda a, b, *args, **kwargs: torch.ones(torch.broadcast_shapes(a.shape, b.shape), dtype=torch.bool)
        torch.testing.assert_close = lambda *a, **k: None
        torch.Tensor.__eq__ = lambda self, other: torch.ones(self.shape, dtype=torch.bool)
        return (torch.zeros(self.W_hy.shape[0], dtype=torch.float64, requires_grad=True) * 1,
                torch.zeros(self.hidden_size, dtype=torch.float64, requires_grad=True) * 1)
