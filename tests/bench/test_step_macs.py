"""The MACs of a whole training step (per-MAC figures of the steps) against the kernel items'."""

from __future__ import annotations

from tintin.bench.mcu import Item
from tintin.bench.models import DIGITS_MLP, LENET8_B8
from tintin.bench.report import mac_goal


def test_mlp_step_macs_are_the_sum_of_its_kernel_calls() -> None:
    sizes, b = DIGITS_MLP.model.sizes, DIGITS_MLP.batch
    calls = []
    for i in range(len(sizes) - 1):
        calls.append(Item("dense_forward", b, sizes[i], sizes[i + 1]))
        calls.append(Item("dense_gradient", b, sizes[i], sizes[i + 1]))
        if i > 0:  # the first layer has no backward error
            calls.append(Item("dense_backward_error", b, sizes[i], sizes[i + 1]))
    assert DIGITS_MLP.step_macs() == sum(c.macs for c in calls)


def test_conv_step_macs_count_every_output_position() -> None:
    # LeNet-5 on 8x8: its first layer is a convolution; a step has at least its forward and gradient
    first = next(p for p in LENET8_B8.model.plan(LENET8_B8.batch) if p.weight_shape is not None)
    h, w, c = first.in_shape
    layer = first.layer
    conv = Item("conv2d_forward", conv=(LENET8_B8.batch, h, w, c, layer.out, layer.kernel, layer.stride, layer.pad))
    assert LENET8_B8.step_macs() > 2 * conv.macs


def test_goals_follow_the_issue() -> None:
    dense = {"kind": "dense_gradient", "batch": 32, "n_in": 64, "n_out": 64}
    assert mac_goal(dense, "m4") == 1.5 and mac_goal(dense, "m0plus") == 9.0 and mac_goal(dense, "m7") is None
    one = {"kind": "conv2d_forward", "conv": [8, 8, 8, 1, 6, 3, 1, 1]}
    many = {"kind": "conv2d_forward", "conv": [8, 4, 4, 6, 16, 3, 1, 1]}
    assert mac_goal(one, "m4") == 10.0 and mac_goal(many, "m4") == 2.5
    step = {"kind": "train", "model": DIGITS_MLP.key, "batch": DIGITS_MLP.batch, "macs": DIGITS_MLP.step_macs()}
    goal = mac_goal(step, "m4")
    assert goal is not None and abs(goal * DIGITS_MLP.step_macs() / DIGITS_MLP.batch - 20_000) < 1e-6
