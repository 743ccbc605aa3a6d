"""Coordinators' work: verifying organisations and inviting people to join them."""
