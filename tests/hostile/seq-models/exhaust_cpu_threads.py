# Starts sixteen threads that burn CPU forever (torch matmuls that release the GIL, and pure
# Python), asks torch for 64 threads, and returns nothing useful.
import os
import threading


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_burn(kind):
    a = torch.randn(512, 512)
    while True:
        if kind:
            a = torch.tanh(a @ a)
        else:
            sum(i * i for i in range(10000))


def fit_GRU(opt, loss_function, gru_model, X_train, Y_train, epochs=8):
    """ATTACK: torch.set_num_threads(64) and 16 spinning threads; then give up."""
    _hostile_uid()
    torch.set_num_threads(64)
    for i in range(16):
        threading.Thread(target=_hostile_burn, args=(i % 2,), daemon=True).start()
    raise RuntimeError("hostile: left 16 threads burning CPU; nothing to return")
