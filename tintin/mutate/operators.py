"""The mutation operators: each finds single-point changes of one C file's tokens.

A change is a span of the source text and its replacement. Operators (the names reports use):

- relational: < <=, > >=, == != (the boundary and the negation of a comparison)
- logical: && ||
- arithmetic: binary + -, * /, & |, ^ |, the compound assignments and ++ --
- shift-direction: << >> (and <<= >>=)
- shift-amount: the right operand of a shift plus or minus one
- constant: an integer literal plus or minus one
- negate-condition: if (c) / while (c) -> (!(c))
- drop-call: a saturation, clamp, rounding or min/max call replaced by its first argument
- delete-statement: a clamp `if (c) x = v;` or an update `x = f(x, ...);` deleted
- min-max: tt_min <-> tt_max (any name whose min/max twin is defined too)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass

from .tokens import IDENT, NUMBER, PUNCT, Token

_SWAPS: dict[str, dict[str, tuple[str, ...]]] = {
    "relational": {"<": ("<=",), "<=": ("<",), ">": (">=",), ">=": (">",), "==": ("!=",), "!=": ("==",)},
    "logical": {"&&": ("||",), "||": ("&&",)},
    "shift-direction": {"<<": (">>",), ">>": ("<<",), "<<=": (">>=",), ">>=": ("<<=",)},
    "arithmetic": {
        "+": ("-",), "-": ("+",), "*": ("/",), "/": ("*",), "%": ("/",), "&": ("|",), "|": ("&",), "^": ("|",),
        "+=": ("-=",), "-=": ("+=",), "*=": ("/=",), "&=": ("|=",), "|=": ("&=",), "^=": ("|=",),
        "++": ("--",), "--": ("++",),
    },
}
_BINARY_ONLY = {"+", "-", "*", "&"}  # also unary in C: mutated only where binary
_KEYWORDS = {"return", "sizeof", "case", "if", "while", "for", "else", "do", "switch", "goto"}
_TYPE_WORDS = {"const", "volatile", "signed", "unsigned", "char", "short", "int", "long", "void", "struct"}
_CLAMP_CALL = re.compile(
    r"^(tt_)?(u?min\d*|u?max\d*|saturate|sat\d*|clamp\w*|rshift_round\w*|div_round|round\w*)$|^__[us]sat$")
_INT_RE = re.compile(r"^(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)$")


@dataclass(frozen=True)
class Change:
    operator: str
    start: int
    end: int
    replacement: str


def _matching(tokens: Sequence[Token], i: int) -> int | None:
    """Index of the bracket closing the one at i, or None."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    opener, closer = tokens[i].text, pairs[tokens[i].text]
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].text == opener:
            depth += 1
        elif tokens[j].text == closer:
            depth -= 1
            if depth == 0:
                return j
    return None


def _opening(tokens: Sequence[Token], j: int) -> int | None:
    """Index of the '(' that the ')' at j closes, or None."""
    depth = 0
    for i in range(j, -1, -1):
        if tokens[i].text == ")":
            depth += 1
        elif tokens[i].text == "(":
            depth -= 1
            if depth == 0:
                return i
    return None


def _is_type_word(name: str) -> bool:
    return name in _TYPE_WORDS or name.endswith("_t")


def _is_cast(tokens: Sequence[Token], close: int) -> bool:
    """True when the ')' at `close` ends a cast such as (int32_t) or (const int8_t *)."""
    open_ = _opening(tokens, close)
    if open_ is None or open_ + 1 == close:
        return False
    inner = tokens[open_ + 1:close]
    return all(t.text == "*" or (t.kind == IDENT and _is_type_word(t.text))
               for t in inner)


def _is_binary(tokens: Sequence[Token], i: int) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1]
    if prev.kind == NUMBER or prev.text == "]":
        return True
    if prev.kind == IDENT:  # not after a keyword, nor a type name (a pointer declarator)
        return prev.text not in _KEYWORDS and not _is_type_word(prev.text)
    return prev.text == ")" and not _is_cast(tokens, i - 1)


def _int_literal(text: str) -> tuple[int, str, bool] | None:
    """(value, suffix, hex) of an integer literal, None for anything else (octal included)."""
    m = _INT_RE.match(text)
    if m is None or (len(m.group(1)) > 1 and m.group(1)[0] == "0" and m.group(1)[1] not in "xX"):
        return None
    digits = m.group(1)
    is_hex = digits[:2] in ("0x", "0X")
    return int(digits, 16 if is_hex else 10), m.group(2), is_hex


def _format_int(value: int, like: str, suffix: str, is_hex: bool) -> str:
    """value written like the literal `like`: same base, digit count, letter case and suffix."""
    if not is_hex:
        return f"{value}{suffix}"
    digits = like[2:len(like) - len(suffix)]
    spec = f"0{len(digits)}{'x' if any(c in 'abcdef' for c in digits) else 'X'}"
    return like[:2] + format(value, spec) + suffix


def _plus_minus_one(tok: Token) -> Iterator[str]:
    lit = _int_literal(tok.text)
    if lit is None:
        return
    value, suffix, is_hex = lit
    yield _format_int(value + 1, tok.text, suffix, is_hex)
    if value > 0:
        yield _format_int(value - 1, tok.text, suffix, is_hex)


def _swaps(tokens: Sequence[Token]) -> Iterator[Change]:
    for i, t in enumerate(tokens):
        if t.kind != PUNCT:
            continue
        for operator, table in _SWAPS.items():
            if t.text in table and (t.text not in _BINARY_ONLY or _is_binary(tokens, i)):
                for new in table[t.text]:
                    yield Change(operator, t.start, t.end, new)


def _operand_end(tokens: Sequence[Token], i: int) -> int | None:
    """Index of the last token of a simple right operand starting at i (a literal, a name or a
    parenthesised group not followed by a postfix), or None."""
    if i >= len(tokens):
        return None
    t = tokens[i]
    if t.kind in (IDENT, NUMBER):
        end = i
    elif t.text == "(":
        close = _matching(tokens, i)
        if close is None or _is_cast(tokens, close):
            return None
        end = close
    else:
        return None
    after = tokens[end + 1].text if end + 1 < len(tokens) else ";"
    return None if after in ("(", "[", ".", "->", "++", "--") else end


def _shift_amounts(text: str, tokens: Sequence[Token]) -> Iterator[Change]:
    for i, t in enumerate(tokens):
        if t.text not in ("<<", ">>", "<<=", ">>="):
            continue
        end = _operand_end(tokens, i + 1)
        if end is None:
            continue
        first, last = tokens[i + 1], tokens[end]
        if first is last and first.kind == NUMBER:
            for new in _plus_minus_one(first):
                yield Change("shift-amount", first.start, first.end, new)
            continue
        operand = text[first.start:last.end]
        for sign in ("+", "-"):
            yield Change("shift-amount", first.start, last.end, f"({operand} {sign} 1)")


def _constants(tokens: Sequence[Token]) -> Iterator[Change]:
    for i, t in enumerate(tokens):
        if t.kind != NUMBER or (i > 0 and tokens[i - 1].text in ("<<", ">>", "<<=", ">>=")):
            continue  # shift amounts are the shift-amount operator's
        for new in _plus_minus_one(t):
            yield Change("constant", t.start, t.end, new)


def _conditions(text: str, tokens: Sequence[Token]) -> Iterator[Change]:
    for i, t in enumerate(tokens[:-1]):
        if t.text not in ("if", "while") or tokens[i + 1].text != "(":
            continue
        close = _matching(tokens, i + 1)
        if close is None or close == i + 2:
            continue
        inner = text[tokens[i + 2].start:tokens[close - 1].end]
        yield Change("negate-condition", tokens[i + 2].start, tokens[close - 1].end, f"!({inner})")


def _drop_calls(text: str, tokens: Sequence[Token]) -> Iterator[Change]:
    for i, t in enumerate(tokens[:-1]):
        if t.kind != IDENT or not _CLAMP_CALL.match(t.text) or tokens[i + 1].text != "(":
            continue
        if i > 0 and (tokens[i - 1].kind == IDENT or tokens[i - 1].text == "*"):
            continue  # a declaration or definition, not a call
        close = _matching(tokens, i + 1)
        if close is None or close == i + 2:
            continue
        depth, comma = 0, close
        for j in range(i + 2, close):
            if tokens[j].text in "([{":
                depth += 1
            elif tokens[j].text in ")]}":
                depth -= 1
            elif tokens[j].text == "," and depth == 0:
                comma = j
                break
        first_arg = text[tokens[i + 2].start:tokens[comma - 1].end]
        yield Change("drop-call", t.start, tokens[close].end, f"({first_arg})")


def _statement_end(tokens: Sequence[Token], i: int) -> int | None:
    """Index of the ';' ending the simple statement starting at i (no braces inside)."""
    depth = 0
    for j in range(i, len(tokens)):
        text = tokens[j].text
        if text in "([":
            depth += 1
        elif text in ")]":
            depth -= 1
        elif text in "{}":
            return None
        elif text == ";" and depth == 0:
            return j
    return None


def _deletions(tokens: Sequence[Token]) -> Iterator[Change]:
    for i, t in enumerate(tokens):
        starts_statement = i > 0 and tokens[i - 1].text in (";", "{", "}")
        if t.text == "if" and starts_statement and i + 1 < len(tokens) and tokens[i + 1].text == "(":
            close = _matching(tokens, i + 1)
            if close is None or close + 2 >= len(tokens):
                continue
            target = tokens[close + 1]
            end = _statement_end(tokens, close + 1)
            cond = {x.text for x in tokens[i + 2:close]}
            assigns = end is not None and tokens[close + 2].text == "="
            is_clamp = (target.kind == IDENT and assigns and target.text in cond
                        and bool(cond & {"<", ">", "<=", ">="}))
            if end is not None and is_clamp and (end + 1 >= len(tokens) or tokens[end + 1].text != "else"):
                yield Change("delete-statement", t.start, tokens[end].end, ";")
        elif t.kind == IDENT and starts_statement and i + 1 < len(tokens) and tokens[i + 1].text == "=":
            end = _statement_end(tokens, i)
            if end is None:
                continue
            rhs = tokens[i + 2:end]
            if any(x.text == t.text for x in rhs) and any(_CLAMP_CALL.match(x.text) for x in rhs):
                yield Change("delete-statement", t.start, tokens[end].end, ";")


def _min_max(tokens: Sequence[Token], known: Set[str]) -> Iterator[Change]:
    for t in tokens:
        if t.kind != IDENT:
            continue
        for a, b in (("min", "max"), ("max", "min")):
            if a in t.text:
                twin = t.text.replace(a, b)
                if twin in known:
                    yield Change("min-max", t.start, t.end, twin)


def changes(text: str, tokens: Sequence[Token], known_names: Set[str] = frozenset()) -> list[Change]:
    """Every single-point change of one file, in source order, without duplicates.

    ``known_names``: identifiers defined anywhere in the sources, for the min-max twins."""
    found: dict[tuple[int, int, str], Change] = {}
    for change in [*_swaps(tokens), *_shift_amounts(text, tokens), *_constants(tokens),
                   *_conditions(text, tokens), *_drop_calls(text, tokens), *_deletions(tokens),
                   *_min_max(tokens, known_names)]:
        if text[change.start:change.end] != change.replacement:
            found.setdefault((change.start, change.end, change.replacement), change)
    return sorted(found.values(), key=lambda c: (c.start, c.end, c.operator, c.replacement))
