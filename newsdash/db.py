"""A PostgreSQL connection that gives up on a server that has stopped answering.

The server's own ``statement_timeout`` ends a slow statement, but a server that is
frozen (stopped, or its machine stalled) ends nothing: the worker would wait for as
long as it stays frozen. This connection waits at most DATABASE_WAIT seconds for any
answer, then closes itself and raises OperationalError, which a page answers with a
503 (newsdash.middleware.DatabaseUnavailableMiddleware).
"""

import psycopg
from django.conf import settings


class Connection(psycopg.Connection):
    def wait(self, gen, interval=0.1, timeout=None):
        if timeout is None:
            timeout = settings.DATABASE_WAIT
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except psycopg.errors._WaitTimeout:  # psycopg's own signal that the wait ran out
            self.pgconn.finish()  # midway through a statement: never to be used again
            raise psycopg.OperationalError(f"the database did not answer within {timeout:g} s") from None
