"""The queue's machinery: what makes tasks robust, observable and reachable over
HTTP. Jobs use it; most people never need to open these files."""
