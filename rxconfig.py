"""Reflex configuration, read from the platform's settings."""

import reflex as rx

from autogpt_app.settings import get_settings

_settings = get_settings()

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
