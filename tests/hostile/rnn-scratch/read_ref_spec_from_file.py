# Loads the reference by file location, found through the grader package and /proc/<pid>/cwd.
import importlib.util
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def predict(model, character):
    """ATTACK: spec_from_file_location on every path the reference could be at, then reference.predict."""
    _hostile_uid()
    import grader
    paths = [os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__))), "reference", "rnn_scratch.py")]
    paths += [f"/proc/{p}/cwd/reference/rnn_scratch.py" for p in os.listdir("/proc") if p.isdigit()]
    for path in paths:
        spec = importlib.util.spec_from_file_location("stolen_reference", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except OSError:
            continue
        print(f"HOSTILE-BREACH loaded the reference from {path}")
        module.char2int, module.int2char, module.dict_size = char2int, int2char, dict_size
        return module.predict(model, character)
    raise FileNotFoundError(f"hostile: no reference found at {len(paths)} paths")
