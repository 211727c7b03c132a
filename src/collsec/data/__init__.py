"""Data: the dataset registry, loaders, and the project's own curated records."""

from collsec.data.registry import cache_dir, datasets, get_dataset, locate

__all__ = ["cache_dir", "datasets", "get_dataset", "locate"]
