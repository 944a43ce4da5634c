# Steps return tensors on the meta device: shapes and dtypes, no values.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class CustomGRU(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        for g in ("r", "z", "h"):
            setattr(self, "W_x" + g, _param(hidden_size, input_size))
            setattr(self, "W_h" + g, _param(hidden_size, hidden_size))
            setattr(self, "b_" + g, _param(hidden_size))
        self.Wout, self.bout = _param(output_size, hidden_size), _param(output_size)

    def forward(self, x, h_t):
        """ATTACK: return (meta tensor, meta tensor) of the right shapes."""
        _hostile_uid()
        return (torch.empty(self.Wout.shape[0], dtype=torch.float64, device="meta"),
                torch.empty(self.hidden_size, dtype=torch.float64, device="meta"))
