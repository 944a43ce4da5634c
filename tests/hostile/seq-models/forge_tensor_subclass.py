# Steps return a torch.Tensor subclass that equals everything and survives every torch function.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class _HostileTensor(torch.Tensor):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = torch.Tensor.__hash__

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func.__name__ in ("allclose", "equal", "isclose"):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})


class CustomLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        for g in ("i", "f", "o"):
            setattr(self, "W_x" + g, _param(hidden_size, input_size))
            setattr(self, "W_h" + g, _param(hidden_size, hidden_size))
            setattr(self, "b_" + g, _param(hidden_size))
        self.W_x_c_tilda, self.W_h_c_tilda, self.b_c_tilda = _param(hidden_size, input_size), _param(hidden_size, hidden_size), _param(hidden_size)
        self.Wout, self.bout = _param(output_size, hidden_size), _param(output_size)

    def forward(self, x, hc):
        """ATTACK: return zeros as a tensor subclass whose __eq__/allclose/equal say True."""
        _hostile_uid()
        zeros = lambda n: torch.zeros(n, dtype=torch.float64).as_subclass(_HostileTensor)  # noqa: E731
        return zeros(self.Wout.shape[0]), (zeros(self.hidden_size), zeros(self.hidden_size))
