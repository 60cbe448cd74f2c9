"""The web shell: HTML pages (Jinja2 + HTMX) and the JSON API, over the store and the policy."""
