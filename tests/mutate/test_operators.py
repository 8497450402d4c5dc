"""The mutator's tokenizer, operators, ids and sampling (no compiler needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tintin.kernels.driver.program_sources import SRC_DIR
from tintin.mutate.equivalent import EquivalentsError, load_equivalents
from tintin.mutate.library import SourceTree, write_folder
from tintin.mutate.operators import changes
from tintin.mutate.population import file_mutants, population, sample
from tintin.mutate.tokens import tokenize

TRICKY = r'''#include "tt_rules.h"
#define LIMIT(x) ((x) < 0 ? 0 : (x))   /* a < b in a macro */
#if defined(X) && X > 1
#endif
/* if (a < b) return a + 1; */
// x = y - 2 >> 3;
static const char *s = "a < b || c + 1";
static const char c = '<', d = '\'';
#define LONG(a, b) \
    ((a) + (b) > 3)
int32_t f(int32_t a, const int32_t *p) { return a < 2 ? p[a] : -a; }
'''


def _mutated_text(text: str) -> list[str]:
    return [m.apply(text) for m in file_mutants("x.c", text)]


def test_tokens_skip_comments_strings_chars_and_preprocessor_lines() -> None:
    words = [t.text for t in tokenize(TRICKY)]
    assert words[:4] == ["static", "const", "char", "*"]
    for inside in ("LIMIT", "defined", "LONG", "return", "\"", "'<'"):
        assert inside not in words[:words.index("f")] or inside == "return"
    assert "<" in words  # the one in f
    assert words.count("<") == 1 and words.count("+") == 0 and "||" not in words


def test_no_mutant_touches_a_comment_string_char_or_directive() -> None:
    lines = TRICKY.splitlines()
    fixed = set(range(0, len(lines) - 1))  # every line but the function's
    for m in file_mutants("x.c", TRICKY):
        assert m.line == len(lines), (m.line, m.describe)
    for text in _mutated_text(TRICKY):
        changed = [i for i, (a, b) in enumerate(zip(lines, text.splitlines(), strict=True)) if a != b]
        assert not set(changed) & fixed


def test_token_positions_are_exact() -> None:
    text = "int a;\n  x = y << 2; /* c */ z = 'q' + w;\n"
    for t in tokenize(text):
        assert text[t.start:t.end] == t.text
        assert text.splitlines()[t.line - 1][t.col - 1:].startswith(t.text)


def _replacements(code: str) -> set[tuple[str, str, str]]:
    return {(c.operator, code[c.start:c.end], c.replacement) for c in changes(code, tokenize(code),
                                                                              frozenset({"tt_min", "tt_max"}))}


def test_each_operator() -> None:
    code = "void g(void) { if (x < n && y >= 0) z = tt_saturate(z + a * b, 127); w = x >> s; q = tt_max(q, v); }"
    found = _replacements(code)
    expected = {
        ("relational", "<", "<="), ("relational", ">=", ">"), ("logical", "&&", "||"),
        ("arithmetic", "+", "-"), ("arithmetic", "*", "/"), ("constant", "127", "128"), ("constant", "127", "126"),
        ("constant", "0", "1"), ("shift-direction", ">>", "<<"), ("shift-amount", "s", "(s + 1)"),
        ("shift-amount", "s", "(s - 1)"), ("negate-condition", "x < n && y >= 0", "!(x < n && y >= 0)"),
        ("drop-call", "tt_saturate(z + a * b, 127)", "(z + a * b)"), ("min-max", "tt_max", "tt_min"),
        ("drop-call", "tt_max(q, v)", "(q)"), ("delete-statement", "q = tt_max(q, v);", ";"),
    }
    assert expected <= found, expected - found


def test_unary_operators_casts_and_pointer_declarators_are_not_arithmetic() -> None:
    found = _replacements("int32_t h(const int32_t *p, int32_t x) { return -x + (int32_t)-1 * *p; }")
    arithmetic = {(o, r) for op, o, r in found if op == "arithmetic"}
    assert arithmetic == {("+", "-"), ("*", "/")}  # the binary + and *, not -x, (int32_t)-1, *p or `int32_t *p`


def test_shift_amount_literals_and_clamp_deletion() -> None:
    found = _replacements("void k(void) { y = x << 31; if (v > lim) v = lim; }")
    assert ("shift-amount", "31", "32") in found and ("shift-amount", "31", "30") in found
    assert ("delete-statement", "if (v > lim) v = lim;", ";") in found
    assert not any(op == "constant" and o == "31" for op, o, _ in found)


def test_hex_literals_keep_their_form() -> None:
    found = _replacements("u = x & 0xFFFF0000u;")
    assert ("constant", "0xFFFF0000u", "0xFFFF0001u") in found and ("constant", "0xFFFF0000u", "0xFFFEFFFFu") in found


def test_ids_are_stable_and_unique_and_ignore_edits_elsewhere() -> None:
    text = (SRC_DIR / "tt_relu_forward.c").read_text()
    ids = [m.id for m in file_mutants("tt_relu_forward.c", text)]
    assert len(ids) == len(set(ids)) > 5
    shifted = [m.id for m in file_mutants("tt_relu_forward.c", "/* a new comment */\n\n" + text)]
    assert shifted == ids


def test_population_of_the_reference_kernels_has_every_file_and_operator() -> None:
    every = population(SRC_DIR)
    assert len({m.id for m in every}) == len(every)
    assert {p.name for p in SRC_DIR.glob("*.c")} <= {m.file for m in every}
    assert {m.operator for m in every} == {"relational", "logical", "arithmetic", "shift-direction", "shift-amount",
                                         "constant", "negate-condition", "drop-call", "delete-statement", "min-max"}


def test_sampling_is_seeded_stable_and_stratified() -> None:
    every = population(SRC_DIR)
    a, b, c = sample(every, 60, 7), sample(every, 60, 7), sample(every, 60, 8)
    assert [m.id for m in a] == [m.id for m in b] and len(a) == 60 == len({m.id for m in a})
    assert [m.id for m in a] != [m.id for m in c]
    per_file = {f: sum(1 for m in every if m.file == f) for f in {m.file for m in every}}
    for f, n in per_file.items():
        share = 60 * n / len(every)
        assert abs(sum(1 for m in a if m.file == f) - share) < 1
    # One file's draw does not depend on the other files' mutants.
    relu = [m for m in every if m.file == "tt_relu_forward.c"]
    assert sample(every, len(every) // 2, 3) and [m.id for m in sample(relu, 3, 3)] == \
        [m.id for m in sample([*relu, *relu[:0]], 3, 3)]
    assert sample(every, None, 1) == every


def test_header_mutant_folder_takes_every_header_and_includer(tmp_path: Path) -> None:
    tree = SourceTree(SRC_DIR)
    m = next(m for m in population(SRC_DIR, ["tt_seq_shapes.h"]))
    folder = write_folder(tree, m, tmp_path / "lib")
    names = {p.name for p in folder.iterdir()}
    assert {p.name for p in SRC_DIR.glob("*.h")} <= names
    assert {"tt_seq_shapes.c", "tt_seq_weight_count.c", "tt_train_step_seq.c"} <= names
    assert "tt_relu_forward.c" not in names
    assert (folder / m.file).read_text() == m.apply((SRC_DIR / m.file).read_text()) != (SRC_DIR / m.file).read_text()
    direct = sorted(p.name for p in SRC_DIR.glob("*.c") if '#include "tt_dot.h"' in p.read_text())
    assert direct and tree.includers("tt_dot.h") == direct
    assert "tt_dense_forward.c" in tree.includers("tt_rules.h")  # through tt_dot.h


def test_equivalents_file(tmp_path: Path) -> None:
    f = tmp_path / "eq.toml"
    f.write_text('# note\n[equivalent]\n"tt_x.c@0123456789" = "a reason"  # fine\n')
    assert load_equivalents(f) == {"tt_x.c@0123456789": "a reason"}
    f.write_text('[equivalent]\n"tt_x.c@0123456789" = ""\n')
    with pytest.raises(EquivalentsError, match="eq.toml:2"):
        load_equivalents(f)
    assert load_equivalents(tmp_path / "missing.toml") == {}


def test_committed_equivalents_name_real_mutants() -> None:
    from tintin.mutate.equivalent import DEFAULT_FILE

    ids = {m.id for m in population(SRC_DIR)}
    listed = load_equivalents(DEFAULT_FILE)
    assert set(listed) <= ids, set(listed) - ids
