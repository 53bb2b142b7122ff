"""The trusted side: runs student code in sandboxed children, compares, scores, diagnoses and reports."""
