"""REST API under ``/api/v1``: thin routers that parse, authorize and call the services."""
