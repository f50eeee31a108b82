"""Built-in blocks. Every ``Block`` subclass with an ``id`` in a module here is registered."""
