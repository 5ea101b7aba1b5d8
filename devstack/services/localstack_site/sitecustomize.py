"""Imported at start-up by LocalStack's interpreter (devstack puts this folder on its PYTHONPATH).

Two costs of LocalStack's API Gateway mapping templates, which the PutRecords template pays once
per record, are cut here without changing what a template renders:

- each `$input.json(path)` parses its JSONPath with jsonpath-rw, which generates its PLY (LALR)
  parser on every call (about 8 ms): the parser is generated once, and the parsed expressions
  are memoized (the template's paths differ per record index: `$.Records[7].Data`);
- each `$input.json(path)` also parses the whole request body again (`json.loads`), so a body of
  n records costs O(n^2): 500 records of 700 bytes spent 84% of the gateway's CPU there. The body
  is parsed once per template render instead. Only `$input.json` shares the parsed body: it
  serializes what it finds, so no template can change what a later call sees; `$input.path`
  still parses its own copy.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import json
import sys
import threading
from types import ModuleType
from typing import Any

TEMPLATE_MODULE = "localstack.services.apigateway.next_gen.execute_api.template_mapping"


def _memoize_jsonpath() -> None:
    try:
        import jsonpath_rw
        import jsonpath_rw.parser as jp
    except ImportError:  # not LocalStack's venv: nothing to speed up
        return
    cached_parse = functools.lru_cache(maxsize=4096)(jp.parse)
    jp.parse = cached_parse
    jsonpath_rw.parse = cached_parse
    if hasattr(jp, "JsonPathParser"):
        _generate_parser_once(jp)


def _generate_parser_once(jp: Any) -> None:
    import ply.yacc

    lock = threading.Lock()  # a PLY parser keeps its stacks on itself: one parse at a time
    built: dict[str, Any] = {}

    def parse_token_stream(self: Any, token_iterator: Any, start_symbol: str = "jsonpath") -> Any:
        with lock:
            if start_symbol not in built:
                built[start_symbol] = ply.yacc.yacc(
                    module=self, start=start_symbol, write_tables=0, debug=False, errorlog=jp.logger
                )
            return built[start_symbol].parse(lexer=jp.IteratorToTokenStream(token_iterator))

    jp.JsonPathParser.parse_token_stream = parse_token_stream


_memoize_jsonpath()


def _parse_body_once(module: Any) -> None:
    """Make the template's `$input` parse the body once for all its `$input.json` calls."""
    base = module.VelocityInput
    unset = object()

    class VelocityInput(base):  # type: ignore[misc, valid-type]
        _parsed: Any = unset
        _serializing = False

        def json(self, path: str) -> str:
            self._serializing = True
            try:
                return str(super().json(path))
            finally:
                self._serializing = False

        def _extract_json_path(self, path: str) -> Any:
            if not self._serializing or not isinstance(self.value, str | bytes) or not self.value:
                return super()._extract_json_path(path)
            if self._parsed is unset:
                try:
                    self._parsed = json.loads(self.value)
                except json.JSONDecodeError:
                    self._parsed = None
            if self._parsed is None:
                return None  # as LocalStack answers a body that is not JSON
            return module.extract_jsonpath(self._parsed, path)

    module.VelocityInput = VelocityInput  # the template class looks the name up per render


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Applies a patch to a module right after it is first imported (nothing is imported early)."""

    def __init__(self, name: str, patch: Any) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            self.patch(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _PatchOnImport(TEMPLATE_MODULE, _parse_body_once))

import gateway_responses  # noqa: E402, F401  (the contract's gateway response bodies)
