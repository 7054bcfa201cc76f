"""The publishing wing: from chapters and data to the web book and the PDF.

* :mod:`.build`: the staged, strict build (``python -m kursk.publish.build html|pdf|book``);
* :mod:`.execute`: the chapters executed in parallel into the execution cache;
* :mod:`.stamps`: what a build has already made, by the digest of its inputs;
* :mod:`.sphinxext`: the book's Sphinx extension, with :mod:`.latex` (the PDF's tables and
  boxes), :mod:`.crossref` (the ledger's and timeline's pages and links), :mod:`.bib` (the
  bibliography), :mod:`.meta` (citation and downloads) and :mod:`.icons`;
* ``templates/`` and ``static/``: the page layout, stylesheet, scripts and vendored Vega.
"""
