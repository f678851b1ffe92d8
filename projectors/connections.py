"""One open psycopg connection per write-side domain, reopened after a failure (the projectors' source
reader and the outbox relay both keep one per domain database)."""

from typing import Any

import psycopg

from write.settings import WriteSettings


class DomainConnections:
    """Not for use by two threads at once; ``connect_options`` go to every ``psycopg.connect``."""

    def __init__(self, settings: WriteSettings, **connect_options: Any) -> None:
        self._settings = settings
        self._options = connect_options
        self._open: dict[str, psycopg.Connection] = {}

    def get(self, domain: str) -> psycopg.Connection:
        connection = self._open.get(domain)
        if connection is None or connection.closed or connection.broken:
            connection = psycopg.connect(self._settings.libpq_url(domain), **self._options)
            self._open[domain] = connection
        return connection

    def drop(self, domain: str) -> None:
        """Closes the domain's connection (after a failure: the next ``get`` opens a fresh one)."""
        connection = self._open.pop(domain, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for domain in list(self._open):
            self.drop(domain)
