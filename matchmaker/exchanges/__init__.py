"""Brokered exchanges: the workflow, its audit trail, evaluations and notifications."""
