"""scikit-learn peer for bench/iforest: fits and scores the matrix the Node bench wrote.

Usage: sklearn_peer.py DATA.f64 N_ROWS N_FEATURES SCORES_OUT.f64 [REPEATS]
Prints one JSON line of timings (ms); writes -score_samples (the anomaly score in (0,1), the
same quantity as Vigil's forest score) as float64 to SCORES_OUT.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest


def main() -> None:
    path, n_rows, n_features, out_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    x = np.fromfile(path, dtype="<f8").reshape(n_rows, n_features)
    fit_ms, score_ms = [], []
    scores = None
    for _ in range(repeats):
        model = IsolationForest(n_estimators=100, max_samples=256, random_state=0)
        t0 = time.perf_counter()
        model.fit(x)
        t1 = time.perf_counter()
        s = model.score_samples(x)
        t2 = time.perf_counter()
        fit_ms.append((t1 - t0) * 1e3)
        score_ms.append((t2 - t1) * 1e3)
        scores = -s
    scores.astype("<f8").tofile(out_path)
    # Same algorithm, another seed: how far two sklearn forests agree sets the bar for ours.
    other = -IsolationForest(n_estimators=100, max_samples=256, random_state=1).fit(x).score_samples(x)
    other.astype("<f8").tofile(out_path + ".seed1")
    print(json.dumps({
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "fit_ms": fit_ms,
        "score_ms": score_ms,
    }))


if __name__ == "__main__":
    main()
