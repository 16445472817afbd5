"""Writes of the claims app, one module a part: `ingest` (an article in), `extraction` (its claims), `registry`
(sources and documents), `proposals` (evidence for a claim) and `work` (the periodic runs and the sweeper). Views,
API views, tasks and commands parse their input and call one of these."""
