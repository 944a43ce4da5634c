# Removes the worker's import guard from sys.meta_path, puts the project on sys.path and imports
# the reference as a package module.
import importlib
import os
import sys


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class MultiLayerPerceptron:
    def __init__(self, input_layer_size, no_of_hidden_layers, hidden_layer_sizes, act_function, output_size):
        rng = np.random.default_rng()
        widths = [input_layer_size, *hidden_layer_sizes, output_size]
        self.weights = [rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)) for n_in, n_out in zip(widths, widths[1:])]
        self.biases = [np.zeros(n_out) for n_out in widths[1:]]
        self.act_function = act_function
        self.sizes = (input_layer_size, no_of_hidden_layers, list(hidden_layer_sizes), output_size)

    def forward_prop(self, input_vector, use_softmax_in_output_layer=True):
        """ATTACK: drop every finder but the standard ones from sys.meta_path, import reference.cnn_numpy."""
        _hostile_uid()
        import grader
        project = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__module__ in ("_frozen_importlib",
                                                                              "_frozen_importlib_external")]
        sys.path.insert(0, project)
        for name in [m for m in sys.modules if m == "reference" or m.startswith("reference.")]:
            del sys.modules[name]
        importlib.invalidate_caches()
        try:
            ref = importlib.import_module("reference.cnn_numpy")
        except ImportError as exc:
            raise FileNotFoundError(f"hostile: no reference found by import ({exc})") from None
        print(f"HOSTILE-BREACH imported the reference from {ref.__file__}")
        inp, hidden, sizes, out = self.sizes
        model = ref.MultiLayerPerceptron(inp, hidden, sizes, self.act_function, out)
        model.weights, model.biases = self.weights, self.biases
        return model.forward_prop(input_vector, use_softmax_in_output_layer)
