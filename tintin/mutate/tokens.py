"""A small C tokenizer for the mutator: identifiers, numbers and punctuators with their offsets.

Comments, string and character literals and preprocessor lines (with their backslash
continuations) produce no tokens, so no mutation can land in them. Whatever else is not a
known token (a stray byte) is skipped: the mutator only needs the tokens it can mutate and
their neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IDENT, NUMBER, PUNCT = "ident", "number", "punct"

# Longest first, so '<<=' wins over '<<' and '<'.
_PUNCTUATORS = sorted(
    ["<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
     "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=",
     "[", "]", "(", ")", "{", "}", ".", "&", "*", "+", "-", "~", "!", "/", "%", "<", ">", "^", "|",
     "?", ":", ";", "=", ",", "#"],
    key=len,
    reverse=True,
)
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# C99 integer and floating constants (a pp-number is close enough for our sources).
_NUMBER_RE = re.compile(r"\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int  # offset in the source text
    line: int  # 1-based
    col: int  # 1-based

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _skip_quoted(text: str, i: int) -> int:
    """Offset just past the string or character literal opening at i."""
    quote = text[i]
    i += 1
    while i < len(text) and text[i] != quote and text[i] != "\n":
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _skip_line(text: str, i: int) -> int:
    """Offset of the newline ending the (continued) line at i: for // comments and # lines,
    skipping block comments inside a directive too."""
    while i < len(text):
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = len(text) if close < 0 else close + 2
        elif text[i] == "\\" and text.startswith("\n", i + 1):
            i += 2
        elif text[i] == "\n":
            return i
        else:
            i += 1
    return i


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, line, line_start = 0, 1, 0
    at_line_start = True  # only whitespace since the last newline: a '#' opens a directive

    def advance_to(j: int) -> None:
        nonlocal i, line, line_start
        newlines = text.count("\n", i, j)
        if newlines:
            line += newlines
            line_start = text.rindex("\n", i, j) + 1
        i = j

    while i < len(text):
        c = text[i]
        if c == "\n":
            advance_to(i + 1)
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            advance_to(len(text) if close < 0 else close + 2)
            continue
        if text.startswith("//", i) or (c == "#" and at_line_start):
            advance_to(_skip_line(text, i))
            continue
        at_line_start = False
        if c in "\"'":
            advance_to(_skip_quoted(text, i))
            continue
        if c == "\\" and text.startswith("\n", i + 1):
            advance_to(i + 2)
            continue
        m = _IDENT_RE.match(text, i) or _NUMBER_RE.match(text, i)
        if m is not None:
            kind = IDENT if m.re is _IDENT_RE else NUMBER
            # A letter-prefixed string (L"..", u8"..") is a literal, not an identifier.
            if kind == IDENT and m.end() < len(text) and text[m.end()] in "\"'" and m.group() in ("L", "u", "U", "u8"):
                advance_to(_skip_quoted(text, m.end()))
                continue
            tokens.append(Token(kind, m.group(), i, line, i - line_start + 1))
            i = m.end()
            continue
        punct = next((p for p in _PUNCTUATORS if text.startswith(p, i)), None)
        if punct is None:
            i += 1
            continue
        tokens.append(Token(PUNCT, punct, i, line, i - line_start + 1))
        i += len(punct)
    return tokens
