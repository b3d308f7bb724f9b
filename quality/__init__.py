"""Internal quality assurance: sampling assessors' decisions, holds and coverage."""
