# Reads the environment of its parent and of every other process, and looks for the reference under
# each path it holds (PWD, VIRTUAL_ENV, HOME, PYTHONPATH, ...).
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_paths():
    paths = []
    pids = [os.getppid()] + sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    for pid in pids:
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                entries = handle.read().split(b"\0")
        except OSError:
            continue
        for entry in entries:
            _, _, value = entry.decode(errors="replace").partition("=")
            paths += [p for p in value.split(":") if p.startswith("/")]
    return paths


def calculate_output_activation_map_dimensions(Image_Height, Image_Width, Filter_Height, Filter_Width, P=0, S=1):
    """ATTACK: look for reference/cnn_numpy.py under every path found in /proc/*/environ."""
    _hostile_uid()
    paths = _hostile_paths()
    for base in paths:
        for up in ("", "..", "../.."):
            path = os.path.normpath(os.path.join(base, up, "reference", "cnn_numpy.py"))
            try:
                with open(path) as handle:
                    source = handle.read()
            except OSError:
                continue
            print(f"HOSTILE-BREACH read the reference at {path} (found through /proc/*/environ)")
            namespace = {"__name__": "stolen_reference"}
            exec(compile(source, "stolen_reference", "exec"), namespace)
            return namespace["calculate_output_activation_map_dimensions"](Image_Height, Image_Width, Filter_Height,
                                                                           Filter_Width, P, S)
    raise FileNotFoundError(f"hostile: no reference found under {len(paths)} paths from /proc/*/environ")
