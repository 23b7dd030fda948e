"""HTTP: the Flask app (routes -> store calls), request parsing, the ``/_mock/`` control API."""
