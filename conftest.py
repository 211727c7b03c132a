"""Root pytest configuration: skip modules whose optional dependency is not installed."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("mesa") else ["src/collsec/crisis/mesa_model.py"]
