"""collsec: collective security systems made executable."""

__version__ = "0.4.0"
