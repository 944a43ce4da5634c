"""Reference implementations, one module per assignment. Never shipped to students."""
