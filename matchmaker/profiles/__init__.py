"""Organisation profiles, needs, offers and the directory."""
