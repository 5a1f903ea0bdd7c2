"""gzip for text responses, so that pages stay light on slow connections."""

from __future__ import annotations

import gzip

from flask import Response, request

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "application/ld+json",
    "image/svg+xml",
)
MIN_SIZE = 1024
MAX_SIZE = 4 * 1024 * 1024


def compress(response: Response) -> Response:
    """gzip the body when the client accepts it and compression pays off."""
    if (
        response.status_code not in (200, 404)
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
        or request.method == "HEAD"
        or "Range" in request.headers
    ):
        return response
    if response.direct_passthrough:
        length = response.content_length or 0
        if not MIN_SIZE <= length <= MAX_SIZE:
            return response
        response.direct_passthrough = False  # a small static file: read it to compress
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if response.get_etag()[0]:
        etag, weak = response.get_etag()
        response.set_etag(etag + "-gz", weak)
    return response
