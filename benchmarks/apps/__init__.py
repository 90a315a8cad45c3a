"""Baseline apps and workers. They run in the generated project's environment
(FastAPI, Beanie, tinymongo, streaq), never in the benchmark runner's."""
