"""Peer timing for bench/seasonal: statsmodels Holt-Winters and STL on the same series.

Usage: python statsmodels_peer.py VALUES.f64 PERIOD   (raw little-endian float64 values)
Prints one JSON line of fit times in ms. Holt-Winters on the full series with a 1440-point season
is very slow in statsmodels, so it runs under a time budget (PEER_HW_BUDGET_S, default 120 s) and
is also timed on the last 14 periods.
"""
import json
import os
import signal
import sys
import time
import warnings

import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from statsmodels.tsa.seasonal import STL

warnings.filterwarnings("ignore")


class Budget(Exception):
    pass


def on_alarm(signum, frame):
    raise Budget()


def timed(f, budget_s=None):
    if budget_s:
        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(budget_s)
    a = time.perf_counter()
    try:
        f()
        return round((time.perf_counter() - a) * 1000, 1)
    except Budget:
        return f"> {budget_s * 1000} (stopped)"
    finally:
        if budget_s:
            signal.alarm(0)


def hw(y, period):
    return ExponentialSmoothing(
        y, trend="add", damped_trend=True, seasonal="add", seasonal_periods=period,
        initialization_method="heuristic",
    ).fit()


def main():
    y = np.fromfile(sys.argv[1], dtype="<f8")
    period = int(sys.argv[2])
    budget = int(os.environ.get("PEER_HW_BUDGET_S", "120"))
    jumps = dict(seasonal_jump=max(1, period // 10), trend_jump=max(1, period // 5), low_pass_jump=max(1, period // 10))
    tail = y[-14 * period:].copy()
    print(json.dumps({
        "points": int(len(y)),
        "period": period,
        "stl_fit_ms": timed(lambda: STL(y, period=period, **jumps).fit()),
        "stl_robust_fit_ms": timed(lambda: STL(y, period=period, robust=True, **jumps).fit()),
        "holtwinters_damped_fit_ms_last_14_periods": timed(lambda: hw(tail, period), budget),
        "holtwinters_damped_fit_ms_full": timed(lambda: hw(y, period), budget),
    }))


if __name__ == "__main__":
    main()
