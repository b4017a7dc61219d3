"""Site generation as plain functions, independent of the site engine.

Two steps: `mlops_atlas.site.prepare.prepare` writes every generated file
into ``docs/generated/`` and returns the context;
`mlops_atlas.site.shortcodes.render_page` expands one page's shortcodes and
citations in that context. The MkDocs hooks (``hooks.py``) and the
Python-Markdown extension (``markdown.py``) only call them. Import the modules
themselves: this package re-exports nothing, so a light module such as
`mlops_atlas.site.paths` imports nothing heavy.
"""
