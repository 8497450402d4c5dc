"""The sensing applications: generators do what they document, features are int8, the integer
autoencoder learns, the energy detector behaves, and bad data files get clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tintin.reference import training as T
from tintin.reference.apps import baseband, bearing, metrics, spectrum, vibration
from tintin.reference.apps.files import AppDataError
from tintin.reference.apps.quantise import TARGET
from tintin.reference.config import TINTIN

# --- the vibration generator ---------------------------------------------------------------------


def test_vibration_is_deterministic_per_seed_and_stream() -> None:
    a = vibration.generate(4, "inner", 2.0, seed=3, stream=1)
    b = vibration.generate(4, "inner", 2.0, seed=3, stream=1)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.allclose(a.x, vibration.generate(4, "inner", 2.0, seed=4, stream=1).x)
    assert not np.allclose(a.x, vibration.generate(4, "inner", 2.0, seed=3, stream=2).x)


def test_vibration_draws_documented_ranges() -> None:
    cfg = vibration.VibrationConfig()
    w = vibration.generate(50, "outer", (1.0, 4.0), seed=0)
    assert w.x.shape == (50, cfg.window)
    assert np.all((w.shaft_hz >= 20) & (w.shaft_hz <= 30))
    np.testing.assert_allclose(w.fault_hz, cfg.bpfo_ratio * w.shaft_hz)
    assert np.all((w.severity >= 1.0) & (w.severity <= 4.0))
    healthy = vibration.generate(50, "healthy", 0.0, seed=0)
    assert np.all(healthy.fault_hz == 0) and np.all(healthy.severity == 0)
    with pytest.raises(ValueError, match="kind"):
        vibration.generate(1, "cage", 1.0, seed=0)


def _envelope_line(x: np.ndarray, fs: float, f_line: float) -> float:
    """Envelope-spectrum power at f_line over the median of 10..500 Hz (classic bearing diagnosis:
    high-pass to the resonance band, take the envelope, look for the fault frequency)."""
    from scipy.signal import hilbert

    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(len(x), 1 / fs)
    spec[f < 1500] = 0
    env = np.abs(hilbert(np.fft.irfft(spec, len(x))))
    es = np.abs(np.fft.rfft((env - env.mean()) * np.hanning(len(x)))) ** 2
    near = np.abs(f - f_line) <= 2 * fs / len(x)
    return float(es[near].max() / np.median(es[(f > 10) & (f < 500)]))


@pytest.mark.parametrize(("kind", "ratio"), [("outer", "bpfo_ratio"), ("inner", "bpfi_ratio")])
def test_faulty_windows_carry_the_fault_frequency_in_their_envelope(kind: str, ratio: str) -> None:
    cfg = vibration.VibrationConfig()
    faulty = vibration.generate(20, kind, 4.0, seed=1)
    healthy = vibration.generate(20, "healthy", 0.0, seed=1)
    at_fault = [_envelope_line(x, cfg.sample_rate, f) for x, f in zip(faulty.x, faulty.fault_hz)]
    # healthy windows looked at where their fault line would be
    at_none = [_envelope_line(x, cfg.sample_rate, getattr(cfg, ratio) * f) for x, f in zip(healthy.x, healthy.shaft_hz)]
    assert np.median(at_fault) > 5 * np.median(at_none)  # measured about 10x (inner) and 16x (outer)
    assert np.median(at_fault) > 10


# --- the baseband generator ----------------------------------------------------------------------


def test_baseband_snr_matches_the_request() -> None:
    grid = np.array([-20.0, -10.0, 0.0, 5.0])
    snr = np.repeat(grid, 200)
    parts = baseband.components(np.ones(len(snr)), snr, seed=0)
    measured = 10 * np.log10(np.mean(np.abs(parts.signal) ** 2, axis=1) / np.mean(np.abs(parts.noise) ** 2, axis=1))
    for level in grid:
        assert abs(np.mean(measured[snr == level]) - level) < 0.3
    assert abs(np.mean(np.abs(parts.noise) ** 2) - 1.0) < 0.02
    absent = baseband.components(np.zeros(5), np.zeros(5), seed=0)
    assert np.all(absent.signal == 0)


def test_baseband_is_deterministic_and_marks_absent_snr() -> None:
    present = np.array([0, 1, 1, 0])
    a = baseband.generate(present, np.array([3.0, -5.0, 0.0, 1.0]), seed=2)
    b = baseband.generate(present, np.array([3.0, -5.0, 0.0, 1.0]), seed=2)
    assert np.array_equal(a.iq, b.iq)
    assert np.isnan(a.snr_db[0]) and a.snr_db[1] == -5.0


# --- features and data sets ----------------------------------------------------------------------

SMALL_BEARING = bearing.Plan(train_healthy=600, test_healthy=150, test_per_group=150, severities=(3.0,),
                             kinds=("outer",))


@pytest.fixture(scope="module")
def bearing_app() -> bearing.BearingApp:
    return bearing.prepare(seed=0, plan=SMALL_BEARING)


def _check_payloads(x: np.ndarray) -> None:
    assert x.dtype == np.int8 and x.min() >= -127 and x.max() <= 127


def test_bearing_features_are_int8_centred_and_scaled(bearing_app: bearing.BearingApp) -> None:
    d = bearing_app.data
    _check_payloads(d.x_train)
    _check_payloads(d.x_test)
    assert d.x_train.shape == (600, bearing.BANDS) and d.x_test.shape == (300, bearing.BANDS)
    level = np.quantile(np.abs(d.x_train.astype(int)), 0.999)
    assert TARGET / 2 < level <= TARGET + 1  # the chosen power of two puts the healthy quantile near 64
    assert np.all(np.abs(d.x_train.mean(axis=0)) < 3)  # centred on the healthy mean spectrum
    assert int(d.x_header.s) == -6 and sorted(set(d.y_test.tolist())) == [0, 1]


def test_spectrum_features_are_int8_with_a_bias_input() -> None:
    app = spectrum.prepare(seed=0, plan=spectrum.Plan(train_windows=400, test_noise=100, test_per_snr=20))
    _check_payloads(app.data.x_train)
    assert app.data.x_train.shape == (400, spectrum.BINS + 1)
    assert np.all(app.data.x_train[:, -1] == 64) and np.all(app.data.x_test[:, -1] == 64)
    assert app.model.sizes == (spectrum.BINS + 1, *spectrum.HIDDEN, 2)


# --- the integer autoencoder learns ------------------------------------------------------------------


def test_integer_autoencoder_beats_the_trivial_score(bearing_app: bearing.BearingApp) -> None:
    _, hist = T.train_integer(bearing_app.model, TINTIN, bearing_app.data, 8, 32, seed=0,
                              evaluation=bearing_app.evaluation, per_sample=True)
    assert hist.metric == "AUC" and hist.train_acc == [] and len(hist.test_metric) == 8
    assert hist.outputs is not None
    report = bearing_app.report({"tintin": hist.outputs})
    trivial = report["auc"][bearing.REFERENCE]  # a model that outputs zeros: distance from the healthy mean
    assert report["auc"]["tintin"] == pytest.approx(hist.final_metric)
    assert report["auc"]["tintin"] > max(0.68, trivial + 0.08), report["auc"]


# --- detection metrics and the energy detector -----------------------------------------------------


def test_threshold_gives_the_requested_false_alarm_rate() -> None:
    null = np.random.default_rng(0).standard_normal(20000)
    thr = metrics.threshold_at_pfa(null, 0.1)
    assert abs(np.mean(null > thr) - 0.1) < 0.002
    with pytest.raises(ValueError, match="false-alarm"):
        metrics.threshold_at_pfa(null, 1.0)


def test_energy_detector_pd_rises_with_snr() -> None:
    grid = (-20.0, -15.0, -10.0, -5.0, 0.0, 5.0)
    app = spectrum.prepare(seed=0, plan=spectrum.Plan(train_windows=100, test_noise=3000, test_per_snr=300,
                                                      snr_grid=grid))
    pd = metrics.pd_by_group(app.data.y_test, app.energy_test, app.snr_bucket, app.buckets, 0.1)
    assert app.buckets.tolist() == list(grid)
    assert np.all(np.diff(pd) > -0.05), pd  # monotone up to sampling noise
    assert pd[0] < 0.2 and pd[-1] > 0.99 and pd[-2] > 0.95


# --- the user's data files -------------------------------------------------------------------------


def _bearing_file(tmp_path: Path, **arrays: object) -> Path:
    base = {"windows": np.zeros((30, 128)), "labels": np.r_[np.zeros(25), np.ones(5)], "sample_rate": 12000.0}
    base.update(arrays)
    path = tmp_path / "bearing.npz"
    np.savez(path, **{k: v for k, v in base.items() if v is not None})
    return path


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"labels": None}, "missing array(s) labels"),
        ({"windows": np.zeros(128)}, "'windows' must be 2-D"),
        ({"windows": np.zeros((30, 16))}, "too short"),
        ({"labels": np.zeros(29)}, "'labels' must have shape (30,)"),
        ({"labels": np.r_[np.zeros(25), np.full(5, 2)]}, "only 0 and 1"),
        ({"sample_rate": -1.0}, "'sample_rate' must be one positive number"),
        ({"labels": np.r_[np.zeros(10), np.ones(20)]}, "at least 20 healthy"),
        ({"windows": np.full((30, 128), np.nan)}, "NaN"),
    ],
)
def test_bad_bearing_files_name_the_file_and_the_problem(tmp_path: Path, arrays: dict[str, object],
                                                         message: str) -> None:
    path = _bearing_file(tmp_path, **arrays)
    with pytest.raises(AppDataError) as err:
        bearing.prepare(path=path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_bad_spectrum_files_and_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "iq.npz"
    n = 40
    good = {"iq": np.ones((n, 64), complex), "present": np.r_[np.zeros(20), np.ones(20)], "snr_db": np.zeros(n)}
    changes: list[tuple[dict[str, np.ndarray], str]] = [
        ({"iq": np.ones((n, 64))}, "'iq' must be complex"),
        ({"snr_db": np.full(n, np.nan)}, "'snr_db' must be finite"),
        ({"present": np.r_[np.zeros(35), np.ones(5)]}, "at least 20 signal-present"),
    ]
    for change, message in changes:
        np.savez(path, **{**good, **change})
        with pytest.raises(AppDataError, match="^" + str(path).replace("\\", "\\\\")) as err:
            spectrum.prepare(path=path)
        assert message in str(err.value)
    with pytest.raises(AppDataError, match="no such file"):
        spectrum.prepare(path=tmp_path / "absent.npz")
    (tmp_path / "text.npz").write_text("not numpy")
    with pytest.raises(AppDataError, match="not a readable .npz"):
        spectrum.prepare(path=tmp_path / "text.npz")
    np.save(tmp_path / "bare.npy", np.zeros(3))
    with pytest.raises(AppDataError, match="not an .npz archive"):
        spectrum.prepare(path=tmp_path / "bare.npy")


def test_real_bearing_file_splits_healthy_for_training(tmp_path: Path) -> None:
    cfg = vibration.VibrationConfig(window=256)
    healthy = vibration.generate(40, "healthy", 0.0, seed=0, cfg=cfg).x
    faulty = vibration.generate(10, "outer", 4.0, seed=0, cfg=cfg).x
    path = _bearing_file(tmp_path, windows=np.concatenate([healthy, faulty]), labels=np.r_[np.zeros(40), np.ones(10)])
    app = bearing.prepare(path=path)
    assert len(app.data.y_train) == 28 and int(app.data.y_test.sum()) == 10 and len(app.data.y_test) == 22
    assert app.group_names == ("fault",) and str(path) in app.source
