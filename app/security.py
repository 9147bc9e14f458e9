"""Security headers for every answer the app gives.

The page needs nothing from outside its own server, so the content security policy allows only
the app's own scripts (and Dash's inline ones, by their hashes), styles, images (data: and blob:
for the PNG export) and fonts. Pages may be framed only by the app itself and by a notebook on
this computer (Jupyter's inline mode shows the app in an iframe from localhost:<port>).
"""

# Jupyter serves notebooks from the same machine; CSP allows any port there with ":*".
NOTEBOOK_FRAMERS = ("http://localhost:*", "http://127.0.0.1:*", "https://localhost:*", "https://127.0.0.1:*")


def policy(script_hashes) -> str:
    rules = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        # Dash and Plotly write style attributes and <style> elements.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'", *NOTEBOOK_FRAMERS],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in rules.items())


def add_security_headers(app) -> None:
    """Set the headers on every response. The script hashes are those of the inline scripts Dash
    writes into the page (its renderer's start, and a clientside callback given as a string: the
    app has none, its functions are in assets/clientside.js), known once every callback is
    registered: computed on the first request."""
    cached = {}

    @app.server.after_request
    def _headers(response):
        if "csp" not in cached:
            cached["csp"] = policy(app.csp_hashes())
        response.headers.setdefault("Content-Security-Policy", cached["csp"])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
