"""Data: the dataset registry, fetch and verify, the loaders, the Council record and exporters."""

from collsec.data.registry import cache_dir, datasets, get_dataset, locate

__all__ = ["cache_dir", "datasets", "get_dataset", "locate"]
