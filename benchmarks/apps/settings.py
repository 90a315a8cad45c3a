"""The environment the benchmark hands every baseline, read the way the template
reads it (same variable names), so both sides get the same configuration."""

import os

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUE_NAME = os.environ.get("QUEUE_NAME", "bench-baseline")
CONCURRENCY = int(os.environ.get("WORKER_CONCURRENCY", "16"))
DATA_DIR = os.environ.get("DATA_DIR", ".data")
# Signed in both: the template's workers always sign (production requires it).
SIGNING_SECRET = os.environ["TASK_SIGNING_SECRET"]
