"""Data: where datasets live, how they are read, and the project's own curated records."""

from collsec.data.datadir import data_dir, dataset_path

__all__ = ["data_dir", "dataset_path"]
