"""The source registry's rules in plain Python: what a row may hold (`rows`) and the files rows come in and go out
as (`files`). The import and export that store them are `claims.services.registry`."""
