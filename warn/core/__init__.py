"""The pure core: plain functions on immutable values, no I/O.

Nothing in this package may import httpx, sqlmodel, sqlalchemy, smtplib or apscheduler;
tests/unit/test_purity.py checks that.
"""
