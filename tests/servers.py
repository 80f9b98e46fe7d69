"""Real local servers for integration tests: `chroma run` on 127.0.0.1 (shared with the store benchmark)."""

from bench.servers import ChromaServer, free_port  # noqa: F401
