"""The mutants of a source folder: stable ids, application, diffs and seeded sampling."""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .operators import changes
from .tokens import IDENT, tokenize

MUTABLE_SUFFIXES = (".c", ".h")


@dataclass(frozen=True)
class Mutant:
    """One single-point change of one file of the source folder."""

    id: str
    file: str  # path relative to the source folder, '/'-separated
    line: int
    col: int
    operator: str
    original: str
    replacement: str
    start: int
    end: int

    def apply(self, text: str) -> str:
        if text[self.start:self.end] != self.original:
            raise ValueError(f"{self.file} changed since mutant {self.id} was made")
        return text[:self.start] + self.replacement + text[self.end:]

    def diff(self, text: str) -> str:
        lines = difflib.unified_diff(text.splitlines(keepends=True), self.apply(text).splitlines(keepends=True),
                                     f"a/{self.file}", f"b/{self.file}", n=1)
        return "".join(lines)

    @property
    def describe(self) -> str:
        return f"{self.operator}: `{self.original}` -> `{self.replacement}`"


def _stable_id(file: str, text: str, line: int, col: int, operator: str, original: str, replacement: str) -> str:
    """Named by the line's text (and which repeat of that text it is), not its number, so an
    id survives edits elsewhere in the file and the equivalent-mutants list stays valid."""
    lines = text.splitlines()
    content = lines[line - 1]
    repeat = sum(1 for earlier in lines[:line - 1] if earlier.strip() == content.strip())
    indent = len(content) - len(content.lstrip())
    key = "\0".join([file, operator, content.strip(), str(repeat), str(col - indent), original, replacement])
    return f"{Path(file).name}@{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def source_files(folder: Path, patterns: Sequence[str] = ()) -> list[Path]:
    """The .c and .h files of a folder (recursively, sorted) whose relative path or name matches
    one of the glob patterns (all of them when none are given)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in MUTABLE_SUFFIXES)
    if not patterns:
        return files
    return [p for p in files
            if any(fnmatch.fnmatch(p.relative_to(folder).as_posix(), g) or fnmatch.fnmatch(p.name, g)
                   for g in patterns)]


def file_mutants(file: str, text: str, known_names: Iterable[str] = ()) -> list[Mutant]:
    tokens = tokenize(text)
    known = frozenset(known_names)
    found = []
    for c in changes(text, tokens, known):
        line = text.count("\n", 0, c.start) + 1
        col = c.start - (text.rfind("\n", 0, c.start) + 1) + 1
        original = text[c.start:c.end]
        found.append(Mutant(_stable_id(file, text, line, col, c.operator, original, c.replacement), file, line, col,
                            c.operator, original, c.replacement, c.start, c.end))
    return found


def population(folder: Path, patterns: Sequence[str] = ()) -> list[Mutant]:
    """Every mutant of the folder's sources, in file and source order."""
    files = source_files(folder, patterns)
    every = sorted(source_files(folder))
    texts = {p: p.read_text(encoding="utf-8") for p in every}
    known = {t.text for text in texts.values() for t in tokenize(text) if t.kind == IDENT}
    mutants: list[Mutant] = []
    for p in files:
        mutants += file_mutants(p.relative_to(folder).as_posix(), texts[p], known)
    return mutants


def sample(mutants: Sequence[Mutant], n: int | None, seed: int) -> list[Mutant]:
    """n mutants chosen with the seed, stratified by file (each file gets its share of n in
    proportion to its mutants, largest remainders first). The same population and seed give
    the same sample; a file's draw depends only on the seed and that file's mutants."""
    if n is None or n >= len(mutants):
        return list(mutants)
    by_file: dict[str, list[Mutant]] = {}
    for m in mutants:
        by_file.setdefault(m.file, []).append(m)
    total = len(mutants)
    quotas = {f: n * len(ms) // total for f, ms in by_file.items()}
    rest = n - sum(quotas.values())
    order = sorted(by_file, key=lambda f: (-(n * len(by_file[f]) % total), f))
    for f in order[:rest]:
        quotas[f] += 1
    chosen: list[Mutant] = []
    for f, ms in by_file.items():
        pool = sorted(ms, key=lambda m: m.id)
        chosen += random.Random(f"{seed}/{f}").sample(pool, quotas[f])
    position = {m.id: k for k, m in enumerate(mutants)}
    return sorted(chosen, key=lambda m: position[m.id])
