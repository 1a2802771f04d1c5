"""case-procedure: replay party disciplinary cases of 1930s Moscow factories under declarative norm sets."""

__version__ = "0.1.0"
