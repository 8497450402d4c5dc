"""Whole training-step suites (docs/spec.md 4.6): train_step_mlp_tintin, train_step_mlp_niti,
train_step_autoencoder. One case = an initial state and n_steps batches; the expected outputs
are the weights, headers and metrics after every step.

Tensor names (the interface of tt_train_step_mlp):
inputs  "layer{i}/w" int8[O,I], "layer{i}/h" int8[3], "seed" int32[], "step" int32[],
        "x_h" int8[3], ("target_h" int8[3] for the autoencoder), then per step k
        "batch{k}/x" int8[B,I] and "batch{k}/labels" int32[B] (or "batch{k}/target" int8[B,N]);
params  n_layers, n_steps, size0..sizeL, batch, loss (0 softmax cross-entropy, 1 MSE);
outputs per step k: "step{k}/layer{i}/w", "step{k}/layer{i}/h", then "step{k}/correct"
        (classification only) and "step{k}/error_abs_sum", both int32[].
Reading, running and writing cases is shared with the CNN suites (train_steps.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from tintin.reference import model as M
from tintin.reference.config import NITI, TINTIN, NumericsConfig
from tintin.reference.rules import Header

from ..suite import CaseSpec
from ._common import CaseList, Entry, StableRng, n_random
from .train_steps import LOSSES, StepFamily, TrainStepSuite, case_inputs, pretrained, random_batches, random_params


def _model(params: Mapping[str, int]) -> M.MLP:
    sizes = tuple(int(params[f"size{i}"]) for i in range(int(params["n_layers"]) + 1))
    return M.MLP(sizes, loss=LOSSES[int(params["loss"])])


MLP_STEPS = StepFamily(kernel="tt_train_step_mlp", weights="layer", model=_model,
                       generator_info="JaxOps (jax_backend.jit_train_step)")


# --- case construction ----------------------------------------------------------------------


class TrainCases:
    """Builds train-step CaseSpecs: inputs and params in the interface's order."""

    def __init__(self, suite: str, cfg: NumericsConfig, loss: str) -> None:
        self.c = CaseList(suite)
        self.cfg = cfg
        self.loss = loss

    def add(
        self,
        edge: str,
        comment: str,
        flags: list[str],
        model: M.MLP,
        state: M.TrainState,
        x_h: tuple[int, int, int],
        xs: Sequence[np.ndarray],
        labels_or_targets: Sequence[np.ndarray],
        target_h: tuple[int, int, int] | None = None,
    ) -> None:
        inputs = case_inputs(MLP_STEPS.weights, state, self.loss, x_h, xs, labels_or_targets, target_h)
        params = {"n_layers": model.n_layers, "n_steps": len(xs)}
        params.update({f"size{i}": n for i, n in enumerate(model.sizes)})
        params["batch"] = int(np.shape(xs[0])[0])
        params["loss"] = LOSSES.index(self.loss)
        self.c.add(edge, comment, flags, inputs, params)


def _mlp_cases(suite: str, cfg: NumericsConfig, seed: int) -> Callable[[str], list[CaseSpec]]:
    def cases(level: str) -> list[CaseSpec]:
        t = TrainCases(suite, cfg, "softmax_xent")
        rng = StableRng(seed)
        h7 = (-7, 0, 0)

        def data(model: M.MLP, b: int, n: int, lo: int = 0, hi: int = 112) -> tuple[list, list]:
            return random_batches(rng, model, b, n, lo, hi)

        small = M.MLP((16, 12, 10))
        deep = M.MLP((12, 10, 8, 6))
        init = M.init_state(small, cfg, 1)
        t.add("init", "16-12-10 from the initial weights (seed 1), 4 steps of batch 8, inputs in [0, 112]",
              ["init"], small, init, h7, *data(small, 8, 4))
        t.add("signed-input", "signed inputs in [-127, 127] with input header (-6, 1, 0)",
              ["signed-input", "fine-steps"], small, M.init_state(small, cfg, 2), (-6, 1, 0),
              *data(small, 8, 3, -127, 127))
        xs, ys = data(small, 8, 3)
        xs[0] = np.zeros_like(xs[0])
        t.add("zero-batch", "the first batch is all zero (no gradient from layer 0), then random",
              ["all-zero", "zero-gradient"], small, M.init_state(small, cfg, 3), h7, xs, ys)
        sat = np.where(np.arange(16) % 2 == 0, 127, -127) * np.ones((8, 16), dtype=np.int64)
        xs, ys = data(small, 8, 3)
        xs[1] = sat
        t.add("max-input", "one batch of +-127 inputs: largest accumulators", ["max-magnitude", "qmax"],
              small, M.init_state(small, cfg, 4), h7, xs, ys)
        counter = M.init_state(small, cfg, -5)._replace(step=1_000_000)
        t.add("step-counter", "seed -5, step counter from 1000000: other stochastic-rounding bits",
              ["hash-inputs"], small, counter, h7, *data(small, 8, 3))
        rand_state = M.TrainState(random_params(rng, small, [(-6, 0, 2), (-8, 1, 0)]), 7, 21)
        t.add("random-weights", "random full-range weights with fine headers (-6, 0, 2) and (-8, 1, 0)",
              ["random-weights", "fine-steps"], small, rand_state, h7, *data(small, 8, 3))
        mid = pretrained(small, cfg, 6, 30, rng, 8, Header(*h7))
        t.add("mid-training", "state after 30 steps on random batches (made with JAX, stored as input)",
              ["mid-training"], small, mid, h7, *data(small, 8, 3))
        # Two (model, batch) shapes in CI: each one is a JAX compilation of seconds.
        t.add("deep-batch-1", "three layers 12-10-8-6 (a layer with ReLU on both sides), batch of one sample",
              ["deep", "batch-1"], deep, M.init_state(deep, cfg, 8), h7, *data(deep, 1, 4))
        if level == "thorough":
            t.add("deep", "three layers 12-10-8-6, batch 4", ["deep"], deep, M.init_state(deep, cfg, 10), h7,
                  *data(deep, 4, 3))
            t.add("batch-1", "16-12-10, batch of one sample", ["batch-1"], small, M.init_state(small, cfg, 9), h7,
                  *data(small, 1, 4))
        for _ in range(n_random(level, 2, 12)):
            model = rng.choice([small, deep])
            b = 8 if model is small else 1
            state = M.init_state(model, cfg, rng.integer(0, 1 << 20))._replace(step=rng.integer(0, 1 << 20))
            t.add("random", "seeded random initial seed, step counter and batches", ["random"], model, state,
                  h7, *data(model, b, 3, -127 if rng.integer(0, 1) else 0, 127))
        if level == "thorough":
            from tintin.reference.data import load_digits

            digits = M.MLP((64, 32, 10))
            for s in range(4):
                ds = load_digits(seed=s)
                order = [rng.integer(0, len(ds.y_train) - 1) for _ in range(4 * 16)]
                xs = [ds.x_train[order[16 * k:16 * (k + 1)]] for k in range(4)]
                ys = [ds.y_train[order[16 * k:16 * (k + 1)]] for k in range(4)]
                h = tuple(int(v) for v in ds.x_header)
                t.add("digits", f"64-32-10 on real digits batches (split seed {s}), 4 steps of batch 16",
                      ["digits", "init"], digits, M.init_state(digits, cfg, s), h, xs, ys)  # type: ignore[arg-type]
            mid = pretrained(digits, cfg, 11, 50, rng, 8, Header(-7, 0, 0))
            t.add("digits-mid", "64-32-10 after 50 random-batch steps", ["digits", "mid-training"], digits, mid, h7,
                  *data(digits, 16, 4))
        return t.c.specs

    return cases


def _autoencoder_cases(level: str) -> list[CaseSpec]:
    cfg = TINTIN
    t = TrainCases("train_step_autoencoder", cfg, "mse")
    rng = StableRng(7303)
    h7 = (-7, 0, 0)
    ae = M.MLP((12, 8, 12), loss="mse")
    deep = M.MLP((12, 8, 6, 12), loss="mse")

    def xs(model: M.MLP, b: int, n: int, lo: int = 0, hi: int = 112) -> list[np.ndarray]:
        return [rng.ints(lo, hi, (b, model.sizes[0]), np.int8) for _ in range(n)]

    x = xs(ae, 8, 4)
    t.add("init", "12-8-12 reconstructing its input (target = x, same header), 4 steps of batch 8",
          ["init", "reconstruct"], ae, M.init_state(ae, cfg, 1), h7, x, x, h7)
    x = xs(ae, 8, 3)
    t.add("target-header", "target = x but in header (-6, 1, 0): rescale to the coarser header",
          ["fine-steps"], ae, M.init_state(ae, cfg, 2), h7, x, x, (-6, 1, 0))
    x = xs(ae, 8, 3)
    t.add("zero-target", "all-zero targets", ["all-zero"], ae, M.init_state(ae, cfg, 3), h7, x,
          [np.zeros_like(v) for v in x], h7)
    x = xs(ae, 8, 3, -127, 127)
    t.add("signed", "signed inputs and targets in [-127, 127], target header (-8, 0, 2)",
          ["signed-input", "fine-steps"],
          ae, M.init_state(ae, cfg, 4), (-7, 0, 1), x, xs(ae, 8, 3, -127, 127), (-8, 0, 2))
    mid = pretrained(ae, cfg, 5, 30, rng, 8, Header(*h7))
    x = xs(ae, 8, 3)
    t.add("mid-training", "state after 30 steps (made with JAX, stored as input)", ["mid-training"], ae, mid, h7, x, x,
          h7)
    # Two (model, batch) shapes in CI: each one is a JAX compilation of seconds.
    x = xs(deep, 1, 4)
    t.add("deep-batch-1", "three layers 12-8-6-12, batch of one sample", ["deep", "batch-1"], deep,
          M.init_state(deep, cfg, 6), h7, x, x, h7)
    if level == "thorough":
        x = xs(deep, 4, 3)
        t.add("deep", "three layers 12-8-6-12, batch 4", ["deep"], deep, M.init_state(deep, cfg, 8), h7, x, x, h7)
        x = xs(ae, 1, 4)
        t.add("batch-1", "12-8-12, batch of one sample", ["batch-1"], ae, M.init_state(ae, cfg, 7), h7, x, x, h7)
    for _ in range(n_random(level, 2, 12)):
        model = rng.choice([ae, deep])
        b = 8 if model is ae else 1
        state = M.init_state(model, cfg, rng.integer(0, 1 << 20))._replace(step=rng.integer(0, 1 << 20))
        x = xs(model, b, 3)
        t.add("random", "seeded random initial seed, step counter and batches", ["random"], model, state, h7, x, x, h7)
    return t.c.specs


TRAIN_MLP_TINTIN = TrainStepSuite(
    family=MLP_STEPS,
    name="train_step_mlp_tintin",
    description="Whole training steps of a classification MLP (spec 4.6, config tintin): forward, "
    "softmax cross-entropy error, per layer ReLU mask, gradient, backward error, aligned update; "
    "weights, headers and metrics after every step.",
    cfg=TINTIN,
    cases=_mlp_cases("train_step_mlp_tintin", TINTIN, 7101),
    seed=7101,
)

TRAIN_MLP_NITI = TrainStepSuite(
    family=MLP_STEPS,
    name="train_step_mlp_niti",
    description="Whole training steps of a classification MLP (spec 4.6, config niti: no window, no "
    "fine steps, NITI update); weights, headers and metrics after every step.",
    cfg=NITI,
    cases=_mlp_cases("train_step_mlp_niti", NITI, 7202),
    seed=7202,
)

TRAIN_AUTOENCODER = TrainStepSuite(
    family=MLP_STEPS,
    name="train_step_autoencoder",
    description="Whole training steps of an MLP autoencoder (spec 4.6, config tintin, param loss = 1: "
    "MSE error against batch{k}/target in header target_h); weights, headers and error_abs_sum "
    "after every step.",
    cfg=TINTIN,
    cases=_autoencoder_cases,
    seed=7303,
)

ENTRIES: list[Entry] = [Entry(s.suite_def(), s.oracle) for s in (TRAIN_MLP_TINTIN, TRAIN_MLP_NITI, TRAIN_AUTOENCODER)]
