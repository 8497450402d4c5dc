"""Z3 proofs over the integer rules (tintin.proofs): overflow-freedom, exactness, exact limits.

The rules of tintin.reference.rules are written once against an ops object; ``Z3Ops``
(z3ops.py) interprets them over bit-vectors and records every side condition C would need.
Theorems (theorems.py and the thm_*.py modules) state premises and claims once, against a
spec-math object (specmath.py), so the same theorem is proved by Z3 and replayed on
Python integers by the exact oracle. prover.py solves, runner.py runs configs in
parallel, report.py writes proofs.md / proofs.json / tt_proved_limits.h, mutants.py
checks that wrong rules are caught, and cli.py is ``tintin prove``.
"""
