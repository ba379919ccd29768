"""The Python signatures stay derived from the method declarations: lib/signatures.py names
only parameters the routes have, and every route is a method of its class."""

import inspect

from data_mesh_util import _native
from data_mesh_util.DataMeshAdmin import DataMeshAdmin
from data_mesh_util.DataMeshConsumer import DataMeshConsumer
from data_mesh_util.DataMeshProducer import DataMeshProducer
from data_mesh_util.lib import signatures

ROUTES = {(r["group"], r["method"]): r for r in _native.routes()}
CLASSES = {"admin": [DataMeshAdmin], "producer": [DataMeshProducer],
           "consumer": [DataMeshConsumer], "catalog": [DataMeshProducer, DataMeshConsumer]}


def test_table_names_only_declared_parameters():
    for key, entries in signatures.POSITIONAL.items():
        assert key in ROUTES, f"{key} is not a declared method"
        names = {p["name"] for p in ROUTES[key]["params"]} | \
                {p["alias"] for p in ROUTES[key]["params"] if p["alias"]}
        compatibility = set(signatures.COMPATIBILITY.get(key, {}))
        declared_required = {p["name"] for p in ROUTES[key]["params"] if p["required"]}
        for name, _ in entries:
            assert name in names | compatibility, \
                f"{key}: {name} is not a parameter of the declaration"
            # The original's keywords are its own, not a declaration's under another name.
            assert not (name in names and name in compatibility), name
        # A parameter the declaration requires is a required positional one in Python.
        table_required = set()
        for name, default in entries:
            if name in compatibility:
                assert default is not signatures.REQUIRED, f"{key}: {name} must be optional"
                continue
            spec = next(p for p in ROUTES[key]["params"] if name in (p["name"], p["alias"]))
            if default is signatures.REQUIRED:
                table_required.add(spec["name"])
        assert declared_required <= table_required, \
            f"{key}: {declared_required - table_required} required by the declaration"
    for key, keywords in signatures.COMPATIBILITY.items():
        assert key in ROUTES, f"{key} is not a declared method"
        assert set(keywords) <= {name for name, _ in signatures.POSITIONAL.get(key, [])}
    for key in signatures.TWO_SHAPED_ANSWERS:
        assert key in ROUTES


def test_every_route_is_a_method_with_its_parameters():
    for (group, method), route in ROUTES.items():
        for cls in CLASSES[group]:
            function = getattr(cls, method)
            parameters = inspect.signature(function).parameters
            for spec in route["params"]:
                assert spec["name"] in parameters or spec["alias"] in parameters, \
                    f"{cls.__name__}.{method} lacks {spec['name']}"
            assert route["summary"] in function.__doc__


def test_documented_signatures():
    assert str(inspect.signature(DataMeshConsumer.request_access_to_product)) == \
        "(self, owner_account_id, database_name, request_permissions, tables=None, *, " \
        "client_token=None)"
    assert str(inspect.signature(DataMeshProducer.approve_access_request)) == \
        "(self, request_id, grant_permissions=None, grantable_permissions=None, " \
        "decision_notes=None, *, client_token=None)"
    assert "create_public_metadata=True" in \
        str(inspect.signature(DataMeshProducer.create_data_products))


def test_module_layout():
    import data_mesh_util.DataMeshMacros as macros
    import data_mesh_util.lib.constants as constants
    import data_mesh_util.lib.SubscriberTracker as tracker
    import data_mesh_util.lib.utils as utils
    assert macros.DataMeshMacros and tracker.SubscriberTracker
    assert (constants.MESH, constants.PRODUCER, constants.CONSUMER, constants.PRODUCER_ADMIN,
            constants.CONSUMER_ADMIN) == ("Mesh", "Producer", "Consumer", "ProducerAdmin",
                                          "ConsumerAdmin")
    assert constants.DOMAIN_TAG_KEY == "Domain"
    assert utils.ensure_list(None) == [] and utils.ensure_list("a,b") == ["a", "b"]
    assert utils.ensure_list("a") == ["a"] and utils.ensure_list(["x"]) == ["x"]
    assert utils.ensure_list(3) is None
    assert utils.get_role_arn("1", "R") == "arn:aws:iam::1:role/AwsDataMesh/R"
    assert utils.purify_sysargs(["--some-name", "'v-1'"]) == ["--some_name", "'v-1'"]
    name = utils.make_iam_session_name({"UserId": "AID:x" * 20, "Account": "1"})
    assert len(name) == 64 and ":" not in name


def test_tracker_star_import_brings_the_original_module_names():
    """The original's examples 3_grant_data_product_access.py and 3_5_... use logging.DEBUG,
    utils and MESH after only `from data_mesh_util.lib.SubscriberTracker import *`: what that
    module imported (logging, sys, re, datetime, Enum, utils, the constants) and its own
    constants come with it; boto3's and shortuuid's names do not (no dependency of the
    package), nor the package's internals."""
    import logging
    import sys

    from data_mesh_util.lib import utils
    names = {}
    exec("from data_mesh_util.lib.SubscriberTracker import *", names)  # noqa: S102
    assert names["logging"] is logging and names["sys"] is sys and names["utils"] is utils
    assert names["logging"].DEBUG == 10 and names["re"].fullmatch
    assert names["datetime"].now() and names["Enum"]
    assert (names["MESH"], names["PRODUCER"], names["CONSUMER"]) == \
        ("Mesh", "Producer", "Consumer")
    assert names["STATUS_ACTIVE"] == "Active" and names["SUBSCRIPTION_ID"] == "SubscriptionId"
    assert names["SUBSCRIPTIONS_TRACKER_TABLE"] == "AwsDataMeshSubscriptions"
    assert names["SubscriberTracker"].get_endpoints
    for absent in ("MeshClient", "error_for", "DataMeshError", "Any", "Attr", "shortuuid"):
        assert absent not in names


def test_type_stubs_are_up_to_date():
    """The checked-in .pyi stubs are what python/tools/make_stubs.py writes from the
    declarations (run it after changing one)."""
    import os
    import runpy
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    tool = runpy.run_path(os.path.join(root, "python", "tools", "make_stubs.py"))
    package = os.path.join(root, "python", "data_mesh_util")
    for name in tool["CLASSES"]:
        with open(tool["stub_path"](package, name), encoding="utf-8") as f:
            assert f.read() == tool["stub"](name), f"{name}.pyi is stale: run make_stubs.py"
    for name in tool["MODULES"]:
        with open(tool["stub_path"](package, name), encoding="utf-8") as f:
            assert f.read() == tool["module_stub"](name), \
                f"{name}.pyi is stale: run make_stubs.py"


def test_help_shows_the_signatures():
    """help() (pydoc) shows each class's and helper's signature with its types."""
    import pydoc

    from data_mesh_util.DataMeshMacros import DataMeshMacros
    from data_mesh_util.lib import utils
    from data_mesh_util.lib.SubscriberTracker import SubscriberTracker

    def shown(obj):
        return pydoc.render_doc(obj, renderer=pydoc.plaintext)

    assert "bootstrap_account(self, account_type: str, mesh_credentials: " \
        "collections.abc.Mapping[str, str]" in shown(DataMeshMacros)
    tracker = shown(SubscriberTracker)
    assert "get_subscription(self, subscription_id: str, force: bool = False) -> " \
        "dict[str, typing.Any] | None" in tracker
    assert "list_subscriptions(self, owner_id: str | None = None, principal_id: " in tracker
    assert "load_client_info_from_file(from_path: str | None = None)" in shown(utils)
    assert "ensure_list(value: Any) -> list[typing.Any] | None" in shown(utils)
    assert "approve_access_request(self, request_id, grant_permissions=None" in \
        shown(DataMeshProducer)
