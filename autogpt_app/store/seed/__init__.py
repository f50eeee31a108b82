"""The built-in marketplace catalogue: agents made only of built-in blocks, their creators, and
the idempotent seeding that puts them in the marketplace at set-up (``python -m autogpt_app.cli seed``)."""

from autogpt_app.store.seed.catalogue import CATALOGUE, CREATORS
from autogpt_app.store.seed.model import CATEGORIES, SeedAgent, SeedCreator
from autogpt_app.store.seed.service import SeedReport, seed_catalogue

__all__ = ["CATALOGUE", "CATEGORIES", "CREATORS", "SeedAgent", "SeedCreator", "SeedReport", "seed_catalogue"]
