# Returns the grader's own wire markers and types: dicts shaped like encoded arrays, a Handle, an Fn.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def leaky_relu(x, alpha=0.01):
    """ATTACK: return {'__nd__': 0, ...}, grader.wire.Handle and grader.submission.Fn objects instead of an array."""
    _hostile_uid()
    from grader.submission import Fn
    from grader.wire import Handle
    return {"__nd__": 0, "dtype": "<f8", "shape": list(np.shape(x)), "__handle__": 1,
            "handle": Handle(1, "ndarray"), "fn": Fn("identity"), "__tensor__": 0}
