"""The moto gap fillers of extensions.py: every gap shown open without install() and closed,
as AWS documents it, with install().

Each test runs twice, against a moto server started in this process without and with the
extensions, and calls it through boto3 from the accounts of a mesh: M (the mesh) grants to
C (a consumer). Run: python3 tests/support/moto/pytest_main.py tests/support/moto/test_extensions.py
"""

import json
import pathlib
import sys
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import extensions  # noqa: E402

MESH = "111111111111"
PRODUCER = "222222222222"
CONSUMER = "333333333333"
REGION = "us-east-1"
LF_ROLE = "AWSServiceRoleForLakeFormationDataAccess"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


class Moto:
    def __init__(self, endpoint, extended):
        self.endpoint = endpoint
        self.extended = extended
        self._credentials = {}

    def client(self, service, account, config=None):
        """A client acting in `account`: moto files the keys an AssumeRole hands out there."""
        if account not in self._credentials:
            sts = boto3.client(
                "sts",
                region_name=REGION,
                endpoint_url=self.endpoint,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            self._credentials[account] = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/Admin", RoleSessionName="test"
            )["Credentials"]
        keys = self._credentials[account]
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.endpoint,
            config=NO_RETRIES.merge(config) if config else NO_RETRIES,
            aws_access_key_id=keys["AccessKeyId"],
            aws_secret_access_key=keys["SecretAccessKey"],
            aws_session_token=keys["SessionToken"],
        )


@pytest.fixture(params=[False, True], ids=["without", "with"])
def moto(request):
    if request.param:
        extensions.install()
    else:
        extensions.uninstall()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    yield Moto(endpoint, request.param)
    server.stop()
    extensions.uninstall()


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def status(excinfo):
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def table_resource(table="orders"):
    return {"Table": {"CatalogId": MESH, "DatabaseName": "sales-222222222222", "Name": table}}


def grant_to_consumer(moto, table="orders", grantable=()):
    moto.client("lakeformation", MESH).grant_permissions(
        CatalogId=MESH,
        Principal={"DataLakePrincipalIdentifier": CONSUMER},
        Resource=table_resource(table),
        Permissions=["SELECT", "DESCRIBE"],
        PermissionsWithGrantOption=list(grantable),
    )


def test_a_cross_account_grant_sends_a_ram_invitation_the_consumer_accepts(moto):
    grant_to_consumer(moto)
    consumer_ram = moto.client("ram", CONSUMER)
    if not moto.extended:
        with pytest.raises(ClientError) as missing:
            consumer_ram.get_resource_share_invitations()
        assert status(missing) == 404
        with pytest.raises(ClientError) as missing:
            consumer_ram.accept_resource_share_invitation(
                resourceShareInvitationArn=f"arn:aws:ram:{REGION}:{MESH}:resource-share-invitation/x"
            )
        assert status(missing) == 404
        return

    invitations = consumer_ram.get_resource_share_invitations()["resourceShareInvitations"]
    assert len(invitations) == 1
    invitation = invitations[0]
    assert invitation["resourceShareName"].startswith("LakeFormation")
    assert invitation["senderAccountId"] == MESH
    assert invitation["receiverAccountId"] == CONSUMER
    assert invitation["status"] == "PENDING"

    shares = moto.client("ram", MESH).get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert [s["resourceShareArn"] for s in shares] == [invitation["resourceShareArn"]]
    # A second grant to the same account reuses the share: no second invitation.
    grant_to_consumer(moto, table="customers")
    assert len(consumer_ram.get_resource_share_invitations()["resourceShareInvitations"]) == 1
    # The mesh received nothing.
    assert (
        moto.client("ram", MESH).get_resource_share_invitations()["resourceShareInvitations"] == []
    )

    arn = invitation["resourceShareInvitationArn"]
    with pytest.raises(ClientError) as not_theirs:
        moto.client("ram", MESH).accept_resource_share_invitation(resourceShareInvitationArn=arn)
    assert code(not_theirs) == "ResourceShareInvitationArnNotFoundException"
    accepted = consumer_ram.accept_resource_share_invitation(resourceShareInvitationArn=arn)
    assert accepted["resourceShareInvitation"]["status"] == "ACCEPTED"
    with pytest.raises(ClientError) as again:
        consumer_ram.accept_resource_share_invitation(resourceShareInvitationArn=arn)
    assert code(again) == "ResourceShareInvitationAlreadyAcceptedException"
    with pytest.raises(ClientError) as malformed:
        consumer_ram.accept_resource_share_invitation(resourceShareInvitationArn="not-an-arn")
    assert code(malformed) == "MalformedArnException"
    listed = consumer_ram.get_resource_share_invitations(resourceShareInvitationArns=[arn])
    assert listed["resourceShareInvitations"][0]["status"] == "ACCEPTED"
    with pytest.raises(ClientError) as unknown:
        consumer_ram.get_resource_share_invitations(
            resourceShareInvitationArns=[
                f"arn:aws:ram:{REGION}:{MESH}:resource-share-invitation/none"
            ]
        )
    assert code(unknown) == "ResourceShareInvitationArnNotFoundException"


def test_invitations_come_in_pages(moto):
    grant_to_consumer(moto)
    # A second mesh account grants to the same consumer: a second share, a second invitation.
    moto.client("lakeformation", PRODUCER).grant_permissions(
        CatalogId=PRODUCER,
        Principal={"DataLakePrincipalIdentifier": CONSUMER},
        Resource={"Database": {"CatalogId": PRODUCER, "Name": "sales"}},
        Permissions=["DESCRIBE"],
    )
    consumer_ram = moto.client("ram", CONSUMER)
    if not moto.extended:
        with pytest.raises(ClientError) as missing:
            consumer_ram.get_resource_share_invitations(maxResults=1)
        assert status(missing) == 404
        return
    first = consumer_ram.get_resource_share_invitations(maxResults=1)
    assert len(first["resourceShareInvitations"]) == 1
    second = consumer_ram.get_resource_share_invitations(maxResults=1, nextToken=first["nextToken"])
    assert len(second["resourceShareInvitations"]) == 1
    assert "nextToken" not in second
    senders = {page["resourceShareInvitations"][0]["senderAccountId"] for page in (first, second)}
    assert senders == {MESH, PRODUCER}
    unchecked = moto.client("ram", CONSUMER, Config(parameter_validation=False))
    with pytest.raises(ClientError) as too_few:
        unchecked.get_resource_share_invitations(maxResults=0)
    assert code(too_few) == "InvalidMaxResultsException"
    with pytest.raises(ClientError) as bad_token:
        consumer_ram.get_resource_share_invitations(nextToken="garbage")
    assert code(bad_token) == "InvalidNextTokenException"
    paginator = consumer_ram.get_paginator("get_resource_share_invitations")
    assert (
        sum(
            len(p["resourceShareInvitations"])
            for p in paginator.paginate(PaginationConfig={"PageSize": 1})
        )
        == 2
    )


def test_only_the_owner_of_a_share_disassociates_from_it(moto):
    grant_to_consumer(moto)
    mesh_ram = moto.client("ram", MESH)
    share_arn = mesh_ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    consumer_ram = moto.client("ram", CONSUMER)
    if not moto.extended:
        assert share_arn == []  # moto's Lake Formation shares nothing
        with pytest.raises(ClientError) as missing:
            consumer_ram.disassociate_resource_share(
                resourceShareArn=f"arn:aws:ram:{REGION}:{MESH}:resource-share/x",
                principals=[CONSUMER],
            )
        assert status(missing) == 404
        return

    share_arn = share_arn[0]["resourceShareArn"]
    with pytest.raises(ClientError) as refused:
        consumer_ram.disassociate_resource_share(resourceShareArn=share_arn, principals=[CONSUMER])
    assert code(refused) == "OperationNotPermittedException"
    answer = mesh_ram.disassociate_resource_share(resourceShareArn=share_arn, principals=[CONSUMER])
    [association] = answer["resourceShareAssociations"]
    assert association["associatedEntity"] == CONSUMER
    assert association["associationType"] == "PRINCIPAL"
    assert association["status"] == "DISASSOCIATING"
    with pytest.raises(ClientError) as unknown:
        mesh_ram.disassociate_resource_share(
            resourceShareArn=f"arn:aws:ram:{REGION}:{MESH}:resource-share/none",
            principals=[CONSUMER],
        )
    assert code(unknown) == "UnknownResourceException"


def test_list_permissions_names_the_share_of_a_cross_account_grant(moto):
    grant_to_consumer(moto)
    lf = moto.client("lakeformation", MESH)
    lf.grant_permissions(
        CatalogId=MESH,
        Principal={
            "DataLakePrincipalIdentifier": f"arn:aws:iam::{MESH}:role/AwsDataMesh/DataMeshManager"
        },
        Resource=table_resource(),
        Permissions=["DESCRIBE"],
    )
    listed = lf.list_permissions(CatalogId=MESH, ResourceType="TABLE", Resource=table_resource())
    by_principal = {
        p["Principal"]["DataLakePrincipalIdentifier"]: p
        for p in listed["PrincipalResourcePermissions"]
    }
    assert (
        "AdditionalDetails"
        not in by_principal[f"arn:aws:iam::{MESH}:role/AwsDataMesh/DataMeshManager"]
    )
    if not moto.extended:
        assert "AdditionalDetails" not in by_principal[CONSUMER]
        return
    shares = moto.client("ram", MESH).get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert by_principal[CONSUMER]["AdditionalDetails"] == {
        "ResourceShare": [shares[0]["resourceShareArn"]]
    }


def test_revoking_the_last_permission_takes_the_resource_out_of_the_share(moto):
    grant_to_consumer(moto, table="orders")
    grant_to_consumer(moto, table="customers")
    lf = moto.client("lakeformation", MESH)
    ram = moto.client("ram", MESH)
    revoke = {
        "CatalogId": MESH,
        "Principal": {"DataLakePrincipalIdentifier": CONSUMER},
        "Resource": table_resource("orders"),
    }
    lf.revoke_permissions(**revoke, Permissions=["SELECT"])
    if not moto.extended:
        assert ram.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []
        return
    [share] = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    orders = f"arn:aws:glue:{REGION}:{MESH}:table/sales-222222222222/orders"
    customers = f"arn:aws:glue:{REGION}:{MESH}:table/sales-222222222222/customers"

    def shared():
        associations = ram.get_resource_share_associations(
            associationType="RESOURCE", resourceShareArns=[share["resourceShareArn"]]
        )["resourceShareAssociations"]
        return [a["associatedEntity"] for a in associations]

    assert shared() == [orders, customers]  # DESCRIBE on orders is still granted
    lf.revoke_permissions(**revoke, Permissions=["DESCRIBE"])
    assert shared() == [customers]


def test_batch_grants_keep_their_grant_options(moto):
    lf = moto.client("lakeformation", MESH)
    entry = {
        "Id": "1",
        "Principal": {"DataLakePrincipalIdentifier": CONSUMER},
        "Resource": table_resource(),
        "Permissions": ["SELECT", "DESCRIBE"],
        "PermissionsWithGrantOption": ["SELECT"],
    }
    lf.batch_grant_permissions(CatalogId=MESH, Entries=[entry])
    [granted] = lf.list_permissions(
        CatalogId=MESH, ResourceType="TABLE", Resource=table_resource()
    )["PrincipalResourcePermissions"]
    if not moto.extended:
        assert granted["PermissionsWithGrantOption"] == []
        return
    assert granted["PermissionsWithGrantOption"] == ["SELECT"]
    lf.batch_revoke_permissions(CatalogId=MESH, Entries=[dict(entry, Permissions=["SELECT"])])
    [left] = lf.list_permissions(CatalogId=MESH, ResourceType="TABLE", Resource=table_resource())[
        "PrincipalResourcePermissions"
    ]
    assert left["Permissions"] == ["DESCRIBE"]
    assert left["PermissionsWithGrantOption"] == []


def test_registering_with_the_service_linked_role_creates_it(moto):
    lf = moto.client("lakeformation", MESH)
    iam = moto.client("iam", MESH)
    lf.register_resource(
        ResourceArn="arn:aws:s3:::producer-bucket/sales/orders", UseServiceLinkedRole=True
    )
    if not moto.extended:
        with pytest.raises(ClientError) as missing:
            iam.get_role(RoleName=LF_ROLE)
        assert code(missing) == "NoSuchEntity"
        return
    role = iam.get_role(RoleName=LF_ROLE)["Role"]
    assert role["Path"] == "/aws-service-role/lakeformation.amazonaws.com/"
    assert role["Arn"] == (
        f"arn:aws:iam::{MESH}:role/aws-service-role/lakeformation.amazonaws.com/{LF_ROLE}"
    )
    described = lf.describe_resource(ResourceArn="arn:aws:s3:::producer-bucket/sales/orders")
    assert described["ResourceInfo"]["RoleArn"] == role["Arn"]
    # A second location reuses the role; creating it by hand is now refused, as in IAM.
    lf.register_resource(
        ResourceArn="arn:aws:s3:::producer-bucket/sales/customers", UseServiceLinkedRole=True
    )
    with pytest.raises(ClientError) as taken:
        iam.create_service_linked_role(AWSServiceName="lakeformation.amazonaws.com")
    assert code(taken) == "InvalidInput"


def test_creating_the_lake_formation_service_linked_role_by_hand_names_it_as_iam_does(moto):
    role = moto.client("iam", CONSUMER).create_service_linked_role(
        AWSServiceName="lakeformation.amazonaws.com"
    )["Role"]
    if not moto.extended:
        assert role["RoleName"] != LF_ROLE
        return
    assert role["RoleName"] == LF_ROLE


def create_table(moto, account, database, table):
    glue = moto.client("glue", account)
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_table(DatabaseName=database, TableInput={"Name": table})
    return glue


def test_resource_lf_tags_of_an_untagged_table_are_empty(moto):
    create_table(moto, MESH, "sales-222222222222", "orders")
    lf = moto.client("lakeformation", MESH)
    if not moto.extended:
        with pytest.raises(ClientError) as broken:
            lf.get_resource_lf_tags(
                CatalogId=MESH, Resource=table_resource(), ShowAssignedLFTags=True
            )
        assert status(broken) == 500
        return
    answer = lf.get_resource_lf_tags(
        CatalogId=MESH, Resource=table_resource(), ShowAssignedLFTags=True
    )
    assert answer["LFTagOnDatabase"] == []
    assert answer["LFTagsOnTable"] == []
    lf.create_lf_tag(TagKey="Domain", TagValues=["finance"])
    lf.add_lf_tags_to_resource(
        Resource=table_resource(), LFTags=[{"TagKey": "Domain", "TagValues": ["finance"]}]
    )
    tagged = lf.get_resource_lf_tags(
        CatalogId=MESH, Resource=table_resource(), ShowAssignedLFTags=True
    )
    assert [t["TagKey"] for t in tagged["LFTagsOnTable"]] == ["Domain"]
    with pytest.raises(ClientError) as missing:
        lf.get_resource_lf_tags(
            CatalogId=MESH, Resource=table_resource("nope"), ShowAssignedLFTags=True
        )
    assert code(missing) == "EntityNotFoundException"


def test_a_missing_lf_tag_key_is_not_found(moto):
    lf = moto.client("lakeformation", MESH)
    if not moto.extended:
        assert lf.get_lf_tag(TagKey="Domain")["TagValues"] == []
        with pytest.raises(ClientError) as broken:
            lf.update_lf_tag(TagKey="Domain", TagValuesToAdd=["sales"])
        assert status(broken) == 500
        return
    for call in (
        lambda: lf.get_lf_tag(TagKey="Domain"),
        lambda: lf.update_lf_tag(TagKey="Domain", TagValuesToAdd=["sales"]),
    ):
        with pytest.raises(ClientError) as missing:
            call()
        assert code(missing) == "EntityNotFoundException"
    lf.create_lf_tag(TagKey="Domain", TagValues=["sales"])
    lf.update_lf_tag(TagKey="Domain", TagValuesToAdd=["finance"])
    assert lf.get_lf_tag(TagKey="Domain")["TagValues"] == ["sales", "finance"]


def test_adding_lf_tags_keeps_the_resources_other_tags(moto):
    create_table(moto, MESH, "sales-222222222222", "orders")
    lf = moto.client("lakeformation", MESH)
    lf.create_lf_tag(TagKey="Domain", TagValues=["sales", "finance"])
    lf.create_lf_tag(TagKey="DataProduct", TagValues=["orders"])
    lf.add_lf_tags_to_resource(
        Resource=table_resource(), LFTags=[{"TagKey": "Domain", "TagValues": ["sales"]}]
    )
    lf.add_lf_tags_to_resource(
        Resource=table_resource(), LFTags=[{"TagKey": "DataProduct", "TagValues": ["orders"]}]
    )
    refused = lf.add_lf_tags_to_resource(
        Resource=table_resource(), LFTags=[{"TagKey": "Domain", "TagValues": ["hr"]}]
    )
    if not moto.extended:
        # moto replaced the earlier tags each time, and attached a value the key lacks.
        tagged = lf.get_resource_lf_tags(CatalogId=MESH, Resource=table_resource())
        assert [(t["TagKey"], t["TagValues"]) for t in tagged["LFTagsOnTable"]] == [
            ("Domain", ["hr"])
        ]
        return
    assert [f["Error"]["ErrorCode"] for f in refused["Failures"]] == ["EntityNotFoundException"]
    lf.add_lf_tags_to_resource(
        Resource=table_resource(), LFTags=[{"TagKey": "Domain", "TagValues": ["finance"]}]
    )
    tagged = lf.get_resource_lf_tags(
        CatalogId=MESH, Resource=table_resource(), ShowAssignedLFTags=True
    )["LFTagsOnTable"]
    assert sorted((t["TagKey"], t["TagValues"]) for t in tagged) == [
        ("DataProduct", ["orders"]),
        ("Domain", ["finance"]),
    ]


def test_the_catalog_resource_policy_is_not_found_until_one_is_put(moto):
    glue = moto.client("glue", MESH)
    if not moto.extended:
        assert "PolicyInJson" not in glue.get_resource_policy()
        return
    with pytest.raises(ClientError) as missing:
        glue.get_resource_policy()
    assert code(missing) == "EntityNotFoundException"
    glue.put_resource_policy(PolicyInJson='{"Version": "2012-10-17", "Statement": []}')
    assert (
        glue.get_resource_policy()["PolicyInJson"] == '{"Version": "2012-10-17", "Statement": []}'
    )


def test_get_table_follows_a_database_resource_link(moto):
    create_table(moto, MESH, "sales-222222222222", "orders")
    consumer_glue = moto.client("glue", CONSUMER)
    consumer_glue.create_database(
        DatabaseInput={
            "Name": "sales-222222222222",
            "TargetDatabase": {"CatalogId": MESH, "DatabaseName": "sales-222222222222"},
        }
    )
    if not moto.extended:
        with pytest.raises(ClientError) as missing:
            consumer_glue.get_table(DatabaseName="sales-222222222222", Name="orders")
        assert code(missing) == "EntityNotFoundException"
        return
    table = consumer_glue.get_table(DatabaseName="sales-222222222222", Name="orders")["Table"]
    assert table["Name"] == "orders"
    assert table["CatalogId"] == MESH
    with pytest.raises(ClientError) as missing:
        consumer_glue.get_table(DatabaseName="sales-222222222222", Name="nope")
    assert code(missing) == "EntityNotFoundException"


def batch_entry(entry_id, principal, resource, permissions, grantable=()):
    entry = {
        "Id": entry_id,
        "Principal": {"DataLakePrincipalIdentifier": principal},
        "Resource": resource,
        "Permissions": list(permissions),
    }
    if grantable:
        entry["PermissionsWithGrantOption"] = list(grantable)
    return entry


def test_a_batch_reports_the_entries_that_failed_and_applies_the_others(moto):
    lf = moto.client("lakeformation", MESH)
    answer = lf.batch_grant_permissions(
        CatalogId=MESH,
        Entries=[
            batch_entry("1", "not a principal", table_resource(), ["SELECT"]),
            batch_entry("2", CONSUMER, table_resource(), ["DESCRIBE"]),
        ],
    )
    listed = lf.list_permissions(CatalogId=MESH, ResourceType="TABLE", Resource=table_resource())
    principals = {
        p["Principal"]["DataLakePrincipalIdentifier"] for p in listed["PrincipalResourcePermissions"]
    }
    if not moto.extended:
        assert answer["Failures"] == []
        assert principals == {"not a principal", CONSUMER}
        return
    [failure] = answer["Failures"]
    assert failure["RequestEntry"]["Id"] == "1"
    assert failure["Error"]["ErrorCode"] == "InvalidInputException"
    assert "Invalid principal" in failure["Error"]["ErrorMessage"]
    assert principals == {CONSUMER}
    with pytest.raises(ClientError) as refused:
        lf.grant_permissions(
            Principal={"DataLakePrincipalIdentifier": "not a principal"},
            Resource=table_resource(),
            Permissions=["SELECT"],
        )
    assert code(refused) == "InvalidInputException"


def test_a_grant_added_to_and_then_partly_revoked_keeps_the_rest(moto):
    # Two subscriptions of one consumer on one table: the second adds INSERT to SELECT, then
    # goes. moto merged the permissions in place, changing the hash inside its set: a 500.
    lf = moto.client("lakeformation", MESH)
    principal = {"DataLakePrincipalIdentifier": CONSUMER}
    lf.grant_permissions(Principal=principal, Resource=table_resource(), Permissions=["SELECT"])
    lf.grant_permissions(Principal=principal, Resource=table_resource(), Permissions=["INSERT"])
    if not moto.extended:
        with pytest.raises(ClientError):
            lf.revoke_permissions(Principal=principal, Resource=table_resource(),
                                  Permissions=["INSERT"])
        return
    lf.revoke_permissions(Principal=principal, Resource=table_resource(), Permissions=["INSERT"])
    [held] = lf.list_permissions(CatalogId=MESH, ResourceType="TABLE", Resource=table_resource())[
        "PrincipalResourcePermissions"
    ]
    assert held["Permissions"] == ["SELECT"]


def test_revoking_what_the_grantee_lacks_revokes_nothing_of_the_entry(moto):
    lf = moto.client("lakeformation", MESH)
    lf.batch_grant_permissions(
        CatalogId=MESH,
        Entries=[batch_entry("1", CONSUMER, table_resource(), ["SELECT", "DESCRIBE"], ["SELECT"])],
    )
    answer = lf.batch_revoke_permissions(
        CatalogId=MESH,
        Entries=[
            batch_entry("1", CONSUMER, table_resource(), ["SELECT", "INSERT"]),
            batch_entry("2", CONSUMER, table_resource("customers"), ["SELECT"]),
            batch_entry("3", CONSUMER, table_resource(), ["DESCRIBE"], ["DESCRIBE"]),
        ],
    )
    held = lf.list_permissions(CatalogId=MESH, ResourceType="TABLE", Resource=table_resource())[
        "PrincipalResourcePermissions"
    ]
    if not moto.extended:
        assert answer["Failures"] == []
        assert held == []  # revoked whatever it could
        return
    [held] = held
    errors = {f["RequestEntry"]["Id"]: f["Error"] for f in answer["Failures"]}
    assert errors == {
        "1": {
            "ErrorCode": "InvalidInputException",
            "ErrorMessage": "No permissions revoked. Grantee does not does not have:[INSERT]",
        },
        "2": {
            "ErrorCode": "InvalidInputException",
            "ErrorMessage": "No permissions revoked. Grantee has no permissions and no grantable "
            "permissions on resource.",
        },
        "3": {
            "ErrorCode": "InvalidInputException",
            "ErrorMessage": "No permissions revoked. Grantee does not does not have:[DESCRIBE]",
        },
    }
    assert sorted(held["Permissions"]) == ["DESCRIBE", "SELECT"]
    assert held["PermissionsWithGrantOption"] == ["SELECT"]


def test_list_permissions_of_a_table_includes_its_column_permissions(moto):
    lf = moto.client("lakeformation", MESH)
    columns = {
        "TableWithColumns": {
            "CatalogId": MESH,
            "DatabaseName": "sales-222222222222",
            "Name": "orders",
            "ColumnWildcard": {},
        }
    }
    wildcard = {
        "Table": {"CatalogId": MESH, "DatabaseName": "sales-222222222222", "TableWildcard": {}}
    }
    lf.batch_grant_permissions(
        CatalogId=MESH,
        Entries=[
            batch_entry("1", CONSUMER, columns, ["SELECT"]),
            batch_entry("2", CONSUMER, table_resource(), ["DESCRIBE"]),
            batch_entry("3", PRODUCER, wildcard, ["INSERT"]),
        ],
    )
    listed = lf.list_permissions(
        CatalogId=MESH,
        Principal={"DataLakePrincipalIdentifier": CONSUMER},
        Resource=table_resource(),
    )["PrincipalResourcePermissions"]
    kinds = sorted(next(iter(p["Resource"])) for p in listed)
    if not moto.extended:
        assert kinds == ["Table"]
        with pytest.raises(ClientError) as broken:
            lf.list_permissions(CatalogId=MESH, Resource=wildcard)
        assert status(broken) == 500
        return
    assert kinds == ["Table", "TableWithColumns"]
    [every_table] = lf.list_permissions(CatalogId=MESH, Resource=wildcard)[
        "PrincipalResourcePermissions"
    ]
    assert every_table["Principal"]["DataLakePrincipalIdentifier"] == PRODUCER


def test_the_consumer_rejects_an_invitation(moto):
    grant_to_consumer(moto)
    consumer_ram = moto.client("ram", CONSUMER)
    if not moto.extended:
        with pytest.raises(ClientError) as missing:
            consumer_ram.reject_resource_share_invitation(
                resourceShareInvitationArn=f"arn:aws:ram:{REGION}:{MESH}:resource-share-invitation/x"
            )
        assert status(missing) == 404
        return
    [invitation] = consumer_ram.get_resource_share_invitations()["resourceShareInvitations"]
    arn = invitation["resourceShareInvitationArn"]
    rejected = consumer_ram.reject_resource_share_invitation(resourceShareInvitationArn=arn)
    assert rejected["resourceShareInvitation"]["status"] == "REJECTED"
    for answer in (
        consumer_ram.reject_resource_share_invitation,
        consumer_ram.accept_resource_share_invitation,
    ):
        with pytest.raises(ClientError) as again:
            answer(resourceShareInvitationArn=arn)
        assert code(again) == "ResourceShareInvitationAlreadyRejectedException"
    with pytest.raises(ClientError) as not_theirs:
        moto.client("ram", MESH).reject_resource_share_invitation(resourceShareInvitationArn=arn)
    assert code(not_theirs) == "ResourceShareInvitationArnNotFoundException"
def test_a_transaction_with_a_client_token_is_idempotent(moto):
    dynamodb = moto.client("dynamodb", MESH)
    dynamodb.create_table(
        TableName="Chain",
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )

    def put(item_id, token):
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": "Chain",
                        "Item": {"Id": {"S": item_id}},
                        "ConditionExpression": "attribute_not_exists(Id)",
                    }
                }
            ],
            ClientRequestToken=token,
        )

    put("1", "token-1")
    if not moto.extended:
        # The repeat of a committed transaction (its answer lost, say) runs again and fails.
        with pytest.raises(ClientError) as repeated:
            put("1", "token-1")
        assert code(repeated) == "TransactionCanceledException"
        return
    put("1", "token-1")  # answered as the first call, nothing written again
    assert len(dynamodb.scan(TableName="Chain")["Items"]) == 1
    with pytest.raises(ClientError) as mismatch:
        put("2", "token-1")
    assert code(mismatch) == "IdempotentParameterMismatchException"
    # Without a token, or with another one, the same write is a new transaction.
    with pytest.raises(ClientError) as again:
        put("1", "token-2")
    assert code(again) == "TransactionCanceledException"
    put("3", "token-3")
    assert sorted(item["Id"]["S"] for item in dynamodb.scan(TableName="Chain")["Items"]) == ["1", "3"]


UNVALIDATED = Config(parameter_validation=False)


def test_glue_lists_come_in_pages(moto):
    glue = moto.client("glue", PRODUCER)
    names = [f"t{i:03d}" for i in range(7)]
    glue.create_database(DatabaseInput={"Name": "paged"})
    for name in names:
        glue.create_table(DatabaseName="paged", TableInput={"Name": name})
    glue.create_table(DatabaseName="paged", TableInput={"Name": "p"})
    for values in range(5):
        glue.create_partition(
            DatabaseName="paged", TableName="p", PartitionInput={"Values": [str(values)]}
        )
    first = glue.get_tables(DatabaseName="paged", MaxResults=3)
    if not moto.extended:
        assert len(first["TableList"]) == 8
        assert "NextToken" not in first
        return
    assert len(first["TableList"]) == 3
    listed, token, pages = [], None, 0
    while True:
        answer = glue.get_tables(
            DatabaseName="paged", MaxResults=3, **({"NextToken": token} if token else {})
        )
        listed += [t["Name"] for t in answer["TableList"]]
        pages += 1
        token = answer.get("NextToken")
        if not token:
            break
    assert sorted(listed) == sorted(names + ["p"])
    assert pages == 3
    paginator = glue.get_paginator("get_partitions")
    partition_pages = list(
        paginator.paginate(DatabaseName="paged", TableName="p", PaginationConfig={"PageSize": 2})
    )
    assert [len(p["Partitions"]) for p in partition_pages] == [2, 2, 1]
    databases = glue.get_databases(MaxResults=1)
    assert len(databases["DatabaseList"]) == 1 and "NextToken" not in databases
    too_many = moto.client("glue", PRODUCER, UNVALIDATED)
    with pytest.raises(ClientError) as refused:
        too_many.get_tables(DatabaseName="paged", MaxResults=101)
    assert code(refused) == "ValidationException"


def test_glue_partition_batches_hold_at_most_100(moto):
    create_table(moto, PRODUCER, "batches", "p")
    glue = moto.client("glue", PRODUCER, UNVALIDATED)
    inputs = [{"Values": [str(i)]} for i in range(101)]
    if not moto.extended:
        answer = glue.batch_create_partition(
            DatabaseName="batches", TableName="p", PartitionInputList=inputs
        )
        assert "Errors" not in answer or not answer["Errors"]
        return
    with pytest.raises(ClientError) as refused:
        glue.batch_create_partition(DatabaseName="batches", TableName="p", PartitionInputList=inputs)
    assert code(refused) == "ValidationException"
    assert glue.batch_create_partition(
        DatabaseName="batches", TableName="p", PartitionInputList=inputs[:100]
    ).get("Errors", []) == []
    entries = [{"PartitionValueList": i["Values"], "PartitionInput": i} for i in inputs]
    with pytest.raises(ClientError) as refused:
        glue.batch_update_partition(DatabaseName="batches", TableName="p", Entries=entries)
    assert code(refused) == "ValidationException"
    assert glue.batch_update_partition(
        DatabaseName="batches", TableName="p", Entries=entries[:100]
    ).get("Errors", []) == []


def test_update_crawler_replaces_what_it_is_given(moto):
    glue = moto.client("glue", PRODUCER)
    glue.create_crawler(
        Name="sales-orders",
        Role="arn:aws:iam::222222222222:role/Crawler",
        DatabaseName="sales",
        Targets={"S3Targets": [{"Path": "s3://bucket/orders/"}]},
        Schedule="cron(0 */4 * * ? *)",
    )
    update = {
        "Name": "sales-orders",
        "Role": "arn:aws:iam::222222222222:role/Other",
        "Schedule": "cron(0 1 * * ? *)",
    }
    if not moto.extended:
        with pytest.raises(ClientError):
            glue.update_crawler(**update)
        return
    glue.update_crawler(**update)
    crawler = glue.get_crawler(Name="sales-orders")["Crawler"]
    assert crawler["Role"] == "arn:aws:iam::222222222222:role/Other"
    assert crawler["Schedule"]["ScheduleExpression"] == "cron(0 1 * * ? *)"
    assert crawler["DatabaseName"] == "sales"
    assert crawler["Targets"] == {"S3Targets": [{"Path": "s3://bucket/orders/"}]}
    assert crawler["Version"] == 2
    with pytest.raises(ClientError) as missing:
        glue.update_crawler(Name="nope", Schedule="cron(0 1 * * ? *)")
    assert code(missing) == "EntityNotFoundException"
    glue.start_crawler(Name="sales-orders")
    with pytest.raises(ClientError) as running:
        glue.update_crawler(**update)
    assert code(running) == "CrawlerRunningException"

def test_a_trust_naming_a_missing_role_or_user_is_refused(moto):
    iam = moto.client("iam", MESH)
    producer_role = f"arn:aws:iam::{PRODUCER}:role/AwsDataMesh/DataMeshProducer"

    def trust(*principals):
        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": list(principals)},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        )

    root = f"arn:aws:iam::{MESH}:root"
    iam.create_role(RoleName="Mesh", Path="/AwsDataMesh/", AssumeRolePolicyDocument=trust(root))
    if not moto.extended:
        iam.update_assume_role_policy(RoleName="Mesh", PolicyDocument=trust(root, producer_role))
        return
    with pytest.raises(ClientError) as refused:
        iam.update_assume_role_policy(RoleName="Mesh", PolicyDocument=trust(root, producer_role))
    assert code(refused) == "MalformedPolicyDocument"
    assert "Invalid principal in policy" in refused.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName="Other", AssumeRolePolicyDocument=trust(producer_role))
    assert code(refused) == "MalformedPolicyDocument"

    # Once the producer's role exists (in its own account), the trust is accepted.
    moto.client("iam", PRODUCER).create_role(
        RoleName="DataMeshProducer", Path="/AwsDataMesh/", AssumeRolePolicyDocument=trust()
    )
    iam.update_assume_role_policy(RoleName="Mesh", PolicyDocument=trust(root, producer_role))
    iam.create_user(UserName="Mesh", Path="/AwsDataMesh/")
    iam.create_role(
        RoleName="Other",
        AssumeRolePolicyDocument=trust(f"arn:aws:iam::{MESH}:user/AwsDataMesh/Mesh"),
    )


def moto_api(moto, operation, body):
    """POSTs `body` to the harness's /moto-api/datamesh/`operation`; its HTTP status."""
    request = urllib.request.Request(
        f"{moto.endpoint}/moto-api/datamesh/{operation}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def new_client(moto, service, account):
    """A client with credentials assumed now (Moto.client keeps the first ones)."""
    keys = boto3.client(
        "sts",
        region_name=REGION,
        endpoint_url=moto.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).assume_role(RoleArn=f"arn:aws:iam::{account}:role/Admin", RoleSessionName="later")[
        "Credentials"
    ]
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=moto.endpoint,
        config=NO_RETRIES,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )


def test_a_restore_puts_the_snapshot_accounts_back_as_they_were(moto):
    glue, dynamodb = moto.client("glue", MESH), moto.client("dynamodb", MESH)
    glue.create_database(DatabaseInput={"Name": "sales-222222222222"})
    glue.create_table(DatabaseName="sales-222222222222", TableInput={"Name": "orders"})
    grant_to_consumer(moto)
    dynamodb.create_table(
        TableName="Items",
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName="Items", Item={"Id": {"S": "1"}})
    moto.client("glue", PRODUCER).create_database(DatabaseInput={"Name": "kept"})
    if not moto.extended:
        assert moto_api(moto, "snapshot", {"name": "s", "accounts": [MESH]}) == 404
        return
    consumer_ram = moto.client("ram", CONSUMER)
    invitations = consumer_ram.get_resource_share_invitations()["resourceShareInvitations"]
    assert len(invitations) == 1
    assert moto_api(moto, "snapshot", {"name": "s", "accounts": [MESH, CONSUMER]}) == 200

    def change_everything():
        glue.delete_table(DatabaseName="sales-222222222222", Name="orders")
        glue.create_database(DatabaseInput={"Name": "later"})
        dynamodb.put_item(TableName="Items", Item={"Id": {"S": "2"}})
        moto.client("iam", MESH).create_role(RoleName="Later", AssumeRolePolicyDocument="{}")
        consumer_ram.accept_resource_share_invitation(
            resourceShareInvitationArn=invitations[0]["resourceShareInvitationArn"]
        )
        moto.client("glue", PRODUCER).create_database(DatabaseInput={"Name": "after"})

    def as_at_the_snapshot(client_glue):
        assert sorted(d["Name"] for d in client_glue.get_databases()["DatabaseList"]) == [
            "sales-222222222222"
        ]
        client_glue.get_table(DatabaseName="sales-222222222222", Name="orders")
        assert [i["Id"]["S"] for i in dynamodb.scan(TableName="Items")["Items"]] == ["1"]
        with pytest.raises(ClientError) as role:
            moto.client("iam", MESH).get_role(RoleName="Later")
        assert code(role) == "NoSuchEntity"
        permissions = moto.client("lakeformation", MESH).list_permissions(CatalogId=MESH)
        assert [p["Principal"]["DataLakePrincipalIdentifier"]
                for p in permissions["PrincipalResourcePermissions"]] == [CONSUMER]
        again = consumer_ram.get_resource_share_invitations()["resourceShareInvitations"]
        assert [i["status"] for i in again] == ["PENDING"]

    change_everything()
    later_glue = new_client(moto, "glue", MESH)  # credentials handed out after the snapshot
    assert moto_api(moto, "restore", {"name": "s"}) == 200
    as_at_the_snapshot(glue)
    as_at_the_snapshot(later_glue)  # its keys still act in MESH
    # An account the snapshot does not name keeps what it has now.
    producer_databases = moto.client("glue", PRODUCER).get_databases()["DatabaseList"]
    assert sorted(d["Name"] for d in producer_databases) == ["after", "kept"]

    # The snapshot is not used up by a restore: the same state again.
    glue.delete_table(DatabaseName="sales-222222222222", Name="orders")
    dynamodb.put_item(TableName="Items", Item={"Id": {"S": "3"}})
    assert moto_api(moto, "restore", {"name": "s"}) == 200
    as_at_the_snapshot(glue)

    assert moto_api(moto, "forget", {"name": "s"}) == 200
    assert moto_api(moto, "restore", {"name": "s"}) == 404
    assert moto_api(moto, "snapshot", {"accounts": [MESH]}) == 400
    assert moto_api(moto, "snapshot", {"name": "t", "accounts": ["mesh"]}) == 400


def test_a_restore_removes_an_account_the_snapshot_found_empty(moto):
    if not moto.extended:
        return  # the endpoints are the harness's own: shown missing in the test above
    fresh = "444444444444"
    assert moto_api(moto, "snapshot", {"name": "empty", "accounts": [fresh]}) == 200
    glue = moto.client("glue", fresh)
    glue.create_database(DatabaseInput={"Name": "made"})
    assert moto_api(moto, "restore", {"name": "empty"}) == 200
    assert glue.get_databases()["DatabaseList"] == []  # the same keys still act in that account


def test_items_come_back_as_they_were_written(moto):
    """The harness writes plain AttributeValues as they are (extensions.py, "Harness speed"):
    every type comes back as moto's model walk gives it, nested or not, binary included."""
    dynamodb = moto.client("dynamodb", MESH)
    dynamodb.create_table(
        TableName="Types",
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    plain = {
        "Id": {"S": "1"},
        "Number": {"N": "12.5"},
        "Strings": {"SS": ["a", "b"]},
        "Numbers": {"NS": ["1", "2"]},
        "Flag": {"BOOL": False},
        "Nothing": {"NULL": True},
        "Map": {"M": {"Inner": {"M": {"Deep": {"L": [{"S": "x"}, {"N": "3"}]}}}}},
        "List": {"L": [{"M": {}}, {"L": []}, {"SS": ["c"]}]},
    }
    binary = dict(plain, Id={"S": "2"}, Blob={"B": b"\x00\xff"},
                  Blobs={"BS": [b"\x01"]}, Nested={"M": {"Blob": {"B": b"\x02"}}})
    for item in (plain, binary):
        dynamodb.put_item(TableName="Types", Item=item)
    for item in (plain, binary):
        assert dynamodb.get_item(TableName="Types", Key={"Id": item["Id"]})["Item"] == item
    scanned = {i["Id"]["S"]: i for i in dynamodb.scan(TableName="Types")["Items"]}
    assert scanned == {"1": plain, "2": binary}
