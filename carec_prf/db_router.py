"""Reads of the public pages and the anonymous API from a streaming replica; everything else from
the primary.

How a query's database is decided (`PublicReadRouter`):

- Without `DATABASE_REPLICA_URL` there is no `replica` database and every query goes to `default`,
  the primary.
- Writes always go to the primary.
- A read goes to the replica only inside a public read: a GET or HEAD by a visitor who is not signed
  in (`clusters.cache.public_request`, the rule the page cache follows too), marked by
  `PublicReadsMiddleware` for the time of the view. Signed-in staff and API clients with a token
  read from the primary, so they see their own writes at once; so do Celery tasks and commands.
- Even inside a public read, the primary answers once the request has written anything, and
  inside a transaction on the primary: a read that must see a write is never sent to a copy that
  may be a few milliseconds behind.
- A replica that does not answer is left alone for `DOWN_SECONDS`: every read goes to the primary
  meanwhile, then the replica is tried again with a short connect timeout (`connect_timeout` in
  the settings). A replica in use is checked with `SELECT 1` at most every
  `DATABASE_REPLICA_CHECK_SECONDS`. If it fails in the middle of a request, the middleware marks
  it down and answers the request again from the primary, so a visitor never sees it stop.

A streamed response's body (the open data's large files) is read after the view returns, outside
the public read, so from the primary.
"""

import logging
import time
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from clusters.cache import public_request

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
DOWN_SECONDS = 10


@dataclass
class _PublicRead:
    wrote: bool = False


_public_read: ContextVar[_PublicRead | None] = ContextVar("public_read", default=None)


@dataclass
class _ReplicaState:
    checked_at: float = float("-inf")  # when the replica last answered a check
    down_until: float = float("-inf")  # not tried again before this (time.monotonic())


_state = _ReplicaState()


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_down(error: Exception) -> None:
    """Send every read to the primary for DOWN_SECONDS, and drop this thread's replica connection."""
    _state.down_until = time.monotonic() + DOWN_SECONDS
    logger.warning("The replica did not answer (%s); reads go to the primary for %s s.", error, DOWN_SECONDS)
    replica = connections[REPLICA]
    with suppress(DatabaseError):
        replica.close()
    replica.errors_occurred = False  # what process_exception asks: "did the replica just fail?"


def replica_check() -> bool:
    """Connect to the replica if need be and run SELECT 1; False (and marked down) if it fails."""
    replica = connections[REPLICA]
    try:
        replica.ensure_connection()
        with replica.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        replica_down(error)
        return False
    _state.checked_at = time.monotonic()
    return True


def replica_available() -> bool:
    now = time.monotonic()
    if now < _state.down_until:
        return False
    if now - _state.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
        return True
    return replica_check()


class PublicReadRouter:
    def db_for_read(self, model, **hints):
        read = _public_read.get()
        if read is None or read.wrote or not replica_configured():
            return PRIMARY
        if connections[PRIMARY].in_atomic_block or not replica_available():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        read = _public_read.get()
        if read is not None:
            read.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PublicReadsMiddleware:
    """Marks a public request's view as a public read (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured() or not public_request(request):
            return self.get_response(request)
        token = _public_read.set(_PublicRead())
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)

    def process_exception(self, request, exception):
        """The replica failed during the view: mark it down and answer again from the primary.
        Only public reads come here, which are GET or HEAD requests and safe to run twice."""
        if (
            _public_read.get() is None
            or getattr(request, "_replica_retried", False)
            or not isinstance(exception, OperationalError | InterfaceError)  # gone, not a wrong query
            or not connections[REPLICA].errors_occurred
        ):
            return None
        request._replica_retried = True
        replica_down(exception)
        return self.get_response(request)
