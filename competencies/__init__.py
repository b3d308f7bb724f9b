"""What link workers have shown: assessments, evidence, supervision, CPD and progress."""
