"""Fills the gaps of moto 5.2.1 that AWS mode meets, so that moto answers as AWS documents.

Test harness only: tests/support/moto/server.py calls install() before it serves, and
tests/support/moto/test_extensions.py shows each gap failing without install() and closed
with it. Nothing in datamesh itself knows about these patches.

Gaps filled (each checked against the botocore service model of the same release: request
and answer members, error codes):

RAM
  * GetResourceShareInvitations, AcceptResourceShareInvitation, RejectResourceShareInvitation,
    DisassociateResourceShare: moto has no route for them (404). Invitations live with the share's owner and are listed
    by the account that received them. Only the owner of a share may disassociate from it: a
    recipient is refused with OperationNotPermittedException (Glue resources do not support
    leaving a share), a share no account owns is UnknownResourceException.
Lake Formation
  * A grant on a database or table to another account creates, as AWS does, a RAM resource
    share in the grantor's account named LakeFormation-V3-..., associates the resource and the
    account with it, and invites the account (one share per grantor and recipient, reused).
  * Revoking the last permission of that account on the resource takes the resource out of
    the share again.
  * ListPermissions gives such a cross-account grant AdditionalDetails.ResourceShare.
  * BatchGrantPermissions and BatchRevokePermissions read PermissionsWithGrantOption (moto
    reads a misspelt PermissionsWithGrantOptions and drops every grant option), and report each
    entry that fails in Failures ({RequestEntry, Error {ErrorCode, ErrorMessage}}) while the
    others take effect (moto: always an empty Failures).
  * Revoking what the grantee does not hold fails, as in AWS: nothing of the entry is revoked,
    InvalidInputException "No permissions revoked. Grantee does not does not have:[...]" (AWS's
    own wording, missing permissions listed; "Grantee has no permissions and no grantable
    permissions on resource." when it holds nothing there). moto: revokes what it can, silently.
  * A principal that is not an account id, an ARN, IAM_ALLOWED_PRINCIPALS or EVERYONE is refused
    with InvalidInputException "Invalid principal ..." (moto: granted).
  * ListPermissions with a Table resource includes the table's column permissions
    (TableWithColumns), as AWS does (moto: leaves them out), and one with TableWildcard no longer
    fails with a 500 (a KeyError) when the database also has permissions on named tables.
  * A grant that adds to what a principal already holds on a resource, then a revoke of part of
    it, works (moto: the merge changes the permission's hash inside its set, so the revoke
    fails with a 500, a KeyError).
  * RegisterResource with UseServiceLinkedRole creates AWSServiceRoleForLakeFormationDataAccess
    in IAM when it is missing and registers the location with it; IAM's
    CreateServiceLinkedRole for lakeformation.amazonaws.com makes the role under that name.
  * GetResourceLFTags of a database or table that never had an LF tag answers empty lists
    (moto: 500, a KeyError); of a table Glue does not have: EntityNotFoundException.
  * GetLFTag and UpdateLFTag of a tag key that does not exist: EntityNotFoundException (moto:
    GetLFTag answers the key with no values, UpdateLFTag a 500, a KeyError).
  * AddLFTagsToResource adds the tags to those the resource has, a key given again taking its
    new value (moto: replaces all of the resource's tags); a value the key does not allow is a
    failure of the answer, as AWS reports it (moto: attached).
IAM
  * CreateRole and UpdateAssumeRolePolicy refuse a trust whose AWS principal names a role or
    user that does not exist (in any account), with MalformedPolicyDocument "Invalid principal
    in policy", as IAM does (moto accepts any ARN).
Glue
  * GetResourcePolicy without a policy: EntityNotFoundException (moto: an empty 200).
  * GetTable in a database resource link (TargetDatabase) answers the target's table.
  * GetDatabases, GetTables and GetPartitions answer in pages: at most MaxResults items (1 to
    100 for databases and tables, 1 to 1000 for partitions; the most when it is not given) and
    a NextToken while more remain (moto: every item at once, MaxResults and NextToken ignored).
  * BatchCreatePartition and BatchUpdatePartition refuse more than 100 entries with
    ValidationException, as the service model's limit makes AWS do (moto: any number).
  * UpdateCrawler: moto has no such operation. It replaces the members given, bumps Version
    and LastUpdated; a crawler that does not exist is EntityNotFoundException, a running one
    CrawlerRunningException.
DynamoDB
  * TransactWriteItems with a ClientRequestToken is idempotent for ten minutes: a repeat of a
    transaction that succeeded, with the same parameters, succeeds without writing again; with
    other parameters it is IdempotentParameterMismatchException (moto ignores the token and
    runs the repeat, whose conditions then fail).

Harness only, no AWS counterpart: snapshots of accounts, for the partial-failure tests, which
run a method once per AWS call from the same state (tests/awsmode/partial_failure_test.cc).
  * POST /moto-api/datamesh/snapshot, JSON {"name", "accounts"}: keeps a copy of everything the
    accounts hold in the services AWS mode uses (SNAPSHOT_SERVICES; not STS, whose assumed
    roles are sessions, not state).
  * POST /moto-api/datamesh/restore {"name"}: puts those accounts back as they were then.
    Access keys handed out since stay valid (IAM keeps them per account): a client's
    credentials outlive a restore, as they would outlive any change of the account's state.
  * POST /moto-api/datamesh/forget {"name"}: drops the snapshot.
  An unknown name is 404; a request without name (or accounts, for snapshot) 400.

Harness speed, no change of behaviour: moto's server lists its own package folder (a listdir and
a stat per service) several times for every request it routes (backends.list_of_moto_modules);
the list is read once and kept, as the folder does not change while the server runs. It was
half the server's time per request in the partial-failure tests. And a DynamoDB AttributeValue
in an answer (every attribute of every item, maps and lists nested) is already in its wire form
in moto: it is written as it is instead of walked member by member through the service model
(a third of the server's time), unless it holds what that walk would change (binary values,
which it encodes, or members without a value, which it leaves out).
"""

from __future__ import annotations

import copy
import json
import random
import re
import string
import uuid
from typing import Any, Callable

from moto import backends as moto_backends
from moto.core.base_backend import BackendDict, backend_lock
from moto.core import serialize as moto_serialize
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.core.utils import unix_time, utcnow
from moto.dynamodb import responses as dynamodb_responses
from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX as DYNAMODB_ERROR_PREFIX
from moto.dynamodb.exceptions import DynamodbException
from moto.glue import models as glue_models
from moto.glue import responses as glue_responses
from moto.glue.exceptions import EntityNotFoundException as GlueEntityNotFound
from moto.iam import exceptions as iam_exceptions
from moto.iam import models as iam_models
from moto.lakeformation import models as lf_models
from moto.moto_api._internal import urls as moto_api_urls
from moto.lakeformation import responses as lf_responses
from moto.ram import models as ram_models
from moto.ram import responses as ram_responses
from moto.ram import urls as ram_urls
from moto.utilities.utils import get_partition

LF_SERVICE = "lakeformation.amazonaws.com"
LF_ROLE_NAME = "AWSServiceRoleForLakeFormationDataAccess"
ACCOUNT_ID = re.compile(r"^\d{12}$")

# Glue list operations: the answer's list and the largest MaxResults the model allows.
GLUE_PAGED = {
    "get_databases": ("DatabaseList", 100),
    "get_tables": ("TableList", 100),
    "get_partitions": ("Partitions", 1000),
}
# Glue batch operations: the request's list (at most 100 entries in the model).
GLUE_BATCHES = {
    "batch_create_partition": "PartitionInputList",
    "batch_update_partition": "Entries",
}

RAM_ROUTES = {
    "{0}/getresourceshareinvitations$": ram_responses.ResourceAccessManagerResponse.dispatch,
    "{0}/acceptresourceshareinvitation$": ram_responses.ResourceAccessManagerResponse.dispatch,
    "{0}/rejectresourceshareinvitation$": ram_responses.ResourceAccessManagerResponse.dispatch,
    "{0}/disassociateresourceshare$": ram_responses.ResourceAccessManagerResponse.dispatch,
}

_originals: list[tuple[Any, str, Any]] = []


def _patch(owner: Any, name: str, replacement: Callable[..., Any]) -> None:
    _originals.append((owner, name, owner.__dict__.get(name)))
    setattr(owner, name, replacement)


def _original(owner: Any, name: str) -> Callable[..., Any]:
    for patched_owner, patched_name, original in _originals:
        if patched_owner is owner and patched_name == name:
            return original
    raise KeyError(name)


def installed() -> bool:
    return bool(_originals)


def install() -> None:
    """Patches moto in this process; idempotent."""
    if installed():
        return
    ram_urls.url_paths.update(RAM_ROUTES)
    response = ram_responses.ResourceAccessManagerResponse
    _patch(response, "get_resource_share_invitations", _get_resource_share_invitations)
    _patch(response, "accept_resource_share_invitation", _accept_resource_share_invitation)
    _patch(response, "reject_resource_share_invitation", _reject_resource_share_invitation)
    _patch(response, "disassociate_resource_share", _disassociate_resource_share)

    lf = lf_models.LakeFormationBackend
    _patch(lf, "grant_permissions", _grant_permissions)
    _patch(lf, "revoke_permissions", _revoke_permissions)
    _patch(lf, "list_permissions", _list_permissions)
    _patch(lf, "batch_grant_permissions", _batch_grant_permissions)
    _patch(lf, "batch_revoke_permissions", _batch_revoke_permissions)
    _patch(lf_responses.LakeFormationResponse, "batch_grant_permissions", _batch_grant_answer)
    _patch(lf_responses.LakeFormationResponse, "batch_revoke_permissions", _batch_revoke_answer)
    _patch(lf, "get_resource_lf_tags", _get_resource_lf_tags)
    _patch(lf_models.PermissionCatalog, "add_permission", _add_permission)
    _patch(lf_models.PermissionCatalog, "remove_permission", _remove_permission)
    _patch(lf_responses.LakeFormationResponse, "register_resource", _register_resource)
    _patch(lf_responses.LakeFormationResponse, "get_resource_lf_tags", _get_resource_lf_tags_answer)
    _patch(lf, "get_lf_tag", _get_lf_tag)
    _patch(lf, "update_lf_tag", _update_lf_tag)
    _patch(lf, "add_lf_tags_to_resource", _add_lf_tags_to_resource)
    _patch(iam_models.IAMBackend, "create_service_linked_role", _create_service_linked_role)
    _patch(iam_models.IAMBackend, "create_role", _create_role)
    _patch(iam_models.IAMBackend, "update_assume_role_policy", _update_assume_role_policy)

    glue = glue_models.GlueBackend
    _patch(glue, "get_resource_policy", _get_resource_policy)
    _patch(glue, "get_table", _get_table)
    glue_response = glue_responses.GlueResponse
    for operation, (list_key, most) in GLUE_PAGED.items():
        _patch(glue_response, operation, _paged(operation, list_key, most))
    for operation, list_key in GLUE_BATCHES.items():
        _patch(glue_response, operation, _batch_of_at_most_100(operation, list_key))
    _patch(glue_response, "update_crawler", _update_crawler)

    _patch(dynamodb_responses.DynamoHandler, "transact_write_items", _transact_write_items)

    moto_api_urls.url_paths.update(SNAPSHOT_ROUTES)

    modules = tuple(moto_backends.list_of_moto_modules())
    _patch(moto_backends, "list_of_moto_modules", lambda: modules)
    _patch(moto_serialize.BaseJSONSerializer, "_serialize_type_structure", _serialize_structure)


def uninstall() -> None:
    """Restores moto as it was (for the tests that show the gaps)."""
    for owner, name, original in reversed(_originals):
        if original is None:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
    _originals.clear()
    for route in RAM_ROUTES:
        ram_urls.url_paths.pop(route, None)
    for route in SNAPSHOT_ROUTES:
        moto_api_urls.url_paths.pop(route, None)
    _snapshots.clear()


# RAM ------------------------------------------------------------------------------------------


def _ram(account_id: str, region: str) -> Any:
    return ram_models.ram_backends[account_id][region]


def _invitations(backend: Any) -> list[dict[str, Any]]:
    """The invitations a RAM backend's shares have sent (kept on the backend, so that moto's
    reset forgets them with everything else)."""
    if not hasattr(backend, "datamesh_invitations"):
        backend.datamesh_invitations = []
    return backend.datamesh_invitations


def _every_ram_backend(region: str) -> list[Any]:
    return [
        regions[region] for _, regions in list(ram_models.ram_backends.items()) if region in regions
    ]


def _invitation_answer(invitation: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in invitation.items() if not key.startswith("_")}


def _invite(share: Any, account_id: str) -> None:
    backend = _ram(share.account_id, share.region)
    invitations = _invitations(backend)
    if any(
        i["resourceShareArn"] == share.arn and i["receiverAccountId"] == account_id
        for i in invitations
    ):
        return
    invitations.append(
        {
            "resourceShareInvitationArn": (
                f"arn:{share.partition}:ram:{share.region}:{share.account_id}:"
                f"resource-share-invitation/{uuid.uuid4()}"
            ),
            "resourceShareName": share.name,
            "resourceShareArn": share.arn,
            "senderAccountId": share.account_id,
            "receiverAccountId": account_id,
            "invitationTimestamp": unix_time(utcnow()),
            "status": "PENDING",
        }
    )


class _RamError(JsonRESTError):
    code = 400

    def __init__(self, error: str, message: str):
        super().__init__(error, message)


def _get_resource_share_invitations(self: Any) -> str:
    params = self.request_params
    wanted_arns = params.get("resourceShareInvitationArns") or []
    wanted_shares = params.get("resourceShareArns") or []
    mine = [
        invitation
        for backend in _every_ram_backend(self.region)
        for invitation in _invitations(backend)
        if invitation["receiverAccountId"] == self.current_account
    ]
    if wanted_arns:
        known = {i["resourceShareInvitationArn"] for i in mine}
        for arn in wanted_arns:
            if arn not in known:
                raise _RamError(
                    "ResourceShareInvitationArnNotFoundException",
                    f"ResourceShareInvitationArn {arn} could not be found.",
                )
        mine = [i for i in mine if i["resourceShareInvitationArn"] in wanted_arns]
    if wanted_shares:
        mine = [i for i in mine if i["resourceShareArn"] in wanted_shares]
    max_results = params.get("maxResults")
    if max_results is not None and not 1 <= int(max_results) <= 500:
        raise _RamError("InvalidMaxResultsException", f"maxResults {max_results} is not 1 to 500.")
    token = params.get("nextToken") or "0"
    if not token.isdigit():
        raise _RamError("InvalidNextTokenException", f"The token {token} is not valid.")
    start = int(token)
    end = len(mine) if max_results is None else start + int(max_results)
    answer: dict[str, Any] = {
        "resourceShareInvitations": [_invitation_answer(i) for i in mine[start:end]]
    }
    if end < len(mine):
        answer["nextToken"] = str(end)
    return json.dumps(answer)


def _accept_resource_share_invitation(self: Any) -> str:
    return _answer_invitation(self, "ACCEPTED")


def _reject_resource_share_invitation(self: Any) -> str:
    return _answer_invitation(self, "REJECTED")


def _answer_invitation(self: Any, answer_status: str) -> str:
    params = self.request_params
    arn = params.get("resourceShareInvitationArn", "")
    if not arn.startswith("arn:"):
        raise _RamError("MalformedArnException", f"The ARN {arn} is not valid.")
    for backend in _every_ram_backend(self.region):
        for invitation in _invitations(backend):
            if invitation["resourceShareInvitationArn"] != arn:
                continue
            if invitation["receiverAccountId"] != self.current_account:
                break  # another account's invitation: not found for this caller
            if invitation["status"] == "ACCEPTED":
                raise _RamError(
                    "ResourceShareInvitationAlreadyAcceptedException",
                    f"The invitation {arn} has already been accepted.",
                )
            if invitation["status"] == "REJECTED":
                raise _RamError(
                    "ResourceShareInvitationAlreadyRejectedException",
                    f"The invitation {arn} has already been rejected.",
                )
            invitation["status"] = answer_status
            answer: dict[str, Any] = {"resourceShareInvitation": _invitation_answer(invitation)}
            if params.get("clientToken"):
                answer["clientToken"] = params["clientToken"]
            return json.dumps(answer)
    raise _RamError(
        "ResourceShareInvitationArnNotFoundException",
        f"ResourceShareInvitationArn {arn} could not be found.",
    )


def _disassociate_resource_share(self: Any) -> str:
    params = self.request_params
    share_arn = params.get("resourceShareArn", "")
    owned = next(
        (s for s in _ram(self.current_account, self.region).resource_shares if s.arn == share_arn),
        None,
    )
    if owned is None:
        elsewhere = any(
            s.arn == share_arn for b in _every_ram_backend(self.region) for s in b.resource_shares
        )
        if elsewhere:
            raise _RamError(
                "OperationNotPermittedException",
                f"Only the owner of resource share {share_arn} can disassociate principals or "
                "resources from it.",
            )
        raise _RamError(
            "UnknownResourceException", f"ResourceShare {share_arn} could not be found."
        )
    now = unix_time(utcnow())
    associations = []
    for principal in params.get("principals") or []:
        if principal in owned.principals:
            owned.principals.remove(principal)
        for invitation in _invitations(_ram(owned.account_id, owned.region)):
            if (
                invitation["resourceShareArn"] == share_arn
                and invitation["receiverAccountId"] == principal
            ):
                invitation["_disassociated"] = True
        associations.append((principal, "PRINCIPAL"))
    for resource in params.get("resourceArns") or []:
        if resource in owned.resource_arns:
            owned.resource_arns.remove(resource)
        associations.append((resource, "RESOURCE"))
    answer = {
        "resourceShareAssociations": [
            {
                "resourceShareArn": share_arn,
                "resourceShareName": owned.name,
                "associatedEntity": entity,
                "associationType": kind,
                "status": "DISASSOCIATING",
                "creationTime": now,
                "lastUpdatedTime": now,
                "external": kind == "PRINCIPAL",
            }
            for entity, kind in associations
        ]
    }
    if params.get("clientToken"):
        answer["clientToken"] = params["clientToken"]
    return json.dumps(answer)


# Lake Formation ---------------------------------------------------------------------------------


def _glue_arns(region: str, catalog_id: str, resource: dict[str, Any]) -> list[str]:
    """The Glue ARNs RAM shares for a grant's resource."""
    prefix = f"arn:{get_partition(region)}:glue:{region}"
    if "Database" in resource:
        database = resource["Database"]
        return [f"{prefix}:{database.get('CatalogId') or catalog_id}:database/{database['Name']}"]
    table = resource.get("Table") or resource.get("TableWithColumns")
    if table is not None:
        name = "*" if "TableWildcard" in table else table["Name"]
        return [
            f"{prefix}:{table.get('CatalogId') or catalog_id}:table/{table['DatabaseName']}/{name}"
        ]
    return []  # data locations, the catalog, tag policies: not shared through RAM


def _recipient(backend: Any, principal: dict[str, Any] | None) -> str | None:
    identifier = (principal or {}).get("DataLakePrincipalIdentifier", "")
    if ACCOUNT_ID.match(identifier) and identifier != backend.account_id:
        return identifier
    return None


def _lake_formation_share(backend: Any, account_id: str) -> Any:
    ram = _ram(backend.account_id, backend.region_name)
    for share in ram.resource_shares:
        if (
            share.name.startswith("LakeFormation-V3-")
            and account_id in share.principals
            and share.status == "ACTIVE"
        ):
            return share
    suffix = "".join(random.choices(string.ascii_uppercase + string.digits, k=10))
    share = ram_models.ResourceShare(
        backend.account_id,
        backend.region_name,
        name=f"LakeFormation-V3-{suffix}",
        allowExternalPrincipals=True,
    )
    share.principals.append(account_id)
    ram.resource_shares.append(share)
    return share


def _grant_permissions(
    self: Any,
    catalog_id: str,
    principal: dict[str, Any],
    resource: dict[str, Any],
    permissions: list[str],
    permissions_with_grant_options: list[str],
) -> None:
    _require_valid_principal(principal)
    _original(lf_models.LakeFormationBackend, "grant_permissions")(
        self, catalog_id, principal, resource, permissions, permissions_with_grant_options
    )
    account_id = _recipient(self, principal)
    arns = _glue_arns(self.region_name, catalog_id, resource or {})
    if account_id is None or not arns:
        return
    share = _lake_formation_share(self, account_id)
    for arn in arns:
        if arn not in share.resource_arns:
            share.resource_arns.append(arn)
    share.last_updated_time = utcnow()
    _invite(share, account_id)


def _revoke_permissions(
    self: Any,
    catalog_id: str,
    principal: dict[str, Any],
    resource: dict[str, Any],
    permissions_to_revoke: list[str],
    permissions_with_grant_options_to_revoke: list[str],
) -> None:
    _require_valid_principal(principal)
    _require_held(
        self.grants.get(catalog_id),
        principal,
        resource,
        permissions_to_revoke or [],
        permissions_with_grant_options_to_revoke or [],
    )
    _original(lf_models.LakeFormationBackend, "revoke_permissions")(
        self,
        catalog_id,
        principal,
        resource,
        permissions_to_revoke,
        permissions_with_grant_options_to_revoke,
    )
    account_id = _recipient(self, principal)
    arns = _glue_arns(self.region_name, catalog_id, resource or {})
    if account_id is None or not arns:
        return
    catalog = self.grants.get(catalog_id)
    still_granted = catalog is not None and any(
        p.principal == principal and _glue_arns(self.region_name, catalog_id, p.resource) == arns
        for p in catalog.permissions
    )
    if still_granted:
        return
    for share in _ram(self.account_id, self.region_name).resource_shares:
        if account_id in share.principals and share.name.startswith("LakeFormation-V3-"):
            share.resource_arns = [a for a in share.resource_arns if a not in arns]


def _change_permission(catalog: Any, permission: Any, change: str) -> bool:
    """Merges `permission` into (change "merge") or takes it out of ("diff") the one of the
    same principal and resource, rebuilding the set: its hash covers the permissions. A
    permission left with nothing is gone, as moto's own remove_permission has it."""
    for existing in list(catalog.permissions):
        if permission.equal_principal_and_resouce(existing):
            others = {p for p in catalog.permissions if p is not existing}
            getattr(existing, change)(permission)
            if not existing.is_empty():
                others.add(existing)
            catalog.permissions = others
            return True
    return False


def _add_permission(self: Any, permission: Any) -> None:
    if not _change_permission(self, permission, "merge"):
        self.permissions.add(permission)


def _remove_permission(self: Any, permission: Any) -> None:
    _change_permission(self, permission, "diff")


def _on_table(granted: dict[str, Any], table: Any, catalog_id: str) -> bool:
    """Whether a permission's resource is the ListPermissions Table resource `table`: a named
    table (its Table or its TableWithColumns permissions) or the TableWildcard."""
    on = granted.get("Table") or granted.get("TableWithColumns")
    if on is None or on.get("DatabaseName") != table.database_name:
        return False
    if table.catalog_id is not None and (on.get("CatalogId") or catalog_id) != table.catalog_id:
        return False
    if table.table_wildcard is not None:
        return "TableWildcard" in on
    return "TableWildcard" not in on and on.get("Name") == table.name


def _list_permissions(
    self: Any,
    catalog_id: str,
    principal: Any = None,
    resource: Any = None,
    resource_type: Any = None,
) -> list[dict[str, Any]]:
    table = getattr(resource, "table", None)
    listed = _original(lf_models.LakeFormationBackend, "list_permissions")(
        self, catalog_id, principal, None if table is not None else resource, resource_type
    )
    if table is not None:
        listed = [p for p in listed if _on_table(p["Resource"], table, catalog_id)]
    ram = _ram(self.account_id, self.region_name)
    for entry in listed:
        account_id = _recipient(self, entry.get("Principal"))
        arns = _glue_arns(self.region_name, catalog_id, entry.get("Resource") or {})
        if account_id is None or not arns:
            continue
        shares = [
            s.arn
            for s in ram.resource_shares
            if account_id in s.principals and any(a in s.resource_arns for a in arns)
        ]
        if shares:
            entry["AdditionalDetails"] = {"ResourceShare": shares}
    return listed


def _entry_failure(entry: dict[str, Any], error: JsonRESTError) -> dict[str, Any]:
    return {
        "RequestEntry": entry,
        "Error": {"ErrorCode": error.error_type, "ErrorMessage": error.message},
    }


def _batch_grant_permissions(
    self: Any, catalog_id: str, entries: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    failures = []
    for entry in entries:
        try:
            self.grant_permissions(
                catalog_id=catalog_id,
                principal=entry.get("Principal"),
                resource=entry.get("Resource"),
                permissions=entry.get("Permissions"),
                permissions_with_grant_options=entry.get("PermissionsWithGrantOption"),
            )
        except JsonRESTError as error:
            failures.append(_entry_failure(entry, error))
    return failures


def _batch_revoke_permissions(
    self: Any, catalog_id: str, entries: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    failures = []
    for entry in entries:
        try:
            self.revoke_permissions(
                catalog_id=catalog_id,
                principal=entry.get("Principal"),
                resource=entry.get("Resource"),
                permissions_to_revoke=entry.get("Permissions"),
                permissions_with_grant_options_to_revoke=entry.get("PermissionsWithGrantOption"),
            )
        except JsonRESTError as error:
            failures.append(_entry_failure(entry, error))
    return failures


def _batch_grant_answer(self: Any) -> str:
    catalog_id = self._get_param("CatalogId") or self.current_account
    entries = self._get_param("Entries")
    failures = self.lakeformation_backend.batch_grant_permissions(catalog_id, entries)
    return json.dumps({"Failures": failures})


def _batch_revoke_answer(self: Any) -> str:
    catalog_id = self._get_param("CatalogId") or self.current_account
    entries = self._get_param("Entries")
    failures = self.lakeformation_backend.batch_revoke_permissions(catalog_id, entries)
    return json.dumps({"Failures": failures})


def _require_valid_principal(principal: dict[str, Any] | None) -> None:
    identifier = (principal or {}).get("DataLakePrincipalIdentifier", "")
    if (
        ACCOUNT_ID.match(identifier)
        or identifier.startswith("arn:")
        or identifier in ("IAM_ALLOWED_PRINCIPALS", "EVERYONE")
    ):
        return
    raise lf_models.InvalidInput(f"Invalid principal {identifier!r}")


def _require_held(
    catalog: Any, principal: Any, resource: Any, permissions: list[str], grant_options: list[str]
) -> None:
    """AWS revokes an entry whole or not at all: not when the grantee lacks part of it."""
    held = next(
        (
            p
            for p in (catalog.permissions if catalog is not None else [])
            if p.principal == principal and p.resource == resource
        ),
        None,
    )
    if held is None:
        raise lf_models.InvalidInput(
            "No permissions revoked. Grantee has no permissions and no grantable permissions on "
            "resource."
        )
    missing = [p for p in permissions if p not in held.permissions] + [
        p for p in grant_options if p not in held.permissions_with_grant_options
    ]
    if missing:
        raise lf_models.InvalidInput(
            f"No permissions revoked. Grantee does not does not have:[{', '.join(missing)}]"
        )


def _ensure_lake_formation_role(account_id: str, region: str) -> str:
    iam = iam_models.iam_backends[account_id][get_partition(region)]
    for role in iam.roles.values():
        if role.name == LF_ROLE_NAME:
            return role.arn
    return iam.create_service_linked_role(LF_SERVICE, "Lake Formation data access", "").arn


def _register_resource(self: Any) -> str:
    resource_arn = self._get_param("ResourceArn")
    role_arn = self._get_param("RoleArn")
    if self._get_param("UseServiceLinkedRole") and not role_arn:
        role_arn = _ensure_lake_formation_role(self.current_account, self.region)
    self.lakeformation_backend.register_resource(resource_arn=resource_arn, role_arn=role_arn)
    return "{}"


def _create_service_linked_role(self: Any, service_name: str, description: str, suffix: str) -> Any:
    if service_name != LF_SERVICE:
        return _original(iam_models.IAMBackend, "create_service_linked_role")(
            self, service_name, description, suffix
        )
    if any(role.name == LF_ROLE_NAME for role in self.roles.values()):
        raise iam_models.InvalidInput(
            f"Service role name {LF_ROLE_NAME} has been taken in this account, please try a "
            "different suffix."
        )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Action": ["sts:AssumeRole"],
                "Effect": "Allow",
                "Principal": {"Service": [service_name]},
            }
        ],
    }
    return self.create_role(
        LF_ROLE_NAME,
        json.dumps(policy),
        f"/aws-service-role/{service_name}/",
        permissions_boundary=None,
        description=description,
        tags=[],
        max_session_duration="3600",
        linked_service=service_name,
    )


IAM_PRINCIPAL = re.compile(r"^arn:(aws[\w-]*):iam::(\d{12}):(role|user)/.+$")


def _require_principals_exist(policy_document: str) -> None:
    """IAM resolves every role and user named as an AWS principal of a trust policy when the
    policy is written, and refuses the policy when one does not exist."""
    try:
        statements = json.loads(policy_document).get("Statement", [])
    except (ValueError, AttributeError):
        return  # moto's own validator answers for malformed documents
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        aws = principal.get("AWS", []) if isinstance(principal, dict) else []
        for arn in [aws] if isinstance(aws, str) else aws:
            match = IAM_PRINCIPAL.match(arn) if isinstance(arn, str) else None
            if not match:
                continue
            partition, account, kind = match.groups()
            backend = iam_models.iam_backends[account][partition]
            known = backend.roles.values() if kind == "role" else backend.users.values()
            if not any(identity.arn == arn for identity in known):
                raise iam_exceptions.MalformedPolicyDocument(
                    f'Invalid principal in policy: "AWS":"{arn}"'
                )


def _create_role(self: Any, role_name: str, assume_role_policy_document: str, *args: Any,
                 **kwargs: Any) -> Any:
    _require_principals_exist(assume_role_policy_document)
    return _original(iam_models.IAMBackend, "create_role")(
        self, role_name, assume_role_policy_document, *args, **kwargs
    )


def _update_assume_role_policy(self: Any, role_name: str, policy_document: str) -> None:
    _require_principals_exist(policy_document)
    _original(iam_models.IAMBackend, "update_assume_role_policy")(self, role_name, policy_document)


def _require_glue_table(backend: Any, catalog_id: str, database: str, name: str) -> None:
    glue = glue_models.glue_backends[catalog_id][backend.region_name]
    if database not in glue.databases or name not in glue.databases[database].tables:
        raise lf_models.EntityNotFound()


def _get_resource_lf_tags(
    self: Any, catalog_id: str, resource: dict[str, Any]
) -> tuple[list, list, list]:
    database_tags: list = []
    table_tags: list = []
    column_tags: list = []
    if "Database" in resource:
        key = (resource["Database"].get("CatalogId", self.account_id), resource["Database"]["Name"])
        database_tags = self.lf_database_tags.get(key, [])
    for kind in ("Table", "TableWithColumns"):
        if kind not in resource:
            continue
        table = resource[kind]
        table_catalog = table.get("CatalogId", self.account_id)
        _require_glue_table(self, table_catalog, table["DatabaseName"], table["Name"])
        database_tags = self.lf_database_tags.get((table_catalog, table["DatabaseName"]), [])
        if kind == "Table":
            table_tags = self.lf_table_tags.get(
                (table_catalog, table["DatabaseName"], table["Name"]), []
            )
        for column in table.get("ColumnNames", []):
            tags = self.lf_columns_tags.get(
                (table_catalog, table["DatabaseName"], table["Name"], column), []
            )
            column_tags.append({"Name": column, "LFTags": tags})
    return database_tags, table_tags, column_tags


def _get_resource_lf_tags_answer(self: Any) -> str:
    catalog_id = self._get_param("CatalogId") or self.current_account
    resource = self._get_param("Resource")
    database, table, columns = self.lakeformation_backend.get_resource_lf_tags(catalog_id, resource)
    answer: dict[str, Any] = {"LFTagOnDatabase": database}
    if "Table" in resource:
        answer["LFTagsOnTable"] = table
    if "TableWithColumns" in resource:
        answer["LFTagsOnColumns"] = columns
    return json.dumps(answer)


def _require_lf_tag(backend: Any, catalog_id: str, key: str) -> list[str]:
    tags = lf_models.LakeFormationBackend.list_lf_tags(backend, catalog_id)
    if key not in tags:
        raise lf_models.EntityNotFound()
    return tags[key]


def _get_lf_tag(self: Any, catalog_id: str, key: str) -> list[str]:
    return _require_lf_tag(self, catalog_id, key)


def _update_lf_tag(
    self: Any, catalog_id: str, tag_key: str, to_delete: list[str], to_add: list[str]
) -> None:
    _require_lf_tag(self, catalog_id, tag_key)
    _original(lf_models.LakeFormationBackend, "update_lf_tag")(
        self, catalog_id, tag_key, to_delete, to_add
    )


def _add_lf_tags_to_resource(
    self: Any, catalog_id: str, resource: dict[str, Any], tags: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    defined = lf_models.LakeFormationBackend.list_lf_tags(self, catalog_id)
    failures = []
    for tag in tags:
        allowed = defined.get(tag["TagKey"])
        if allowed is None or any(value not in allowed for value in tag.get("TagValues", [])):
            failures.append(
                {
                    "LFTag": tag,
                    "Error": {
                        "ErrorCode": "EntityNotFoundException",
                        "ErrorMessage": "Tag or tag value does not exist.",
                    },
                }
            )
    if failures:
        return failures
    for kind, store in (("Database", self.lf_database_tags), ("Table", self.lf_table_tags)):
        if kind not in resource:
            continue
        part = resource[kind]
        key = (part.get("CatalogId", self.account_id), part.get("DatabaseName", part.get("Name")))
        if kind == "Table":
            key = key + (part["Name"],)
        given = {tag["TagKey"] for tag in tags}
        kept = [tag for tag in store.get(key, []) if tag["TagKey"] not in given]
        store[key] = kept + [
            {"CatalogId": tag.get("CatalogId", catalog_id), "TagKey": tag["TagKey"],
             "TagValues": tag["TagValues"]}
            for tag in tags
        ]
    if "TableWithColumns" in resource:
        return _original(lf_models.LakeFormationBackend, "add_lf_tags_to_resource")(
            self, catalog_id, resource, tags
        )
    return failures


# Glue -------------------------------------------------------------------------------------------


def _get_resource_policy(self: Any, resource_arn: str | None = None) -> dict[str, Any]:
    if (resource_arn or self.default_catalog_arn) not in self.resource_policies:
        raise GlueEntityNotFound("Policy not found")
    return _original(glue_models.GlueBackend, "get_resource_policy")(self, resource_arn)


def _get_table(self: Any, database_name: str, table_name: str) -> Any:
    database = self.get_database(database_name)
    target = (database.input or {}).get("TargetDatabase")
    if not target:
        return _original(glue_models.GlueBackend, "get_table")(self, database_name, table_name)
    catalog_id = target.get("CatalogId") or self.account_id
    target_backend = glue_models.glue_backends[catalog_id][self.region_name]
    return target_backend.get_table(target["DatabaseName"], table_name)


# DynamoDB ---------------------------------------------------------------------------------------

TOKEN_WINDOW_SECONDS = 600


def _idempotency_tokens(backend: Any) -> dict[str, tuple[str, float]]:
    """The tokens of the transactions a DynamoDB backend committed: token -> (the request's
    other parameters, when). Kept on the backend, so that moto's reset forgets them."""
    if not hasattr(backend, "datamesh_client_tokens"):
        backend.datamesh_client_tokens = {}
    return backend.datamesh_client_tokens


def _transact_write_items(self: Any) -> ActionResult:
    run = _original(dynamodb_responses.DynamoHandler, "transact_write_items")
    token = self.body.get("ClientRequestToken")
    if not token:
        return run(self)
    tokens = _idempotency_tokens(self.dynamodb_backend)
    parameters = json.dumps(
        {name: value for name, value in self.body.items() if name != "ClientRequestToken"},
        sort_keys=True,
    )
    now = unix_time()
    seen = tokens.get(token)
    if seen is not None and now - seen[1] < TOKEN_WINDOW_SECONDS:
        if seen[0] != parameters:
            raise DynamodbException(
                DYNAMODB_ERROR_PREFIX + "IdempotentParameterMismatchException",
                "The request with the given client token has different parameters than "
                "the original request.",
            )
        return ActionResult({})  # answered as the first call was; nothing written again
    answer = run(self)  # a cancelled transaction raises: its token is not kept
    tokens[token] = (parameters, now)
    return answer


class _GlueValidationError(JsonRESTError):
    code = 400

    def __init__(self, message: str):
        super().__init__("ValidationException", message)


def _paged(operation: str, list_key: str, most: int) -> Callable[..., Any]:
    """The response method of a Glue list operation, answering one page at a time. The token is
    the offset of the page's first item (opaque to callers, as AWS's is)."""

    def answer(self: Any) -> Any:
        max_results = self.parameters.get("MaxResults")
        if max_results is not None and not 1 <= int(max_results) <= most:
            raise _GlueValidationError(
                f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to "
                f"satisfy constraint: Member must have value between 1 and {most}"
            )
        token = self.parameters.get("NextToken") or "0"
        if not token.isdigit():
            raise glue_responses.InvalidInputException(operation, f"Invalid pagination token {token}")
        result = _original(glue_responses.GlueResponse, operation)(self)
        items = result.result[list_key]
        start = int(token)
        end = start + int(max_results or most)
        page: dict[str, Any] = {list_key: items[start:end]}
        if end < len(items):
            page["NextToken"] = str(end)
        return glue_responses.ActionResult(page)

    return answer


def _batch_of_at_most_100(operation: str, list_key: str) -> Callable[..., Any]:
    def answer(self: Any) -> Any:
        entries = self.parameters.get(list_key) or []
        if len(entries) > 100:
            member = list_key[0].lower() + list_key[1:]
            raise _GlueValidationError(
                f"1 validation error detected: Value at '{member}' failed to satisfy "
                "constraint: Member must have length less than or equal to 100"
            )
        return _original(glue_responses.GlueResponse, operation)(self)

    return answer


# UpdateCrawler's request members and the FakeCrawler attributes they replace.
CRAWLER_MEMBERS = {
    "Role": "role",
    "DatabaseName": "database_name",
    "Description": "description",
    "Targets": "targets",
    "Schedule": "schedule",
    "Classifiers": "classifiers",
    "TablePrefix": "table_prefix",
    "SchemaChangePolicy": "schema_change_policy",
    "RecrawlPolicy": "recrawl_policy",
    "LineageConfiguration": "lineage_configuration",
    "Configuration": "configuration",
    "CrawlerSecurityConfiguration": "crawler_security_configuration",
}


def _update_crawler(self: Any) -> Any:
    crawler = self.glue_backend.get_crawler(self.parameters.get("Name"))
    if crawler.crawls and crawler.crawls[-1].status == "RUNNING":
        raise glue_models.CrawlerRunningException(f"Crawler with name {crawler.name} is running")
    for member, attribute in CRAWLER_MEMBERS.items():
        if member in self.parameters:
            setattr(crawler, attribute, self.parameters[member])
    crawler.version += 1
    crawler.last_updated = utcnow()
    return glue_responses.EmptyResult()


# Harness speed ---------------------------------------------------------------------------------

# The members of a DynamoDB AttributeValue that hold text, numbers or flags (B and BS, binary,
# are encoded by the model's walk).
_PLAIN_ATTRIBUTE_MEMBERS = frozenset({"S", "N", "SS", "NS", "BOOL", "NULL"})


def _plain_attribute(value: Any) -> bool:
    """Whether an AttributeValue is already what the model's walk would write."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    ((member, inner),) = value.items()
    if member in _PLAIN_ATTRIBUTE_MEMBERS:
        return inner is not None
    if member == "M":
        return isinstance(inner, dict) and all(_plain_attribute(v) for v in inner.values())
    if member == "L":
        return isinstance(inner, list) and all(_plain_attribute(v) for v in inner)
    return False


def _serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
    if key and shape.name == "AttributeValue" and _plain_attribute(value):
        serialized[self.get_serialized_name(shape, key)] = value
        return
    _original(moto_serialize.BaseJSONSerializer, "_serialize_type_structure")(
        self, serialized, value, shape, key
    )


# Snapshots (harness only) ---------------------------------------------------------------------

# The services whose state a snapshot holds: those AWS mode writes to.
SNAPSHOT_SERVICES = ("glue", "lakeformation", "ram", "dynamodb", "iam", "s3")

# name -> {service: {account: its AccountSpecificBackend, or None when it had none}}
_snapshots: dict[str, dict[str, dict[str, Any]]] = {}


def _backend_dicts() -> dict[str, BackendDict]:
    from moto.backends import get_backend  # noqa: PLC0415 - loads the services on first use

    return {service: get_backend(service) for service in SNAPSHOT_SERVICES}


def snapshot(name: str, accounts: list[str]) -> None:
    """Keeps a copy of what `accounts` hold in SNAPSHOT_SERVICES under `name`."""
    with backend_lock:
        held = {
            service: {account: dict.get(backends, account) for account in accounts}
            for service, backends in _backend_dicts().items()
        }
        # One deepcopy for all services, so that what they share stays shared in the copy.
        _snapshots[name] = copy.deepcopy(held)


def restore(name: str) -> None:
    """Puts the accounts of snapshot `name` back as they were when it was taken (KeyError when
    there is no such snapshot). IAM's access keys of now are kept: credentials handed out after
    the snapshot (AssumeRole files its keys with the role's account) still name their account."""
    with backend_lock:
        restored = copy.deepcopy(_snapshots[name])
        for service, backends in _backend_dicts().items():
            for account, then in restored[service].items():
                now = dict.get(backends, account)
                if then is None:
                    dict.pop(backends, account, None)
                    if service != "iam" or now is None:
                        continue
                    then = backends[account]  # a new, empty one, to hold the keys of now
                if service == "iam" and now is not None:
                    for partition, iam in now.items():
                        kept = then[partition].access_keys
                        then[partition].access_keys = {**iam.access_keys, **kept}
                dict.__setitem__(backends, account, then)


def forget(name: str) -> None:
    with backend_lock:
        _snapshots.pop(name, None)


def _snapshot_request(request: Any) -> tuple[dict[str, Any], str]:
    body = json.loads(request.data.decode() or "{}")
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("name: a non-empty string is required")
    return body, name


def _snapshot_answer(handle: Callable[[dict[str, Any], str], None]) -> Callable[..., Any]:
    def answer(request: Any, full_url: str, headers: Any) -> Any:  # noqa: ARG001
        if request.method != "POST":
            return 405, {}, json.dumps({"Error": "POST only"})
        try:
            body, name = _snapshot_request(request)
            handle(body, name)
        except (ValueError, TypeError) as error:
            return 400, {}, json.dumps({"Error": str(error)})
        except KeyError:
            return 404, {}, json.dumps({"Error": f"no snapshot {name!r}"})
        return 200, {}, json.dumps({"status": "ok"})

    return answer


def _snapshot_accounts(body: dict[str, Any], name: str) -> None:
    accounts = body.get("accounts")
    if not isinstance(accounts, list) or not all(
        isinstance(a, str) and ACCOUNT_ID.match(a) for a in accounts
    ):
        raise ValueError("accounts: a list of 12-digit account ids is required")
    snapshot(name, accounts)


SNAPSHOT_ROUTES = {
    "{0}/moto-api/datamesh/snapshot$": _snapshot_answer(_snapshot_accounts),
    "{0}/moto-api/datamesh/restore$": _snapshot_answer(lambda _, name: restore(name)),
    "{0}/moto-api/datamesh/forget$": _snapshot_answer(lambda _, name: forget(name)),
}
