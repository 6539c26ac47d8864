"""PlateKeeper: a licence plate reader back end that keeps the law's duties by default."""

__version__ = "0.1.0"
