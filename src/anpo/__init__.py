"""anpo: the U.S.-Japan security alliance as executable, cited, fast software."""

__version__ = "0.1.0"
