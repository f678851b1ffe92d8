"""Command side: one package per domain, each with its own PostgreSQL database and outbox."""
