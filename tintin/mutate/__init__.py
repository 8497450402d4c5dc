"""Mutation testing of the C kernels against the goldens (`tintin mutate`).

tokens.py reads C into tokens (comments, strings, character literals and preprocessor
lines are never tokens, so never mutated); operators.py lists the single-point mutations of a
file; population.py collects them over a source folder with stable ids and samples them;
library.py builds the kernel folder of one mutant; runner.py runs the conformance suites on
each mutant; report.py writes the Markdown and JSON reports; cli.py is the command.
"""
