"""The generic client the four classes share: Python keywords -> JSON parameters -> a call by
name in the C++ core (Backend::call) -> the JSON answer as plain dicts and lists (the native
module converts both ways directly, without JSON text in between).

Methods are not written one by one: make_client_class() builds a class's methods from the route
table (_native.routes(), derived from the method declarations) of the groups it serves, with the
positional order and defaults of lib/signatures.py. help() shows each method's signature and
the declaration's summary and parameter help.
"""

import inspect
import logging
import os
import re
import threading

from data_mesh_util import _native
from data_mesh_util.exceptions import error_for
from data_mesh_util.lib import signatures

ROUTES = {(r["group"], r["method"]): r for r in _native.routes()}


class SubscriptionAnswer(dict):
    """get_subscription's answer in both shapes scripts read (docs/PYTHON.md).

    As a dict it is the document's shape, {'Subscriptions': [item]}; reading one of the item's
    keys (answer['Status'], answer.get('Status'), 'Status' in answer) reads the item, as the
    original's code answered the bare item.
    """

    @property
    def item(self):
        return self["Subscriptions"][0]

    def __missing__(self, key):
        return self.item[key]

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self.item.get(key, default)

    def __contains__(self, key):
        return dict.__contains__(self, key) or key in self.item


def credentials_dict(use_credentials):
    """The credentials the constructors accept, as the core's {AccessKeyId, SecretAccessKey, ...}:
    a mapping (the original's, or datamesh's AccountId/AccessKeyId/SecretAccessKey), or an object
    with access_key / secret_key / token (a boto Credentials object). None: the core's chain
    (DATAMESH_* variables, CredentialsFile, profile)."""
    if use_credentials is None:
        return None
    if hasattr(use_credentials, "get"):
        creds = {k: use_credentials.get(k) for k in
                 ("AccountId", "AccessKeyId", "SecretAccessKey", "SessionToken")}
    else:
        creds = {"AccountId": getattr(use_credentials, "account_id", None),
                 "AccessKeyId": getattr(use_credentials, "access_key", None),
                 "SecretAccessKey": getattr(use_credentials, "secret_key", None),
                 "SessionToken": getattr(use_credentials, "token", None)}
    if not creds["AccessKeyId"] or not creds["SecretAccessKey"]:
        raise error_for("InvalidArgument",
                        "Malformed Credentials - missing AccessKeyId or SecretAccessKey")
    return {k: v for k, v in creds.items() if v is not None}


# The original's logger for the work done on the classes' behalf (its ApiAutomator): here, the
# core's log lines that no calling thread logged.
CORE_LOGGER = logging.getLogger("ApiAutomator")


def _ensure_handler(logger):
    """As the original, a class's logger writes somewhere without set-up: a stderr handler (the
    original's went to stdout, which scripts print their answers on), added only when neither
    the application (the root logger) nor anyone else gave the logger a handler."""
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def _level_name(log_level):
    if isinstance(log_level, int):
        return logging.getLevelName(log_level)
    return str(log_level).upper()


class MeshClient:
    """What DataMeshAdmin, DataMeshProducer and DataMeshConsumer share: the connection."""

    _block = "Mesh"  # the block of a reference credentials file the class reads
    _persona = "Data Mesh"

    def __init__(self, data_mesh_account_id=None, region_name="us-east-1", log_level="INFO",
                 use_credentials=None, endpoint=None):
        if region_name is None:
            raise error_for("InvalidArgument",
                            f"Cannot initialize a {self._persona} without an AWS Region")
        self._logger = logging.getLogger(type(self).__name__)
        try:
            self._logger.setLevel(_level_name(log_level))
            CORE_LOGGER.setLevel(_level_name(log_level))
        except ValueError:
            raise error_for("InvalidArgument", f'log_level "{log_level}" is not one of DEBUG, '
                            "INFO, WARNING, ERROR, CRITICAL") from None
        _ensure_handler(self._logger)
        _ensure_handler(CORE_LOGGER)
        self._connection = _native.Connection(
            endpoint or os.environ.get("DATAMESH_ENDPOINT", ""),
            "" if data_mesh_account_id is None else str(data_mesh_account_id),
            region_name, _level_name(log_level), credentials_dict(use_credentials), self._block)
        # A server's calls run where Ctrl-C can interrupt them (_interruptible_call).
        self._remote = self._connection.endpoint.startswith(("http://", "https://"))

    @property
    def endpoint(self):
        return self._connection.endpoint

    def _call(self, group, method, params):
        sent = {k: v for k, v in params.items() if v is not None}
        if self._logger.isEnabledFor(logging.DEBUG):
            self._logger.debug("calling %s/%s with %s", group, method, sorted(sent))
        if self._remote and threading.current_thread() is threading.main_thread():
            code, answer, logs = _interruptible_call(self._connection, group, method, sent)
        else:
            code, answer, logs = self._connection.call(group, method, sent)
        for level, line, own in logs:
            (self._logger if own else CORE_LOGGER).log(level, line)
        if code:
            raise error_for(code, answer)
        if (group, method) in signatures.TWO_SHAPED_ANSWERS and isinstance(answer, dict):
            answer = SubscriptionAnswer(answer)
        return answer


def _interruptible_call(connection, group, method, params):
    """A call to a server, made from the main thread so that Ctrl-C interrupts it: the call
    runs on a daemon thread while the main thread waits in Python, where KeyboardInterrupt is
    raised at once. The request may still complete on the server (as when a connection drops);
    the answer is then dropped. Embedded calls are short transactions and run in place."""
    outcome = []
    done = threading.Event()

    def run():
        try:
            outcome.append(connection.call(group, method, params))
        except BaseException as e:  # noqa: BLE001 — re-raised in the caller's thread
            outcome.append(e)
        finally:
            done.set()

    threading.Thread(target=run, name=f"datamesh {method}", daemon=True).start()
    done.wait()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


# A list given as one string whose commas separate plain names (no character a table pattern
# gives meaning to): what the original's ensure_list split.
_PLAIN_NAMES = re.compile(r"[A-Za-z0-9_\- ]+(,[A-Za-z0-9_\- ]+)+")


def _as_param(spec, value):
    """A Python value as the JSON its parameter takes. A string for a list is split on commas,
    each part trimmed, as the original's ensure_list split it (and datamesh's CLI trims): always
    for a permission list; for another list (tables) only when every part is a plain name, since
    a table pattern may hold commas (x{1,3})."""
    if value is None:
        return None
    if spec["type"] == "permission_list" and isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    if spec["type"] == "string_list" and isinstance(value, str):
        if _PLAIN_NAMES.fullmatch(value):
            return [part.strip() for part in value.split(",")]
        return [value]
    if spec["type"] in ("string_list", "permission_list") and isinstance(value, (tuple, set)):
        return list(value)
    return value


def refuse_crawler_role_arn(value):
    """The original's account set-up took a crawler role (and crashed on one, reference §2.4);
    datamesh takes a crawler's role per data product, so only None has a meaning here."""
    if value is not None:
        raise error_for(
            "InvalidArgument",
            f"crawler_role_arn {value!r} is not taken at account set-up: datamesh takes a "
            "crawler's role per data product (create_data_products' sync_mesh_crawler_role_arn)"
            ", and on AWS DataMeshProducerAccess may already pass roles to Glue; leave it None")


def _use_original_table_name(value, params):
    """The original named the producer's links like the tables when True: an empty suffix."""
    if value is None or value is False:
        return
    if value is not True:
        raise error_for("InvalidArgument",
                        f"use_original_table_name must be True or False, not {value!r}")
    suffix = params.get("expose_table_references_with_suffix")
    if suffix:
        raise error_for("InvalidArgument",
                        "use_original_table_name=True names the links like the tables; it "
                        f"cannot go with expose_table_references_with_suffix {suffix!r}")
    params["expose_table_references_with_suffix"] = ""


COMPATIBILITY_HELP = {
    "crawler_role_arn": "only None (datamesh takes a crawler's role per data product)",
    "use_original_table_name": "true names the links like the tables (an empty "
                               "expose_table_references_with_suffix)",
}

# How each keyword of signatures.COMPATIBILITY acts: on the value and the parameters to send.
_COMPATIBILITY_KEYWORDS = {
    "crawler_role_arn": lambda value, params: refuse_crawler_role_arn(value),
    "use_original_table_name": _use_original_table_name,
}


def _make_method(group, route):
    compatibility = {name: _COMPATIBILITY_KEYWORDS[name] for name in
                     signatures.COMPATIBILITY.get((group, route["method"]), {})}
    specs = {}
    for spec in route["params"]:
        specs[spec["name"]] = spec
        if spec["alias"]:
            specs[spec["alias"]] = spec
    table = signatures.POSITIONAL.get((group, route["method"]))
    if table is None:
        # Without a row: the required parameters in declaration order are positional, the
        # others keyword-only.
        table = [(s["name"], signatures.REQUIRED) for s in route["params"] if s["required"]]
    positional = [name for name, _ in table]
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for name, default in table:
        parameters.append(inspect.Parameter(
            name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=inspect.Parameter.empty if default is signatures.REQUIRED else default))
    for spec in route["params"]:
        if spec["name"] not in positional and spec["alias"] not in positional:
            parameters.append(inspect.Parameter(spec["name"], inspect.Parameter.KEYWORD_ONLY,
                                                default=None))
    method_name = route["method"]

    def method(self, *args, **kwargs):
        if len(args) > len(positional):
            raise TypeError(f"{method_name}() takes {len(positional)} positional arguments "
                            f"but {len(args)} were given")
        given = dict(zip(positional, args))
        for name, value in kwargs.items():
            if name in given:
                raise TypeError(f"{method_name}() got multiple values for argument '{name}'")
            if name not in specs and name not in compatibility:
                raise TypeError(f"{method_name}() got an unexpected keyword argument '{name}'")
            given[name] = value
        # A required parameter left out is Python's TypeError, as for any function; given
        # under its other name (request_id for subscription_id, ...) it is there.
        missing = [name for name, default in table if default is signatures.REQUIRED
                   and not any(key in given for key in (name, specs[name]["name"],
                                                        specs[name]["alias"]) if key)]
        if missing:
            quoted = [f"'{name}'" for name in missing]
            listed = quoted[0] if len(quoted) == 1 else \
                ", ".join(quoted[:-1]) + " and " + quoted[-1]
            plural = "" if len(missing) == 1 else "s"
            raise TypeError(f"{method_name}() missing {len(missing)} required positional "
                            f"argument{plural}: {listed}")
        params = {}
        for name, value in given.items():
            if name not in compatibility:
                params[name] = _as_param(specs[name], value)
        for name, translate in compatibility.items():
            translate(given.get(name), params)
        return self._call(group, method_name, params)

    method.__name__ = method_name
    method.__qualname__ = method_name
    method.__signature__ = inspect.Signature(parameters)
    method.group, method.route = group, route  # what the method was made from (cli.py reads it)
    lines = [route["summary"] + ".", ""]
    for spec in route["params"]:
        alias = f" (also {spec['alias']})" if spec["alias"] else ""
        lines.append(f"{spec['name']}{alias}: {spec['help']}")
    for name, translate in compatibility.items():
        lines.append(f"{name}: the original's keyword; {COMPATIBILITY_HELP[name]}")
    method.__doc__ = "\n".join(lines)
    return method


def make_client_class(name, module, groups, block, persona, doc, extra=None):
    """A client class with a method per route of `groups` (later groups do not replace a
    method of an earlier one)."""
    namespace = {"_block": block, "_persona": persona, "__doc__": doc, "__module__": module}
    for group in groups:
        for (route_group, method), route in ROUTES.items():
            if route_group == group and method not in namespace:
                namespace[method] = _make_method(group, route)
                namespace[method].__module__ = module
    namespace.update(extra or {})
    return type(name, (MeshClient,), namespace)
