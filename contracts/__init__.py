"""The pipeline's contracts: names, record specs and the API description.

Depends on nothing else in the repository; every other package may import it.
"""
