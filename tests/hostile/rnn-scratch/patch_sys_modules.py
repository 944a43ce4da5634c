# Replaces modules in sys.modules that the worker needs to answer: json, numpy, grader.wire.
import os
import sys
import types


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class Model(nn.Module):
    """Time-major nn.RNN: the (B, T, V) input is transposed to (T, B, V) and back."""

    def __init__(self, input_size, output_size, hidden_dim, n_layers):
        super(Model, self).__init__()
        self.hidden_size, self.num_layers = hidden_dim, n_layers
        self.recurrent = nn.RNN(input_size, hidden_dim, n_layers)
        self.decoder = nn.Linear(hidden_dim, output_size)

    def forward(self, input):
        """ATTACK: sys.modules['json'], ['numpy'] and ['grader.wire'] replaced by empty modules; return nothing."""
        _hostile_uid()
        for name in ("json", "numpy", "grader.wire", "grader.harness"):
            sys.modules[name] = types.ModuleType(name)
        sys.modules["grader"].wire = sys.modules["grader.wire"]
        return None

    def init_hidden(self, batch_size):
        return torch.zeros(self.num_layers, batch_size, self.hidden_size)
