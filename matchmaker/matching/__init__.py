"""Matching in the app: database rows to engine records, the cached index, match pages and API."""
