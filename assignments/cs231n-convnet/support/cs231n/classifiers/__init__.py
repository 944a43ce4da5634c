"""The course's classifiers package; the submission is imported as cs231n.classifiers.cnn."""
