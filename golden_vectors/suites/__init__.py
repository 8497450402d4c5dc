"""Registry of golden suites: suite name -> SuiteDef, and suite name -> exact-integer oracle.

`tintin golden generate` writes one file per entry and level; `tintin golden check`
regenerates and compares. Expected outputs come from the JAX reference (JaxOps); ORACLES
holds, for every suite, the same computation run with PyOps (exact Python integers that raise
OracleOverflow instead of wrapping): tests/golden/test_suites.py runs it on the stored inputs
of every committed case, an independent check of the JAX numbers.

One module per family: rounding (3.2, 3.3), headers (2.3, 3.5 - 3.7), layers (4.1 - 4.4),
losses (5), train (4.6), conv (convolution, max pooling, CNN train steps). The registry order
is the order of the interface table. Cases made from the counterexamples of `tintin prove`
are added by proof_cases.py (from the committed golden_vectors/proof_counterexamples.json).
"""

from __future__ import annotations

from ..suite import SuiteDef
from . import conv, headers, layers, losses, rounding, train
from ._common import Entry, KernelSuite, OracleFn

_ENTRIES: list[Entry] = [*rounding.ENTRIES, *headers.ENTRIES, *layers.ENTRIES, *losses.ENTRIES, *train.ENTRIES,
                       *conv.ENTRIES]

SUITES: dict[str, SuiteDef] = {e.defn.name: e.defn for e in _ENTRIES}
ORACLES: dict[str, OracleFn] = {e.defn.name: e.oracle for e in _ENTRIES}
# The suites written as one kernel call (all but the training steps): proof_cases.py adds
# cases made from proof counterexamples to these.
KERNEL_SUITES: dict[str, KernelSuite] = {e.defn.name: e.kernel_suite for e in _ENTRIES if e.kernel_suite is not None}

__all__ = ["KERNEL_SUITES", "ORACLES", "SUITES"]
