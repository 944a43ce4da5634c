# Loads the reference by file location, which no meta-path finder is asked about.
import importlib.util
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def pooling_layer(activation_map, pool_type='max', stride=2, filter_size=(2, 2)):
    """ATTACK: importlib.util.spec_from_file_location(<project>/reference/cnn_numpy.py), then use it."""
    _hostile_uid()
    import grader
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__))), "reference",
                        "cnn_numpy.py")
    spec = importlib.util.spec_from_file_location("stolen_reference", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except OSError as exc:
        raise FileNotFoundError(f"hostile: no reference found at {path} ({exc})") from None
    print(f"HOSTILE-BREACH loaded the reference from {path}")
    return module.pooling_layer(activation_map, pool_type, stride, filter_size)
