"""Every error class where it should be raised: one base class, one subclass per error code,
each also the built-in type of docs/PYTHON.md's table, with the project's message."""

import pytest
from conftest import MESH_ID, PRODUCER_ID

from data_mesh_util import _native, exceptions
from data_mesh_util.DataMeshAdmin import DataMeshAdmin
from data_mesh_util.DataMeshProducer import DataMeshProducer
from data_mesh_util.lib.SubscriberTracker import SubscriberTracker


def test_a_class_per_error_code_with_its_builtin_type():
    for code in _native.error_codes():
        cls = getattr(exceptions, code)
        assert issubclass(cls, exceptions.DataMeshError)
        assert code in exceptions.BUILTIN_BASES, f"{code} has no row in BUILTIN_BASES"
        assert issubclass(cls, exceptions.BUILTIN_BASES[code])
        error = exceptions.error_for(code, "the message")
        assert type(error) is cls and error.code == code and str(error) == "the message"
    assert type(exceptions.error_for("NoSuchCode", "m")) is exceptions.Internal


def test_invalid_argument_is_a_value_error(mesh):
    db = mesh.publish_orders()
    with pytest.raises(ValueError) as raised:
        mesh.consumer().request_access_to_product(PRODUCER_ID, db, ["READ"], ["orders"])
    assert type(raised.value) is exceptions.InvalidArgument
    assert "READ" in str(raised.value)
    with pytest.raises(exceptions.InvalidArgument, match="without an AWS Region"):
        DataMeshProducer(MESH_ID, region_name=None)
    with pytest.raises(exceptions.InvalidArgument, match="Malformed Credentials"):
        DataMeshProducer(MESH_ID, use_credentials={"AccessKeyId": "x"})


def test_not_found_is_a_lookup_error(mesh):
    mesh.enable_both()
    with pytest.raises(LookupError) as raised:
        mesh.producer().get_subscription("GUxwswjEFRzgwow8zqVwGC")
    assert type(raised.value) is exceptions.NotFound


def test_already_exists(mesh):
    with pytest.raises(exceptions.AlreadyExists):
        mesh.admin().create_account(account_name="again", account_id=PRODUCER_ID)


def test_initialize_mesh_account_answers_the_admin_key_once(mesh):
    """docs/DECISIONS.md, "initialize_mesh_account answer" and "... again": the admin's
    credentials, not the original's roles; a second run is AlreadyExists, changing nothing."""
    assert sorted(mesh.admin_creds) == ["AccessKeyId", "AccountId", "AccountName",
                                        "SecretAccessKey"]
    with pytest.raises(ValueError) as raised:
        mesh.admin().initialize_mesh_account(mesh_name="again")
    assert type(raised.value) is exceptions.AlreadyExists
    assert mesh.admin().get_caller_identity()["AccountName"] == "demo"


def test_permission_denied_is_a_permission_error(mesh):
    mesh.enable_both()
    with pytest.raises(PermissionError) as raised:
        # The consumer account calling a producer's method.
        mesh.producer(mesh.consumer_creds).list_pending_access_requests()
    assert type(raised.value) is exceptions.PermissionDenied


def test_unauthenticated(mesh):
    wrong = dict(mesh.admin_creds, SecretAccessKey="not-the-secret")
    with pytest.raises(exceptions.Unauthenticated) as raised:
        mesh.admin(wrong).list_accounts()
    assert "not-the-secret" not in str(raised.value)


def test_failed_precondition(mesh):
    db = mesh.publish_orders()
    sub = mesh.consumer().request_access_to_product(PRODUCER_ID, db, "SELECT",
                                                    "orders")["SubscriptionId"]
    mesh.producer().approve_access_request(sub)
    with pytest.raises(exceptions.FailedPrecondition, match="already Active"):
        mesh.producer().approve_access_request(sub)
    with pytest.raises(exceptions.FailedPrecondition):
        DataMeshAdmin(MESH_ID, endpoint=f"sqlite://{mesh.workdir}/missing.db",
                      use_credentials=mesh.admin_creds).list_accounts()


def test_unavailable_is_a_connection_error():
    admin = DataMeshAdmin(MESH_ID, endpoint="http://127.0.0.1:1",
                          use_credentials={"AccessKeyId": "k", "SecretAccessKey": "s"})
    with pytest.raises(ConnectionError) as raised:
        admin.list_accounts()
    assert type(raised.value) is exceptions.Unavailable


def test_unimplemented_listing(mesh):
    # A producer's or consumer's own view has no listing by database alone (the mesh account's
    # has: test_workflow).
    tracker = SubscriberTracker(credentials=mesh.producer_creds, data_mesh_account_id=MESH_ID,
                                endpoint=mesh.endpoint)
    with pytest.raises(NotImplementedError, match="mesh account's credentials"):
        tracker.list_subscriptions(database_name="sales")


def test_python_argument_errors(mesh):
    producer = mesh.producer()
    with pytest.raises(TypeError, match="unexpected keyword argument 'grant'"):
        producer.approve_access_request("id", grant="SELECT")
    with pytest.raises(TypeError, match="positional"):
        producer.deny_access_request("id", "notes", "extra")
    with pytest.raises(TypeError, match="multiple values"):
        producer.deny_access_request("id", request_id="id")
    with pytest.raises(TypeError, match=r"approve_access_request\(\) missing 1 required "
                                        r"positional argument: 'request_id'$"):
        producer.approve_access_request()
    with pytest.raises(TypeError, match=r"missing 3 required positional arguments: "
                                        r"'owner_account_id', 'database_name' and "
                                        r"'request_permissions'$"):
        mesh.consumer().request_access_to_product()
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'reason'$"):
        producer.delete_subscription(request_id="id")  # the id under its other name is there
    with pytest.raises(TypeError, match="object is not JSON serializable"):
        producer.create_database(database_input={"Name": "x", "Description": object()})


def test_docs_table_matches_the_classes():
    import os
    import re
    doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                       "PYTHON.md")
    rows = dict(re.findall(r"^\| (\w+) \| `\w+` \| `(\w+)` \|", open(doc, encoding="utf-8").read(),
                           re.M))
    assert rows == {code: base.__name__ for code, base in exceptions.BUILTIN_BASES.items()}
    assert set(rows) == set(_native.error_codes())


def test_resource_exhausted_for_a_body_over_the_servers_limit(mesh):
    if not mesh.endpoint.startswith("http://"):
        pytest.skip("a limit of `datamesh serve` (8 MiB bodies): nothing to exceed in process")
    mesh.enable_both()
    with pytest.raises(exceptions.ResourceExhausted):
        mesh.producer().create_database(database_input={"Name": "big",
                                                        "Description": "x" * (9 << 20)})


def test_log_level_as_name_or_logging_level(mesh):
    import logging
    admin = DataMeshAdmin(MESH_ID, log_level=logging.WARNING, use_credentials=mesh.admin_creds,
                          endpoint=mesh.endpoint)
    assert admin.list_accounts()
    assert logging.getLogger("DataMeshAdmin").level == logging.WARNING
    with pytest.raises(exceptions.InvalidArgument, match="LOUD"):
        DataMeshAdmin(MESH_ID, log_level="LOUD", use_credentials=mesh.admin_creds)


def test_a_mesh_file_with_another_mesh_key_is_refused_at_open(mesh):
    if not mesh.endpoint.startswith("sqlite://"):
        pytest.skip("the key file of an embedded mesh")
    import shutil
    other = f"sqlite://{mesh.workdir}/other.db"
    DataMeshAdmin(MESH_ID, endpoint=other).initialize_mesh_account(mesh_name="other")
    shutil.copy(f"{mesh.workdir}/other.db.key", f"{mesh.workdir}/mesh.db.key")
    with pytest.raises(RuntimeError) as raised:
        mesh.admin().list_accounts()
    assert type(raised.value) is exceptions.FailedPrecondition
    assert "does not unseal the secrets of the mesh" in str(raised.value)
