"""Issue 13: each probe of the attacker walk-through, re-run as a test."""
