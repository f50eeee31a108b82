"""Runs of agents: records, the data-flow runner, leases and recovery."""
