"""The documented workflow from Python, end to end: set-up, publish, request, approve,
finalize, read, narrow, delete. Answers are plain dicts and lists with the documents' keys."""

import json
import sys

import pytest
from conftest import CONSUMER_ID, MESH_ID, ORDERS, PRODUCER_ID

from data_mesh_util import DataMeshMacros as dmm
from data_mesh_util import exceptions
from data_mesh_util.lib.SubscriberTracker import SubscriberTracker


def test_whole_workflow(mesh):
    assert set(mesh.admin_creds) >= {"AccountId", "AccessKeyId", "SecretAccessKey"}
    assert mesh.admin_creds["AccountId"] == MESH_ID
    answer = mesh.admin(mesh.producer_creds).initialize_producer_account()
    assert answer["RoleArn"].endswith("role/AwsDataMesh/DataMeshProducer")
    mesh.admin(mesh.consumer_creds).initialize_consumer_account()
    assert mesh.admin().enable_account_as_producer(PRODUCER_ID) is None
    mesh.admin().enable_account_as_consumer(account_id=CONSUMER_ID)

    producer, consumer = mesh.producer(), mesh.consumer()
    # Parameters and answers cross as values (no JSON text): non-ASCII text, numbers, booleans.
    producer.create_database(database_input={"Name": "sales", "Description": "ventes d'été ✓"})
    assert producer.get_database(name="sales")["Database"]["Description"] == "ventes d'été ✓"
    from conftest import ORDERS
    producer.create_table(database_name="sales", table_input=ORDERS)
    product = producer.create_data_products(source_database_name="sales",
                                            table_name_regex="orders", domain="sales",
                                            data_product_name="orders")
    assert product == {"DatabaseName": f"sales-{PRODUCER_ID}",
                       "Tables": [{"SourceTable": "orders", "LinkTable": "orders_link"}]}
    db = product["DatabaseName"]
    assert producer.get_data_product(db, "orders")[0]["TableName"] == "orders"

    # The document's positional order: owner, database, permissions, tables.
    request = consumer.request_access_to_product(PRODUCER_ID, db, ["SELECT", "INSERT"],
                                                 ["orders"])
    assert request["Type"] == "TABLE" and request["Table"] == ["orders"]
    sub = request["SubscriptionId"]

    pending = producer.list_pending_access_requests()["Subscriptions"]
    assert [s["SubscriptionId"] for s in pending] == [sub]
    assert pending[0]["Status"] == "Pending"

    assert producer.approve_access_request(sub, grant_permissions="SELECT",
                                           decision_notes="read only") is None
    consumer.finalize_subscription(subscription_id=sub)

    got = consumer.get_subscription(request_id=sub)
    assert got.get("Status") == "Active"                      # the original's code's shape
    assert got["Subscriptions"][0]["PermittedGrants"] == ["SELECT", "DESCRIBE"]  # the document's
    assert json.loads(json.dumps(got)) == {"Subscriptions": [got.item]}
    assert consumer.get_table_info(db, "orders")["Table"]["Name"] == "orders"
    listed = consumer.list_product_access()["Subscriptions"]
    assert [s["SubscriptionId"] for s in listed] == [sub]

    tracker = SubscriberTracker(credentials=mesh.consumer_creds, data_mesh_account_id=MESH_ID,
                                region_name="us-east-1", endpoint=mesh.endpoint)
    assert tracker.get_subscription(sub)["Status"] == "Active"
    assert [s["SubscriptionId"]
            for s in tracker.list_subscriptions(principal_id=CONSUMER_ID)["Subscriptions"]] == [sub]
    # Every filter given narrows the answer, the owner's too.
    assert tracker.list_subscriptions(principal_id=CONSUMER_ID,
                                      owner_id=CONSUMER_ID) == {"Subscriptions": []}
    producer_tracker = SubscriberTracker(credentials=mesh.producer_creds,
                                         data_mesh_account_id=MESH_ID, endpoint=mesh.endpoint)
    assert producer_tracker.get_subscription(sub)["SubscriptionId"] == sub
    assert producer_tracker.list_subscriptions(owner_id=PRODUCER_ID,
                                               request_status="Pending") == {"Subscriptions": []}
    # The original's tracker ran on the mesh account's credentials (its examples build it so):
    # they read every subscription, with any combination of filters.
    mesh_tracker = SubscriberTracker(credentials=mesh.admin_creds, data_mesh_account_id=MESH_ID,
                                     endpoint=mesh.endpoint)
    assert mesh_tracker.get_subscription(sub)["SubscriberPrincipal"] == CONSUMER_ID
    assert [s["SubscriptionId"] for s in mesh_tracker.list_subscriptions(
        owner_id=PRODUCER_ID, principal_id=CONSUMER_ID, database_name=db,
        tables=["orders"])["Subscriptions"]] == [sub]
    assert mesh_tracker.list_subscriptions(owner_id=CONSUMER_ID) == {"Subscriptions": []}
    assert mesh_tracker.list_subscriptions(request_status="Pending") == {"Subscriptions": []}
    # A database of no product: nothing, as the original's scan of its table answered.
    assert mesh_tracker.list_subscriptions(database_name="sales") == {"Subscriptions": []}
    assert mesh_tracker.get_subscription("A" * 22) is None

    producer.update_subscription_permissions(sub, ["SELECT"], "still read only")
    producer.delete_subscription(sub, "no longer needed")
    assert producer.get_subscription(sub)["Status"] == "Deleted"
    assert tracker.get_subscription(sub) is None
    assert tracker.get_subscription(sub, force=True)["Status"] == "Deleted"
    assert mesh_tracker.get_subscription(sub) is None
    assert mesh_tracker.get_subscription(sub, force=True)["Status"] == "Deleted"
    assert [s["SubscriptionId"] for s in mesh_tracker.list_subscriptions(
        request_status="Deleted")["Subscriptions"]] == [sub]
    assert consumer.list_product_access()["Subscriptions"] == []
    revoked = consumer.list_product_access(status="Deleted")["Subscriptions"]
    assert [(s["SubscriptionId"], s["Notes"][-1]) for s in revoked] == [(sub, "no longer needed")]


def test_deny_and_consumer_delete(mesh):
    db = mesh.publish_orders()
    producer, consumer = mesh.producer(), mesh.consumer()
    first = consumer.request_access_to_product(PRODUCER_ID, db, "SELECT", tables="orders")
    assert producer.deny_access_request(first["SubscriptionId"], "no") is None
    assert producer.get_subscription(first["SubscriptionId"])["Status"] == "Denied"
    second = consumer.request_access_to_product(owner_account_id=PRODUCER_ID, database_name=db,
                                                request_permissions=["SELECT"])
    assert second["Type"] == "DATABASE"
    consumer.delete_subscription(second["SubscriptionId"], reason="withdrawn")
    assert consumer.get_subscription(second["SubscriptionId"])["Status"] == "Deleted"


def test_lists_given_as_one_string(mesh):
    # The original's ensure_list split a string at commas; datamesh also trims each part, as
    # its CLI does. A table pattern keeps its commas.
    from conftest import ORDERS
    mesh.enable_both()
    producer, consumer = mesh.producer(), mesh.consumer()
    producer.create_database(database_input={"Name": "sales"})
    producer.create_table(database_name="sales", table_input=ORDERS)
    producer.create_table(database_name="sales", table_input=dict(ORDERS, Name="order_items"))
    db = producer.create_data_products("sales", table_name_regex="order.*")["DatabaseName"]
    both = consumer.request_access_to_product(PRODUCER_ID, db, "SELECT, DESCRIBE",
                                              tables="orders, order_items")
    assert sorted(both["Table"]) == ["order_items", "orders"]
    assert producer.get_subscription(both["SubscriptionId"])["RequestedGrants"] == [
        "SELECT", "DESCRIBE"]
    pattern = consumer.request_access_to_product(PRODUCER_ID, db, "SELECT",
                                                 tables="order_item{1,2}s")
    assert pattern["Table"] == ["order_items"]
    # The original's reason=None added no note; neither does datamesh's.
    assert consumer.delete_subscription(pattern["SubscriptionId"], None) is None
    deleted = consumer.get_subscription(pattern["SubscriptionId"])["Subscriptions"][0]
    assert deleted["Status"] == "Deleted" and not deleted.get("Notes")


def test_macros_bootstrap_both(mesh):
    macros = dmm.DataMeshMacros(data_mesh_account_id=MESH_ID, region_name="us-east-1",
                                endpoint=mesh.endpoint)
    macros.bootstrap_account("both", mesh.admin_creds, mesh.producer_creds)
    account = mesh.admin().describe_account(account_id=PRODUCER_ID)
    assert json.dumps(account)  # a plain, serialisable answer
    assert mesh.producer().list_pending_access_requests() == {"Subscriptions": []}
    assert mesh.admin(mesh.producer_creds).initialize_consumer_account()["RoleArn"]


def test_credentials_as_object(mesh):
    class BotoLike:
        access_key = mesh.producer_creds["AccessKeyId"]
        secret_key = mesh.producer_creds["SecretAccessKey"]
        token = None

    mesh.enable_both()
    from data_mesh_util.DataMeshProducer import DataMeshProducer
    producer = DataMeshProducer(MESH_ID, "us-east-1", "DEBUG", BotoLike(), endpoint=mesh.endpoint)
    assert producer.list_pending_access_requests() == {"Subscriptions": []}


def test_endpoint_from_environment(mesh, monkeypatch):
    monkeypatch.setenv("DATAMESH_ENDPOINT", mesh.endpoint)
    from data_mesh_util.DataMeshAdmin import DataMeshAdmin
    admin = DataMeshAdmin(data_mesh_account_id=MESH_ID, use_credentials=mesh.admin_creds)
    assert admin.endpoint == mesh.endpoint
    assert {a["AccountId"] for a in admin.list_accounts()} >= {PRODUCER_ID, CONSUMER_ID}


def test_original_keywords_without_effect_are_accepted(mesh):
    """The original's 0_5 script passes crawler_role_arn=None; its README passes
    use_original_table_name. No effect (None, False): accepted; True: links named like the
    tables, as expose_table_references_with_suffix=''."""
    admin = mesh.admin(mesh.producer_creds)
    assert admin.initialize_producer_account(crawler_role_arn=None)["RoleArn"]
    assert admin.initialize_producer_account(None)["RoleArn"]
    mesh.admin().enable_account_as_producer(PRODUCER_ID)
    producer = mesh.producer()
    producer.create_database(database_input={"Name": "sales"})
    producer.create_table(database_name="sales", table_input=ORDERS)
    made = producer.create_data_products("sales", table_name_regex="orders",
                                         use_original_table_name=None)
    assert made["Tables"] == [{"LinkTable": "orders_link", "SourceTable": "orders"}]
    made = producer.create_data_products("sales", True, "orders", None, None, None, None,
                                         "sales-renamed", "_link", False)
    assert made["Tables"] == [{"LinkTable": "orders_link", "SourceTable": "orders"}]
    made = producer.create_data_products("sales", table_name_regex="orders",
                                         expose_data_mesh_db_name="sales-original",
                                         use_original_table_name=True)
    assert made["Tables"] == [{"LinkTable": "orders", "SourceTable": "orders"}]


def test_original_keywords_datamesh_cannot_honour_are_refused(mesh):
    admin = mesh.admin(mesh.producer_creds)
    with pytest.raises(exceptions.InvalidArgument, match="per data product"):
        admin.initialize_producer_account(crawler_role_arn="arn:aws:iam::1:role/Crawler")
    # Refused before anything is done: the account did not initialize.
    assert not mesh.admin().describe_account(account_id=PRODUCER_ID)["ProducerInitialized"]
    macros = dmm.DataMeshMacros(data_mesh_account_id=MESH_ID, endpoint=mesh.endpoint)
    with pytest.raises(exceptions.InvalidArgument, match="per data product"):
        macros.bootstrap_account("producer", mesh.admin_creds, mesh.producer_creds,
                                 crawler_role_arn="arn:aws:iam::1:role/Crawler")
    assert not mesh.admin().describe_account(account_id=PRODUCER_ID)["ProducerInitialized"]
    producer = mesh.producer()
    with pytest.raises(exceptions.InvalidArgument, match="cannot go with"):
        producer.create_data_products("sales", use_original_table_name=True,
                                      expose_table_references_with_suffix="_x")
    with pytest.raises(exceptions.InvalidArgument, match="True or False"):
        producer.create_data_products("sales", use_original_table_name="yes")


def test_tracker_endpoints_outside_aws(mesh):
    """The original's get_endpoints() answered its DynamoDB table's and stream's ARNs; a mesh
    file or a server has neither: both None (docs/PYTHON.md)."""
    tracker = SubscriberTracker(credentials=mesh.consumer_creds, data_mesh_account_id=MESH_ID,
                                region_name="us-east-1", endpoint=mesh.endpoint)
    assert tracker.get_endpoints() == {"Table": None, "Stream": None}


def test_create_session_without_boto3(mesh, monkeypatch):
    """The original's 0_5_setup_account_as.py sets an account up with
    utils.create_session(credentials=None, region=None).get_credentials(). Without boto3 (as
    for Debian's python3) the session reads the AWS variables boto3 reads first."""
    from data_mesh_util.lib import utils
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 fails
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    nothing = utils.create_session(credentials=None, region=None)
    assert nothing.get_credentials() is None and nothing.region_name is None

    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    given = utils.create_session(credentials=mesh.producer_creds)
    assert given.region_name == "eu-west-1"
    assert given.get_credentials().access_key == mesh.producer_creds["AccessKeyId"]
    assert utils.create_session(mesh.producer_creds, "us-east-2").region_name == "us-east-2"
    with pytest.raises(exceptions.InvalidArgument, match="Malformed Credentials"):
        utils.create_session(credentials={"AccessKeyId": "x"})

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", mesh.producer_creds["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", mesh.producer_creds["SecretAccessKey"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    session = utils.create_session(credentials=None, region=None)
    assert session.region_name == "us-west-2"
    credentials = session.get_credentials()
    assert (credentials.secret_key, credentials.token) == \
        (mesh.producer_creds["SecretAccessKey"], None)
    # What the 0_5 script does with it.
    from data_mesh_util.DataMeshAdmin import DataMeshAdmin
    admin = DataMeshAdmin(data_mesh_account_id=MESH_ID, region_name="us-east-1",
                          use_credentials=credentials, endpoint=mesh.endpoint)
    assert admin.initialize_producer_account(crawler_role_arn=None)["RoleArn"]


def test_create_session_with_boto3(monkeypatch):
    """With boto3 importable, create_session is the original's: a boto3 session of the keys
    and the region (AWS_REGION when none is given), or the default session."""
    import types

    from data_mesh_util.lib import utils
    made = []
    boto3 = types.ModuleType("boto3")
    boto3.session = types.SimpleNamespace(Session=lambda **kw: made.append(kw) or kw)
    monkeypatch.setitem(sys.modules, "boto3", boto3)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    utils.create_session(credentials={"AccessKeyId": "a", "SecretAccessKey": "s"})
    utils.create_session(credentials=None, region=None)
    assert made == [{"aws_access_key_id": "a", "aws_secret_access_key": "s",
                     "aws_session_token": None, "region_name": "eu-west-1"}, {}]


def test_database_level_request_prints_as_the_original(mesh, capsys):
    """The original printed this line on stdout for a request without tables (reference
    §1.4); scripts may read it there. Not for a request that names tables."""
    db = mesh.publish_orders()
    consumer = mesh.consumer()
    capsys.readouterr()
    consumer.request_access_to_product(PRODUCER_ID, db, ["SELECT"], tables=["orders"])
    assert capsys.readouterr().out == ""
    consumer.request_access_to_product(PRODUCER_ID, db, ["SELECT"])
    assert capsys.readouterr().out == "Creating Database level Access Request\n"
    consumer.request_access_to_product(PRODUCER_ID, db, "DESCRIBE", None)
    assert capsys.readouterr().out == "Creating Database level Access Request\n"
    # An empty list is no database-level request on datamesh, but a mistake (InvalidArgument).
    with pytest.raises(exceptions.InvalidArgument):
        consumer.request_access_to_product(PRODUCER_ID, db, ["SELECT"], tables=[])
    with pytest.raises(TypeError):
        consumer.request_access_to_product(PRODUCER_ID)
    assert capsys.readouterr().out == ""
