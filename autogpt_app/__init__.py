"""AutoGPT-style agent platform: services, API and Reflex UI."""
