"""Scheduling: schedules that run a user's agents — repeating (cron) or once (``run_at``) — fired exactly
once by one leader scheduler.

* :mod:`~autogpt_app.scheduling.cron` — validation with messages a person understands, presets,
  the schedule in words (cron-descriptor), next run times in the schedule's time zone (DST-safe).
* :mod:`~autogpt_app.scheduling.once` — the rules of a one-off time (zone, DST gap, future, a year
  ahead) and its words ("Once, on Tue 8 Dec 2026 at 09:00 (Europe/Paris)").
* :mod:`~autogpt_app.scheduling.service` — create, list, read, update, pause, resume, delete
  (owner-checked); ``pause_for_graph``/``delete_for_graph`` for the library's archive and delete.
* :mod:`~autogpt_app.scheduling.views` — how a schedule reads (``to_public``: words, next run
  times) and the form's previews (``describe_cron``, ``describe_once``); re-exported by the service.
* :mod:`~autogpt_app.scheduling.firing` — ``fire``: claim one due occurrence atomically, start the
  run through the same service as a manual run, record the outcome on the schedule.
* :mod:`~autogpt_app.scheduling.leader` — the leader lease row and the elector thread.

The ``schedules`` table is the source of truth. Every change is announced as a
``schedule_changed`` event on the bus channel :data:`SCHEDULER_CHANNEL`; the scheduler process
(``workers/scheduler.py``) plans its APScheduler jobs from the table and those events.
"""

#: Bus channel of schedule changes; the running scheduler listens to it.
SCHEDULER_CHANNEL = "scheduler"
#: Event type published on :data:`SCHEDULER_CHANNEL`, data ``{"action", "schedule_ids"}``.
SCHEDULE_CHANGED = "schedule_changed"
