"""Stand-ins for the notebook-side SDKs of other pipeline tools, over runnable-jupyter's catalog
and parameters, so that imported notebooks run with at most a one-line change:
`from runnable_jupyter.compat import orchest` instead of `import orchest`.

Cheap to import, like `runnable_jupyter.catalog`: the standard library only.
"""
