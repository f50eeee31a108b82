"""Blocks: the SDK every block is written against, the registry, and the built-in blocks."""
