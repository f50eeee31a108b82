"""Reflex configuration, read from the platform's settings."""

import os

import reflex as rx

from autogpt_app.settings import get_settings

_settings = get_settings()
# Uploaded files (listing images) are user data: keep them with the database under DATA_DIR, which
# is the persistent volume in Docker, not in the working directory.
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(_settings.data_dir / "uploads"))

config = rx.Config(
    app_name="autogpt_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Reflex keeps its state in Redis when REDIS_URL is set, so several backend workers can serve.
    redis_url=_settings.redis_url or None,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="violet", gray_color="slate", radius="medium", appearance="inherit")
        ),
        rx.plugins.SitemapPlugin(),
    ],
    disable_plugins=[],
)
