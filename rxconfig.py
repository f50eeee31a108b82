"""Reflex configuration, read from the platform's settings."""

import os

import reflex as rx

from autogpt_app.settings import get_settings

_settings = get_settings()
# Uploaded files (listing images) are user data: keep them with the database under DATA_DIR, which
# is the persistent volume in Docker, not in the working directory.
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(_settings.data_dir / "uploads"))
# Exactly WEB_WORKERS backend processes (Reflex would start 2 × cores + 1 with Redis): the database
# connection budget (autogpt_app/db_budget.py) divides its web share by this number.
os.environ["GRANIAN_WORKERS"] = str(_settings.resolved_web_workers)

config = rx.Config(
    app_name="autogpt_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Reflex keeps its state in Redis when REDIS_URL is set, so several backend workers can serve.
    redis_url=_settings.redis_url or None,
    # Only APP_URL's origin (and CORS_EXTRA_ORIGINS) may call the API with credentials or open the socket;
    # Reflex applies this to its CORS middleware (around the API too) and to the Socket.IO server.
    cors_allowed_origins=list(_settings.allowed_origins),
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="violet", gray_color="slate", radius="medium", appearance="inherit")
        ),
        rx.plugins.SitemapPlugin(),
    ],
    disable_plugins=[],
)
