"""The tracker's and the audit table's DynamoDB requests, sent to a real moto DynamoDB.

The requests are the golden files of tests/aws/data/dynamodb_requests/, which
tests/aws/dynamodb_requests_test.cc proves are exactly what datamesh's builders
(src/store/aws/) make. Here boto3 checks each against the DynamoDB service model and
sends it to moto, and the tests check what it does: the table is the original library's,
items the original wrote (tests/aws/data/tracker_items/) are read, updated and guarded,
and the audit chain only grows from its head.

Run: python3 tests/support/moto/pytest_main.py tests/aws/tracker_moto_test.py
"""

import json
import pathlib
import urllib.request

import boto3
import botocore.session
import pytest
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError
from botocore.validate import validate_parameters
from moto.server import ThreadedMotoServer

DATA = pathlib.Path(__file__).parent / "data"


def golden(name):
    document = json.loads((DATA / "dynamodb_requests" / f"{name}.json").read_text())
    return document["operation"], document["body"]


def original_item(name):
    """A tracker item exactly as the original library writes it."""
    return json.loads((DATA / "tracker_items" / f"{name}.json").read_text())["item"]


@pytest.fixture
def dynamodb():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    client = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    yield client
    server.stop()


def send(client, operation, body):
    method = {api: py for py, api in client.meta.method_to_api_mapping.items()}[operation]
    return getattr(client, method)(**body)


def send_golden(client, name):
    return send(client, *golden(name))


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def tracker_with(client, *fixtures):
    send_golden(client, "create_tracker_table")
    for name in fixtures:
        client.put_item(TableName="AwsDataMeshSubscriptions", Item=original_item(name))


def stored(client, subscription_id):
    return client.get_item(
        TableName="AwsDataMeshSubscriptions",
        Key={"SubscriptionId": {"S": subscription_id}},
        ConsistentRead=True,
    )["Item"]


def test_the_tracker_table_is_the_originals(dynamodb):
    send_golden(dynamodb, "create_tracker_table")
    table = dynamodb.describe_table(TableName="AwsDataMeshSubscriptions")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "SubscriptionId", "KeyType": "HASH"}]
    assert sorted(
        (a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]
    ) == [
        ("OwnerPrincipal", "S"),
        ("Status", "S"),
        ("SubscriberPrincipal", "S"),
        ("SubscriptionId", "S"),
    ]
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert indexes["AwsDataMeshSubscriptions-Owner"]["KeySchema"] == [
        {"AttributeName": "OwnerPrincipal", "KeyType": "HASH"},
        {"AttributeName": "Status", "KeyType": "RANGE"},
    ]
    assert indexes["AwsDataMeshSubscriptions-Subscriber"]["KeySchema"] == [
        {"AttributeName": "SubscriberPrincipal", "KeyType": "HASH"}
    ]
    assert all(i["Projection"]["ProjectionType"] == "ALL" for i in indexes.values())
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    tags = dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    assert tags == [{"Key": "Solution", "Value": "DataMeshUtils"}]


def test_reads_the_originals_items(dynamodb):
    tracker_with(dynamodb, "pending_table", "pending_database", "denied", "domain", "data_product")
    item = send_golden(dynamodb, "get_subscription")["Item"]
    assert item == original_item("pending_table")

    pending = send_golden(dynamodb, "query_owner_pending")["Items"]
    assert sorted(i["SubscriptionId"]["S"] for i in pending) == [
        "GUxwswjEFRzgwow8zqVwGC",
        "Hk3mNpQrStUvWxYz23456a",
        "Km9NpQrStUvWxYz234567b",
        "Lp2QrStUvWxYz2345678cd",
    ]
    mine = send_golden(dynamodb, "query_subscriber")["Items"]
    assert len(mine) == 5
    # A later page of the producer's subscriptions in every status: a valid request.
    send_golden(dynamodb, "query_owner_every_status_from_a_key")


def test_updates_an_item_the_original_wrote_once(dynamodb):
    tracker_with(dynamodb, "pending_table")
    send_golden(dynamodb, "update_original_pending_to_active")
    item = stored(dynamodb, "GUxwswjEFRzgwow8zqVwGC")
    assert item["Status"] == {"S": "Active"}
    assert item["DatameshVersion"] == {"N": "1"}
    assert item["GrantableGrants"] == {"L": []}
    assert item["Notes"] == {"SS": ["Approved by datamesh"]}
    assert item["CreatedBy"] == original_item("pending_table")["CreatedBy"]
    for share in item["RamShares"]["M"].values():
        assert set(share["M"]) == {"type", "arn"}
    # Sent again, the request finds the item changed: refused.
    with pytest.raises(ClientError) as refused:
        send_golden(dynamodb, "update_original_pending_to_active")
    assert error_code(refused) == "ConditionalCheckFailedException"


def test_an_update_fails_after_the_original_changed_the_item(dynamodb):
    tracker_with(dynamodb, "pending_table")
    # The original's deny_access_request (§2.3 update_status) between datamesh's read and write.
    dynamodb.update_item(
        TableName="AwsDataMeshSubscriptions",
        Key={"SubscriptionId": {"S": "GUxwswjEFRzgwow8zqVwGC"}},
        UpdateExpression="SET #s = :s, UpdatedDate = :d, UpdatedBy = :b ADD Notes :n",
        ConditionExpression="#s = :pending",
        ExpressionAttributeNames={"#s": "Status"},
        ExpressionAttributeValues={
            ":s": {"S": "Denied"},
            ":pending": {"S": "Pending"},
            ":d": {"S": "2026-12-02 08:30:00"},
            ":b": {
                "S": "arn:aws:sts::111111111111:assumed-role/DataMeshAdminProducer-222222222222/x"
            },
            ":n": {"SS": ["no"]},
        },
    )
    with pytest.raises(ClientError) as refused:
        send_golden(dynamodb, "update_original_pending_to_active")
    assert error_code(refused) == "ConditionalCheckFailedException"
    assert stored(dynamodb, "GUxwswjEFRzgwow8zqVwGC")["Status"] == {"S": "Denied"}


def test_an_update_keeps_what_it_does_not_change(dynamodb):
    tracker_with(dynamodb, "active_table")
    send_golden(dynamodb, "update_original_active_to_deleted")
    item = stored(dynamodb, "GUxwswjEFRzgwow8zqVwGC")
    original = original_item("active_table")
    assert item["Status"] == {"S": "Deleted"}
    assert item["RamShares"] == original["RamShares"]
    assert item["GrantableGrants"] == {"NULL": True}
    assert item["GrantedTableARNs"] == {"NULL": True}
    assert sorted(item["Notes"]["SS"]) == ["Approved for quarterly reporting", "Project finished"]
    assert item["DatameshNotes"] == {
        "L": [{"S": "Approved for quarterly reporting"}, {"S": "Project finished"}]
    }


def test_a_new_subscription_is_put_once_then_updated_by_version(dynamodb):
    tracker_with(dynamodb)
    send_golden(dynamodb, "put_new_subscription")
    with pytest.raises(ClientError) as taken:
        send_golden(dynamodb, "put_new_subscription")
    assert error_code(taken) == "ConditionalCheckFailedException"
    send_golden(dynamodb, "update_datamesh_pending_to_active")
    assert stored(dynamodb, "DmNewSubscription2345ab")["DatameshVersion"] == {"N": "2"}
    with pytest.raises(ClientError) as stale:
        send_golden(dynamodb, "update_datamesh_pending_to_active")
    assert error_code(stale) == "ConditionalCheckFailedException"


def test_the_audit_chain_grows_only_from_its_head(dynamodb):
    tracker_with(dynamodb)
    send_golden(dynamodb, "create_audit_table")
    assert "Item" not in send_golden(dynamodb, "get_audit_head")
    send_golden(dynamodb, "append_audit_first")
    send_golden(dynamodb, "append_audit_second")
    head = send_golden(dynamodb, "get_audit_head")["Item"]
    assert head["HeadSequence"] == {"N": "2"}
    assert head["HeadHash"] == {"S": "b" * 64}

    # A second writer that read the head at event 1 cannot append another event 2.
    operation, body = golden("append_audit_second")
    body["TransactItems"][1]["Put"]["Item"]["Hash"] = {"S": "d" * 64}
    body["TransactItems"][0]["Update"]["ExpressionAttributeValues"][":hash"] = {"S": "d" * 64}
    body["ClientRequestToken"] = "d" * 36
    with pytest.raises(ClientError) as lost:
        send(dynamodb, operation, body)
    assert error_code(lost) == "TransactionCanceledException"

    events = send_golden(dynamodb, "query_audit_chain")["Items"]
    assert [e["Sequence"]["N"] for e in events] == ["1", "2"]
    assert events[1]["PreviousHash"] == {"S": "a" * 64}
    history = send_golden(dynamodb, "query_subscription_audit")["Items"]
    assert [e["Sequence"]["N"] for e in history] == ["1"]


def test_a_subscription_change_and_its_event_commit_together(dynamodb):
    tracker_with(dynamodb)
    send_golden(dynamodb, "create_audit_table")
    send_golden(dynamodb, "put_new_subscription")
    send_golden(dynamodb, "update_datamesh_pending_to_active")
    send_golden(dynamodb, "append_audit_first")

    # The head is at event 1, not 2: the whole transaction fails, the subscription included.
    with pytest.raises(ClientError) as refused:
        send_golden(dynamodb, "finalize_with_audit_event")
    assert error_code(refused) == "TransactionCanceledException"
    assert "ImportedToConsumer" not in stored(dynamodb, "DmNewSubscription2345ab")

    send_golden(dynamodb, "append_audit_second")
    send_golden(dynamodb, "finalize_with_audit_event")
    item = stored(dynamodb, "DmNewSubscription2345ab")
    assert item["ImportedToConsumer"] == {"BOOL": True}
    assert item["DatameshVersion"] == {"N": "3"}
    head = send_golden(dynamodb, "get_audit_head")["Item"]
    assert head["HeadSequence"] == {"N": "3"}


def as_the_original_reads_it(item):
    """The item as the original's boto3 Table resource hands it over (SS -> set, L -> list,
    M -> dict, NULL -> None, N -> Decimal)."""
    deserializer = TypeDeserializer()
    return {name: deserializer.deserialize(value) for name, value in item.items()}


def test_the_original_reads_what_datamesh_writes(dynamodb):
    tracker_with(dynamodb)
    send_golden(dynamodb, "put_new_subscription")
    send_golden(dynamodb, "update_datamesh_pending_to_active")
    item = as_the_original_reads_it(stored(dynamodb, "DmNewSubscription2345ab"))

    # get_subscription / approve: the status and what was asked for.
    assert item["Status"] == "Active"
    assert item["TableName"] == ["orders"]
    assert item["RequestedGrants"] == ["SELECT"]
    # finalize_subscription and the consumer's delete_subscription: every share's arn.
    assert [share["arn"] for share in item["RamShares"].values()] == [
        "arn:aws:ram:us-east-1:111111111111:resource-share/66666666-7777-8888-9999-000000000000"
    ]
    # update_subscription_permissions: set arithmetic on the grants.
    assert set(item["PermittedGrants"]) - set(item["GrantableGrants"] or []) == {
        "SELECT",
        "DESCRIBE",
    }
    assert item["Notes"] == {"Approved by datamesh"}
    # The producer's delete_subscription builds Lake Formation revoke entries from the item: they
    # must be valid requests (a NULL GrantableGrants of an Active item would not be).
    entries = [
        {
            "Id": "1",
            "Principal": {"DataLakePrincipalIdentifier": item["SubscriberPrincipal"]},
            "Resource": {"Table": {"DatabaseName": item["DatabaseName"], "Name": table}},
            "Permissions": item["PermittedGrants"],
            "PermissionsWithGrantOption": item["GrantableGrants"],
        }
        for table in item["TableName"]
    ]
    model = botocore.session.get_session().get_service_model("lakeformation")
    validate_parameters(
        {"Entries": entries}, model.operation_model("BatchRevokePermissions").input_shape
    )


def test_an_update_fails_after_the_original_changed_a_datamesh_item(dynamodb):
    tracker_with(dynamodb)
    send_golden(dynamodb, "put_new_subscription")
    # The original's deny_access_request: it does not know DatameshVersion, but sets Status and
    # UpdatedDate, which the condition of datamesh's update also checks.
    dynamodb.update_item(
        TableName="AwsDataMeshSubscriptions",
        Key={"SubscriptionId": {"S": "DmNewSubscription2345ab"}},
        UpdateExpression="SET #s = :s, UpdatedDate = :d ADD Notes :n",
        ConditionExpression="#s = :pending",
        ExpressionAttributeNames={"#s": "Status"},
        ExpressionAttributeValues={
            ":s": {"S": "Denied"},
            ":pending": {"S": "Pending"},
            ":d": {"S": "2026-12-03 10:05:00"},
            ":n": {"SS": ["not now"]},
        },
    )
    assert stored(dynamodb, "DmNewSubscription2345ab")["DatameshVersion"] == {"N": "1"}
    with pytest.raises(ClientError) as refused:
        send_golden(dynamodb, "update_datamesh_pending_to_active")
    assert error_code(refused) == "ConditionalCheckFailedException"


# The original's transitions (tests/aws/tracker_fixtures.h lists the same pairs).
TRANSITIONS = [
    ("pending_table", "active_table"),
    ("active_table", "finalized"),
    ("active_table", "updated_permissions"),
    ("finalized", "deleted"),
    ("pending_insert", "denied"),
]


def comparable(item):
    """An item as compared across writers: without datamesh's own attributes, sets sorted,
    RamShares as the set of its ARNs (datamesh keys its entries by ARN)."""
    item = {k: v for k, v in item.items() if k not in ("DatameshVersion", "DatameshNotes")}
    if "Notes" in item:
        item["Notes"] = sorted(item["Notes"]["SS"])
    if "RamShares" in item:
        item["RamShares"] = sorted({e["M"]["arn"]["S"] for e in item["RamShares"]["M"].values()})
    return item


@pytest.mark.parametrize("before,after", TRANSITIONS, ids=[f"{a}-to-{b}" for a, b in TRANSITIONS])
def test_datamesh_makes_the_originals_transitions_on_its_items(dynamodb, before, after):
    tracker_with(dynamodb, before)
    send_golden(dynamodb, f"transition_{before}_to_{after}")
    item = stored(dynamodb, original_item(before)["SubscriptionId"]["S"])
    assert comparable(item) == comparable(original_item(after))
    assert item["DatameshVersion"] == {"N": "1"}
    if "RamShares" in original_item(before):
        assert item["RamShares"] == original_item(after)["RamShares"]  # untouched, keys and all
    with pytest.raises(ClientError) as stale:
        send_golden(dynamodb, f"transition_{before}_to_{after}")
    assert error_code(stale) == "ConditionalCheckFailedException"


def test_scans_read_the_whole_tracker(dynamodb):
    tracker_with(dynamodb, "pending_table", "denied", "domain")
    items = send_golden(dynamodb, "scan_subscriptions")["Items"]
    assert sorted(item["SubscriptionId"]["S"] for item in items) == [
        "GUxwswjEFRzgwow8zqVwGC",
        "Jq7RsTuVwXyZ234567abcd",
        "Km9NpQrStUvWxYz234567b",
    ]
    statuses = send_golden(dynamodb, "scan_statuses")["Items"]
    assert sorted(item["Status"]["S"] for item in statuses) == ["Denied", "Pending", "Pending"]
    assert all(list(item) == ["Status"] for item in statuses)


def test_the_duplicate_check_answers_live_requests_of_the_database(dynamodb):
    # pending_table and active_database are of sales-222222222222; denied too, but Denied.
    tracker_with(dynamodb, "pending_table", "denied", "active_database", "domain")
    items = send_golden(dynamodb, "query_live_requests")["Items"]
    assert sorted(item["SubscriptionId"]["S"] for item in items) == [
        "GUxwswjEFRzgwow8zqVwGC",
        "Hk3mNpQrStUvWxYz23456a",
    ]


def test_the_journal_table(dynamodb):
    send_golden(dynamodb, "create_journal_table")
    table = dynamodb.describe_table(TableName="DatameshJournal")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "JournalId", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_a_share_starts_the_maps_of_a_pending_item(dynamodb):
    tracker_with(dynamodb, "pending_database")
    send_golden(dynamodb, "put_share_new_maps")
    item = as_the_original_reads_it(stored(dynamodb, "Hk3mNpQrStUvWxYz23456a"))
    arn = "arn:aws:ram:us-east-1:111111111111:resource-share/new"
    # The original's finalize and delete read every entry's arn.
    assert [share["arn"] for share in item["RamShares"].values()] == [arn]
    assert item["RamShares"][arn]["type"] == "Database"
    assert item["DatameshShares"][arn]["Status"] == "PENDING"
    assert item["Status"] == "Pending" and "UpdatedDate" not in item
    # Written once: the maps exist now, so the same request's condition fails.
    with pytest.raises(ClientError) as excinfo:
        send_golden(dynamodb, "put_share_new_maps")
    assert error_code(excinfo) == "ConditionalCheckFailedException"


def test_a_share_of_the_original_keeps_its_entry(dynamodb):
    tracker_with(dynamodb, "active_table")
    send_golden(dynamodb, "put_share_of_the_original")
    item = stored(dynamodb, "GUxwswjEFRzgwow8zqVwGC")
    assert item["RamShares"] == original_item("active_table")["RamShares"]
    arn = "arn:aws:ram:us-east-1:111111111111:resource-share/0b6e5a4c-7d2f-4e1a-9c3b-5f8d2e1a6b70"
    assert item["DatameshShares"]["M"][arn]["M"]["Status"] == {"S": "ACCEPTED"}
    assert "DatameshVersion" not in item
