"""The public pages' cache. A page is stored whole, keyed by its full path (language prefix and
query string included) and by a generation number; clearing the cache bumps the generation, so
every process sharing the cache backend stops serving the old pages at once, without flushing a
backend that may hold other data."""

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

ALIAS = "pages"
GENERATION_KEY = "pages:generation"
# Framework text edited in the admin does not trigger a recompute: pages expire on their own.
TIMEOUT_SECONDS = 600


def _cache():
    return caches[ALIAS] if ALIAS in settings.CACHES else caches["default"]


def page_cache_clear() -> None:
    """Stop serving every cached page (called when a recompute has stored new results)."""
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation stored yet, or it expired
        cache.set(GENERATION_KEY, 1, timeout=None)


def _key(request, generation: int) -> str:
    # The API picks its language from Accept-Language when no ?lang= is given.
    language = request.META.get("HTTP_ACCEPT_LANGUAGE", "") if request.path.startswith("/api/") else ""
    # A feed's data version (carec_prf.api.feeds) keeps the cached body in step with its ETag.
    version = str(getattr(request, "data_version", ""))
    digest = hashlib.sha256((request.get_full_path() + "|" + language + "|" + version).encode()).hexdigest()
    return f"pages:{generation}:{digest}"


def public_memo(request, name: str, compute):
    """A value derived from the public data (a feed's version, which its ETag and its cached body
    follow), computed once per cache generation for the public and every time for anyone else:
    what changes the public data clears the cache, which changes the generation."""
    if not public_request(request):
        return compute()
    cache = _cache()
    key = f"pages:{cache.get(GENERATION_KEY) or 0}:memo:{hashlib.sha256(name.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=TIMEOUT_SECONDS)
    return found


def public_request(request) -> bool:
    """A GET or HEAD by a visitor who is not signed in: what the page cache may answer and what
    may be read from a replica (carec_prf.db_router). Signed-in readers (the secretariat, focal
    points) get fresh pages from the primary, and nothing a page might one day show only to them
    can leak into what the public is served."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META  # API clients with a token see more than the public
    )


def cached_page(view):
    """Serve a public GET page from the cache to visitors who are not signed in; store it when it
    renders with status 200."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not public_request(request):
            return view(request, *args, **kwargs)
        cache = _cache()
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            generation = 0
            cache.add(GENERATION_KEY, generation, timeout=None)
        key = _key(request, generation)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), timeout=TIMEOUT_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
