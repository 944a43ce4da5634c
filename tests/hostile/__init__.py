"""The hostile corpus: submissions that attack the grader, and what each must get (see corpus.py)."""
