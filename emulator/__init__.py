"""The source system: a synthetic source database and the clients that post its rows to the API.

`python -m emulator seed` writes the database; `python -m emulator post batch|stream` sends it.
Other packages use emulator.api (seeding, posting, wire rows, sink-layout files) and nothing else.
"""
