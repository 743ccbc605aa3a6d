"""Matching rounds: many needs matched at once by the engine's exact assignment solver."""
