"""Background processes: the Dramatiq broker, the execution actors and the scheduler.

``workers.broker`` builds the broker from settings; ``workers.execution`` is the module the
``dramatiq`` command loads; ``workers.scheduler`` is the ``python -m workers.scheduler`` process.
"""
