"""Shared code of the book *The Battle for Kursk, 2024-2025*.

``kursk.load()`` returns the validated dataset as typed pandas frames;
``kursk.charts`` holds the chart theme, party colours and renderer;
``kursk.tables`` turns frames into escaped Markdown tables;
``kursk.sphinxext`` is the book's Sphinx extension; ``kursk.build`` the staged build.
"""

__version__ = "0.1.0"

from .data import DataError, Dataset, expect_sources, load  # noqa: E402

__all__ = ["DataError", "Dataset", "expect_sources", "load", "__version__"]
