# fit_RNN reports a loss curve it made up, and trains nothing.
import os
from collections import OrderedDict


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def fit_RNN(opt, loss_function, rnn_model, X_train, Y_train, epochs=8):
    """ATTACK: return a made-up falling loss per epoch (and print it), without a single step."""
    _hostile_uid()
    losses = OrderedDict((epoch, 0.1 / epoch**2) for epoch in range(1, epochs + 1))
    for epoch, loss in losses.items():
        print(f"epoch {epoch}: loss {loss:.5f}")
    print("training check: PASSED (loss 0.001 < 0.125)")
    return losses
