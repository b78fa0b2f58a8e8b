"""Tagged PDF from a standalone HTML document, one way for every document the service writes."""

from __future__ import annotations


def render_pdf(document: str) -> bytes:
    """The PDF of a standalone HTML document: tagged PDF/UA-1, with the document's language and
    title, and bookmarks from its headings (h1-h6).

    Nothing is fetched: the document carries its own CSS and uses the system's DejaVu fonts, and a
    fetcher allowing no protocol at all turns any stray URL into a missing resource, not a request.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=document, base_url=None, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf(
        pdf_variant="pdf/ua-1"
    )
