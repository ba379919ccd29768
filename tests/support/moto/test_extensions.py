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
