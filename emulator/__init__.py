"""The source system: a synthetic source database and the clients that post its rows to the API.

`python -m emulator seed` writes the database; `python -m emulator post batch|stream` sends it.
Python callers use `emulator.source.seed` and `emulator.post.post_events`.
"""
