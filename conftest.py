"""Root pytest configuration: one BLAS/OpenMP thread per test process; skip modules whose
optional dependency is not installed."""

import importlib.util
import os

# `pytest -n 2` already runs a process per core. BLAS and OpenMP threads on top of that
# spin-wait for each other on a busy machine: the backtest's fits took 8x longer. Set
# before numpy, scipy or scikit-learn load their libraries (and inherited by every
# subprocess a test starts); a value set in the environment is kept.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

collect_ignore = [] if importlib.util.find_spec("mesa") else ["src/collsec/crisis/mesa_model.py"]
