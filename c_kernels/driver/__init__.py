"""The Python driver of c_kernels/: build, run and check the C kernels against the goldens.

build.py compiles and links programs for a target, run.py runs them (host, QEMU, Renode)
under a timeout, targets.py describes the targets, presets.py writes tt_presets.h, and
conformance.py with plan.py, program_sources.py, target_job.py, output_parser.py,
results.py and report.py is `tintin conformance` (cli.py).
"""
