"""collsec: collective security systems made executable."""

__version__ = "0.5.0"
