"""grader: an autograder for deep-learning courses.

The public face is small on purpose; everything else is private to the package.
"""

__version__ = "0.1.0"
