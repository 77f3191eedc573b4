"""gen-corpus's simulation: world, log line writers, actors, and the truth they tally."""
