"""People and organisations: who works where, in which role."""
