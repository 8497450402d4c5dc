"""tintin: reference toolchain for integer-only neural-network training on microcontrollers.

Sub-packages map onto the top-level folders of the repository:
``tintin.reference`` (reference/), ``tintin.proofs`` (proofs/), ``tintin.golden``
(golden_vectors/) and ``tintin.kernels`` (c_kernels/).
"""

__version__ = "0.1.0"
