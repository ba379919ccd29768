"""Writes the type stubs (.pyi) of the client classes from their signatures, which come from
the method declarations and lib/signatures.py. tests/python/test_signatures.py checks that the
checked-in stubs are what this writes. Run after changing a declaration:

    PYTHONPATH=build/python /usr/bin/python3 python/tools/make_stubs.py python/data_mesh_util
"""

import inspect
import os
import sys

from data_mesh_util.lib import client

TYPES = {"string": "str", "bool": "bool", "int": "int", "string_list": "list[str] | str",
         "permission_list": "list[str] | str", "json": "dict[str, Any]"}
CLASSES = ["DataMeshAdmin", "DataMeshProducer", "DataMeshConsumer"]


def param_types(group, method):
    types = {}
    for spec in client.ROUTES[(group, method)]["params"]:
        types[spec["name"]] = TYPES[spec["type"]]
        if spec["alias"]:
            types[spec["alias"]] = TYPES[spec["type"]]
    return types


def stub(class_name):
    module = __import__(f"data_mesh_util.{class_name}", fromlist=[class_name])
    cls = getattr(module, class_name)
    lines = [f'"""Type stub of data_mesh_util.{class_name} (python/tools/make_stubs.py)."""',
             "", "from typing import Any", "", "from data_mesh_util.lib.client import MeshClient",
             "", "", f"class {class_name}(MeshClient):",
             "    def __init__(self, data_mesh_account_id: str | None = ..., "
             "region_name: str | None = ..., log_level: str | int = ..., "
             "use_credentials: Any = ..., endpoint: str | None = ...) -> None: ..."]
    for name, function in sorted(vars(cls).items()):
        if name.startswith("_") or not callable(function):
            continue
        group = next(g for g in ("admin", "producer", "consumer", "catalog")
                     if (g, name) in client.ROUTES and
                     getattr(function, "__doc__", "").startswith(
                         client.ROUTES[(g, name)]["summary"]))
        types = param_types(group, name)
        params = []
        seen_keyword_only = False
        for p in list(inspect.signature(function).parameters.values())[1:]:
            if p.kind is inspect.Parameter.KEYWORD_ONLY and not seen_keyword_only:
                params.append("*")
                seen_keyword_only = True
            default = "" if p.default is inspect.Parameter.empty else " = ..."
            optional = " | None" if p.default is None else ""
            params.append(f"{p.name}: {types[p.name]}{optional}{default}")
        summary = client.ROUTES[(group, name)]["summary"]
        lines.append(f"    def {name}(self{''.join(', ' + p for p in params)}) -> Any:")
        lines.append(f'        """{summary}."""')
    return "\n".join(lines) + "\n"


def main(out_dir):
    for name in CLASSES:
        with open(os.path.join(out_dir, f"{name}.pyi"), "w", encoding="utf-8") as f:
            f.write(stub(name))


if __name__ == "__main__":
    main(sys.argv[1])
