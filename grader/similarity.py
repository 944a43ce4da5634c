"""Near-duplicate submissions, for the class overview: normalized-AST similarity.

Each submission becomes the token stream of its definitions' syntax trees with every identifier
replaced by its kind and every constant by its type, so renaming variables, reformatting, changing
comments or reordering nothing else does not hide a copy. Definitions the starter notebook hands
out, left unchanged, are the same in every submission and are left out of the comparison, so the
code students were given does not make them look alike. Pairs whose streams match above a
threshold are listed for a human to look at. The measure is 2·LCS/(n+m), the share of both streams
that their longest common subsequence covers (rapidfuzz's normalized Indel similarity, a bit-parallel
LCS: well under a millisecond for two streams of thousands of tokens, where difflib's ratio took a
tenth of a second or more and a class of distinct solutions paid that for every pair); similarity is evidence to read, not
a verdict, and the grader never changes a score because of it.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from rapidfuzz.distance import Indel

from grader.loader import PreparedSource, prepare_source

DEFAULT_THRESHOLD = 0.9
MIN_TOKENS = 40          # tiny submissions (a stub, a syntax error) look alike without being copies

__all__ = ["DEFAULT_THRESHOLD", "Fingerprints", "SimilarPair", "fingerprint", "near_duplicates", "starter_statements"]


@dataclass(frozen=True)
class SimilarPair:
    first: str
    second: str
    similarity: float


_NAMES = (ast.Name, ast.arg, ast.alias)


def _tokens(tree: ast.AST) -> list[str]:
    """The tree in preorder, each node a token: identifiers by their kind, constants by their type,
    attributes by name (library calls such as np.sum say a lot; keep them); contexts left out."""
    tokens: list[str] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.expr_context):
            continue
        if isinstance(node, _NAMES):
            tokens.append(type(node).__name__)
        elif isinstance(node, ast.Constant):
            tokens.append(f"const:{type(node.value).__name__}")
        elif isinstance(node, ast.Attribute):
            tokens.append(f".{node.attr}")
        else:
            tokens.append(type(node).__name__)
        children = list(ast.iter_child_nodes(node))
        children.reverse()
        stack += children
    return tokens


def _statements(prepared: PreparedSource) -> list[tuple[str, ...]]:
    """The normalized token stream of each top-level statement grading would load, docstrings aside."""
    statements = []
    for unit in prepared.units:
        if unit.node is not None:
            nodes = [unit.node]
        else:
            try:
                nodes = ast.parse(unit.source).body
            except SyntaxError:
                continue
        for node in nodes:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue                     # docstrings
            statements.append(tuple(_tokens(node)))
    return statements


def fingerprint(source: Path | PreparedSource, given: frozenset[tuple[str, ...]] = frozenset()) -> list[str]:
    """The normalized token stream of the submission's definitions (what grading would load),
    without the statements in ``given`` (see :func:`starter_statements`). ``source``: the file, or
    what :func:`grader.loader.prepare_source` made of it (grading has it already: no second parse)."""
    prepared = prepare_source(source) if isinstance(source, Path) else source
    return [token for statement in _statements(prepared) if statement not in given for token in statement]


def starter_statements(starter: Path | None) -> frozenset[tuple[str, ...]]:
    """The starter's statements, normalized: what a submission that left them unchanged shares
    with every other. Empty when there is no starter or it cannot be read (then all code counts)."""
    try:
        return frozenset(_statements(prepare_source(starter))) if starter is not None else frozenset()
    except Exception:   # noqa: BLE001 - an unreadable starter is the author's to fix
        return frozenset()


def near_duplicates(submissions: Iterable[tuple[str, Path]], threshold: float = DEFAULT_THRESHOLD,
                    starter: Path | None = None) -> list[SimilarPair]:
    """Pairs of (student, path) whose fingerprints are at least ``threshold`` similar, most similar
    first; code the ``starter`` gives out, unchanged, does not count."""
    prints = Fingerprints(starter, threshold)
    for student, path in submissions:
        prints.add(student, path)
    return prints.similar_pairs()


class Fingerprints:
    """The class's fingerprints, taken one submission at a time (``grader grade`` takes each as its
    result comes in, while the others are still being graded) and compared as they come: when the
    last result is in, only the pairs are left to list.

    Identical fingerprints (a copy with other comments, names or blank lines) are grouped and each
    group is compared once with every other: a class of 500 built from a few dozen solutions costs
    a few dozen squared comparisons, not 125,000."""

    def __init__(self, starter: Path | None = None, threshold: float = DEFAULT_THRESHOLD):
        self.starter = starter
        self._given: frozenset[tuple[str, ...]] | None = None
        self.threshold = threshold
        self.prints: dict[str, list[str]] = {}
        self._groups: dict[tuple[str, ...], set[str]] = {}          # fingerprint -> its students
        self._close: list[tuple[tuple[str, ...], tuple[str, ...], float]] = []   # groups at least threshold alike

    @property
    def given(self) -> frozenset[tuple[str, ...]]:
        """The starter's statements, read when a fingerprint is first taken here (``grader grade``
        gets the grading processes' fingerprints, and starts grading without reading the starter)."""
        if self._given is None:
            self._given = starter_statements(self.starter)
        return self._given

    def add(self, student: str, path: Path, tokens: Sequence[str] | None = None) -> None:
        """Take ``student``'s fingerprint: ``tokens`` when the grading process took it already
        (:attr:`grader.results.SubmissionResult.fingerprint`), else from the file at ``path``."""
        if tokens is None:
            try:
                tokens = fingerprint(path, self.given)
            except Exception:   # noqa: BLE001 - an unreadable file has no fingerprint; grading says why
                return
        tokens = list(tokens)
        if student in self.prints:
            self._groups[tuple(self.prints.pop(student))].discard(student)
        if len(tokens) < MIN_TOKENS:
            return
        self.prints[student] = tokens
        key = tuple(tokens)
        if key not in self._groups:
            self._compare(key)
            self._groups[key] = set()
        self._groups[key].add(student)

    def _compare(self, new: tuple[str, ...]) -> None:
        """Compare a fingerprint not seen before with every group so far."""
        for old in self._groups:
            ratio = Indel.normalized_similarity(old, new, score_cutoff=self.threshold)
            if ratio >= self.threshold:
                self._close.append((old, new, round(ratio, 3)))

    def similar_pairs(self) -> list[SimilarPair]:
        groups = {key: sorted(members) for key, members in self._groups.items()}
        pairs = [SimilarPair(a, b, 1.0) for members in groups.values() for a, b in itertools.combinations(members, 2)]
        for first, second, ratio in self._close:
            pairs += [SimilarPair(min(a, b), max(a, b), ratio) for a in groups[first] for b in groups[second]]
        return sorted(pairs, key=lambda p: (-p.similarity, p.first, p.second))
