"""Reflex pages, states and components. Only this package imports Reflex."""
