# Steps return sparse COO tensors (all zeros, the right shapes).
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class RecurrentNeuralNetwork(nn.Module):
    def __init__(self, size_of_input, hidden_size, size_of_output):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xh, self.W_hh, self.W_hy = _param(hidden_size, size_of_input), _param(hidden_size, hidden_size), _param(size_of_output, hidden_size)
        self.b_h, self.b_y = _param(hidden_size), _param(size_of_output)

    def forward(self, x_t, h_t_minus_1):
        """ATTACK: return sparse COO zeros of the right shapes instead of dense tensors."""
        _hostile_uid()
        return (torch.zeros(self.W_hy.shape[0], dtype=torch.float64).to_sparse(),
                torch.zeros(self.hidden_size, dtype=torch.float64).to_sparse())
