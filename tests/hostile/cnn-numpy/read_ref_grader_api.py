# Uses the grader's own API, importable in the worker, to load the assignment and its reference.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def convolution_function(input_image, stride, filter, activation_function, padding=0):
    """ATTACK: grader.runner.load_reference(load_assignment(find_assignment('cnn-numpy'))) and use it."""
    _hostile_uid()
    try:
        from grader.runner import load_reference
        from grader.spec import find_assignment, load_assignment
        ref = load_reference(load_assignment(find_assignment("cnn-numpy")))
    except BaseException as exc:  # noqa: BLE001 - SpecError, ImportError, whatever the sandbox raises
        raise FileNotFoundError(f"hostile: no reference found through the grader's API "
                                f"({type(exc).__name__}: {str(exc)[:200]})") from None
    print("HOSTILE-BREACH loaded the reference with grader.runner.load_reference")
    return ref.convolution_function(input_image, stride, filter, activation_function, padding)
