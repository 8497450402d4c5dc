"""The paper's two sensing applications, on documented synthetic data or a user's files.

- ``bearing``: bearing-fault detection with an autoencoder trained on healthy vibration
  only; the anomaly score is the reconstruction error (vibration.py makes the signals).
- ``spectrum``: spectrum sensing, signal present or absent in a complex-baseband window,
  judged by the detection probability at a fixed false-alarm rate (baseband.py makes the
  signals).

Signals and features are computed on the host in float, standing for the fixed-point FFT
a device would run; the features reach the integer model as int8 payloads with one
power-of-two scale. Each application module provides ``prepare(...) -> App`` (app.py).
"""
