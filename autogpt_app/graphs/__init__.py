"""Agents as graphs of blocks: the spec, validation, derived schemas, import/export, storage."""
