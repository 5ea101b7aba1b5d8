"""`python -m devstack run`: the whole pipeline offline, then the reconciliation and the report.

The stages live in pipeline.py; what each stage measures lives in the small modules beside it.
"""
