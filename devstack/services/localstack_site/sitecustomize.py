"""Imported at start-up by LocalStack's interpreter (devstack puts this folder on its PYTHONPATH).

LocalStack's API Gateway evaluates each `$input.json(path)` of a mapping template with
jsonpath-rw, which rebuilds its PLY parser on every call (about 10 ms). The PutRecords template
calls it once per record, so the parsed expressions are memoized: same input, same result,
about 20 times fewer CPU seconds per record through the gateway.
"""

import functools

try:
    import jsonpath_rw
    import jsonpath_rw.parser
except ImportError:  # not LocalStack's venv: nothing to speed up
    pass
else:
    _cached_parse = functools.lru_cache(maxsize=4096)(jsonpath_rw.parser.parse)
    jsonpath_rw.parser.parse = _cached_parse
    jsonpath_rw.parse = _cached_parse

import gateway_responses  # noqa: F401  (the contract's gateway response bodies)
