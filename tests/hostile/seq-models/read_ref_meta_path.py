# Removes the worker's import guard from sys.meta_path, puts the project on sys.path, imports
# reference.seq_models and steps with the reference cell on its own parameters.
import importlib
import os
import sys


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class RecurrentNeuralNetwork(nn.Module):
    def __init__(self, size_of_input, hidden_size, size_of_output):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xh, self.W_hh, self.W_hy = _param(hidden_size, size_of_input), _param(hidden_size, hidden_size), _param(size_of_output, hidden_size)
        self.b_h, self.b_y = _param(hidden_size), _param(size_of_output)

    def forward(self, x_t, h_t_minus_1):
        """ATTACK: keep only the standard finders in sys.meta_path, import reference.seq_models, use its forward."""
        _hostile_uid()
        import grader
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__module__.startswith("_frozen_importlib")]
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__))))
        importlib.invalidate_caches()
        try:
            ref = importlib.import_module("reference.seq_models")
        except ImportError as exc:
            raise FileNotFoundError(f"hostile: no reference found by import ({exc})") from None
        print(f"HOSTILE-BREACH imported the reference from {ref.__file__}")
        return ref.RecurrentNeuralNetwork.forward(self, x_t, h_t_minus_1)
