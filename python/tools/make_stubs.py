"""Writes the type stubs (.pyi) of the package: the client classes' from their signatures, which
come from the method declarations and lib/signatures.py, and the pure-Python modules' (the
macros, the tracker, lib.utils, lib.constants) from their annotated source. 
tests/python/test_signatures.py checks that the checked-in stubs are what this writes. Run
after changing a declaration or one of those modules:

    PYTHONPATH=build/python /usr/bin/python3 python/tools/make_stubs.py python/data_mesh_util
"""

import importlib
import inspect
import os
import re
import sys

from data_mesh_util.lib import client, constants, signatures

TYPES = {"string": "str", "bool": "bool", "int": "int", "string_list": "list[str] | str",
         "permission_list": "list[str] | str", "json": "dict[str, Any]"}
CLASSES = ["DataMeshAdmin", "DataMeshProducer", "DataMeshConsumer"]
# Modules written in Python: the stub is their public names with the source's annotations.
MODULES = ["DataMeshMacros", "lib.SubscriberTracker", "lib.utils", "lib.constants"]


def param_types(group, method):
    types = {}
    for spec in client.ROUTES[(group, method)]["params"]:
        types[spec["name"]] = TYPES[spec["type"]]
        if spec["alias"]:
            types[spec["alias"]] = TYPES[spec["type"]]
    for name, kind in signatures.COMPATIBILITY.get((group, method), {}).items():
        types[name] = TYPES[kind]
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


def _signature(function):
    text = str(inspect.signature(function, eval_str=True))
    text = re.sub(r"= (?:'[^']*'|\"[^\"]*\"|[^,)]+)(?=[,)])", "= ...", text)
    return text.replace("typing.", "").replace("collections.abc.", "")


def _summary(obj):
    return inspect.getdoc(obj).split("\n\n")[0].replace("\n", " ")


def _value_type(value):
    if isinstance(value, dict):
        return "dict[str, str]"
    if isinstance(value, tuple):
        return "tuple[str, ...]"
    return type(value).__name__


def module_stub(name):
    """The stub of a pure-Python module: its constants, functions and classes (public
    methods), with their annotations and the first paragraph of their docstrings."""
    module = importlib.import_module(f"data_mesh_util.{name}")
    lines = [f'"""Type stub of data_mesh_util.{name} (python/tools/make_stubs.py)."""', ""]
    needs = set()
    body = []
    for attr, value in vars(module).items():
        if attr.startswith("_"):
            continue
        if inspect.isclass(value) and value.__module__ == module.__name__:
            bases = [b for b in value.__bases__ if b is not object]
            for base in bases:
                needs.add(f"from {base.__module__} import {base.__name__}")
            body += ["", "", f"class {attr}{'(' + ', '.join(b.__name__ for b in bases) + ')' if bases else ''}:",
                     f'    """{_summary(value)}"""']
            for method, function in vars(value).items():
                if inspect.isfunction(function) and (not method.startswith("_") or
                                                     method == "__init__"):
                    if method == "__init__":
                        body.append(f"    def {method}{_signature(function)}: ...")
                    else:
                        body.append(f"    def {method}{_signature(function)}:")
                        body.append(f'        """{_summary(function)}"""')
        elif inspect.isfunction(value) and value.__module__ == module.__name__:
            body += ["", "", f"def {attr}{_signature(value)}:", f'    """{_summary(value)}"""']
        elif attr.isupper() and (name == "lib.constants" or
                                 attr in getattr(module, "__all__", ()) and
                                 not hasattr(constants, attr)):
            body.append(f"{attr}: {_value_type(value)}")
    # What `import *` of a module with __all__ gives beyond its own definitions: the modules
    # and names it imports for its scripts (lib.SubscriberTracker, as the original's did).
    for attr in getattr(module, "__all__", ()):
        value = getattr(module, attr)
        if inspect.ismodule(value):
            needs.add(f"import {value.__name__}" + ("" if value.__name__ == attr
                                                    else f" as {attr}"))
        elif inspect.isclass(value) and value.__module__ != module.__name__:
            needs.add(f"from {value.__module__} import {attr}")
        elif hasattr(constants, attr):
            needs.add("from data_mesh_util.lib.constants import *")
    text = "\n".join(body)
    for typing_name in ("Any", "Mapping"):
        if re.search(rf"\b{typing_name}\b", text):
            needs.add("from collections.abc import Mapping" if typing_name == "Mapping"
                      else "from typing import Any")
    if needs:
        lines += sorted(needs)
        lines.append("")
    return re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines + body)).rstrip() + "\n"


def stub_path(out_dir, name):
    return os.path.join(out_dir, *name.split(".")) + ".pyi"


def main(out_dir):
    for name in CLASSES:
        with open(stub_path(out_dir, name), "w", encoding="utf-8") as f:
            f.write(stub(name))
    for name in MODULES:
        with open(stub_path(out_dir, name), "w", encoding="utf-8") as f:
            f.write(module_stub(name))


if __name__ == "__main__":
    main(sys.argv[1])
