"""`tintin bench`: memory, instruction counts, speed and tool times, measured in one run.

Modules: ``models`` (what is measured), ``ram`` (a: RAM accounting), ``icount`` (exact QEMU
instruction counts from streamed traces), ``mcu`` (b: the benchmark program per core and
its items, code size), ``jaxspeed`` (c: JAX throughput), ``tooltimes`` (d: goldens and
proofs), ``report`` (BENCHMARKS.md and benchmarks.json), ``runner`` (the whole run).
"""
