"""The course's package, as students have it next to their notebook. Their own file is
``cs231n/layers.py``; the grader makes the submission importable as ``cs231n.layers``
(``import_as`` in assignment.toml), so these modules use the student's layers."""
