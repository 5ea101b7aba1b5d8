"""An in-process Kinesis engine for LocalStack: flat cost per record as the streams grow.

Registered as LocalStack provider `kinesis:inprocess` (devstack_kinesis-1.0.dist-info next to this
package) and chosen with PROVIDER_OVERRIDE_KINESIS=inprocess. It runs inside LocalStack's
interpreter (Python 3.13, LocalStack and moto importable); engine.py alone needs neither.
"""
