"""Assessment records, evidence, supervision and CPD logs (built by the assessments issue)."""
