"""What to learn: the public curriculum pages and the competency framework."""
