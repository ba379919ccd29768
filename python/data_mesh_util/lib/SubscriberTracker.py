"""SubscriberTracker: the read side of the original's subscription tracker (reference §2.3).

On datamesh the tracker is the mesh's store. With the mesh account's credentials (as the
original's tracker always ran) this class reads every subscription through the admin's view;
with a producer's or consumer's, through that party's own view, so the caller sees the
subscriptions it is a party to. Writes go through DataMeshProducer / DataMeshConsumer.
"""

# The original's module-level imports, which scripts reach through
# `from data_mesh_util.lib.SubscriberTracker import *` (its examples 3_grant_data_product_access.py
# and 3_5_modify_data_product_access.py use logging.DEBUG, utils and MESH that way). Its boto3
# conditions and shortuuid are not dependencies of this package and are left out.
import logging
import re
import sys
from datetime import datetime
from enum import Enum
from typing import Any

import data_mesh_util.lib.utils as utils
from data_mesh_util.exceptions import DataMeshError, error_for
from data_mesh_util.lib import constants
from data_mesh_util.lib.client import MeshClient
from data_mesh_util.lib.constants import *  # noqa: F403 — the original's star import
from data_mesh_util.lib.constants import STATUS_DELETED, STATUS_PENDING

# The tracker item's attribute names, as the original's module named them.
SUBSCRIPTION_ID = "SubscriptionId"
OWNER_PRINCIPAL = "OwnerPrincipal"
SUBSCRIBER_PRINCIPAL = "SubscriberPrincipal"
STATUS = "Status"
CREATION_DATE = "CreationDate"
CREATED_BY = "CreatedBy"
UPDATED_DATE = "UpdatedDate"
UPDATED_BY = "UpdatedBy"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
DATABASE_NAME = "DatabaseName"
TABLE_NAME = "TableName"
REQUESTED_GRANTS = "RequestedGrants"
PERMITTED_GRANTS = "PermittedGrants"
TABLE_ARNS = "GrantedTableARNs"
RAM_SHARES = "RamShares"
NOTES = "Notes"

# What `import *` gives: the names above and the original's imports, not this module's own
# helpers (MeshClient, error_for, Any, ...), which the original did not have.
__all__ = (["logging", "re", "sys", "datetime", "Enum", "utils", "SubscriberTracker",
            "SUBSCRIPTION_ID", "OWNER_PRINCIPAL", "SUBSCRIBER_PRINCIPAL", "STATUS",
            "CREATION_DATE", "CREATED_BY", "UPDATED_DATE", "UPDATED_BY", "DATE_FORMAT",
            "DATABASE_NAME", "TABLE_NAME", "REQUESTED_GRANTS", "PERMITTED_GRANTS", "TABLE_ARNS",
            "RAM_SHARES", "NOTES"] +
           [name for name in vars(constants) if not name.startswith("_")])


class SubscriberTracker(MeshClient):
    """SubscriberTracker(credentials=None, data_mesh_account_id=None, region_name='us-east-1',
    log_level='INFO', endpoint=None)"""

    _block = "Consumer"
    _persona = "Subscription Tracker"

    def __init__(self, credentials: Any = None, data_mesh_account_id: str | None = None,
                 region_name: str | None = "us-east-1", log_level: str | int = "INFO",
                 endpoint: str | None = None) -> None:
        super().__init__(data_mesh_account_id=data_mesh_account_id, region_name=region_name,
                         log_level=log_level, use_credentials=credentials, endpoint=endpoint)
        self._mesh_admin = None  # whether the credentials are the mesh account's: asked once

    def _is_mesh_admin(self) -> bool:
        if self._mesh_admin is None:
            identity = self._call("admin", "get_caller_identity", {})
            self._mesh_admin = bool(identity.get("IsMeshAdmin"))
        return self._mesh_admin

    def get_endpoints(self) -> dict[str, str | None]:
        """{'Table', 'Stream'}: the ARNs of the original's tracker table and of its DynamoDB
        stream (new and old images), where a program follows every subscription change. With
        an aws:// endpoint both are the mesh account's (admin get_endpoints asks DynamoDB); a
        mesh file or a server holds the subscriptions in its own store, with no DynamoDB
        table: both None."""
        endpoints = self._call("admin", "get_endpoints", {})
        return {"Table": endpoints.get("Table") or None,
                "Stream": endpoints.get("Stream") or None}

    def get_subscription(self, subscription_id: str,
                         force: bool = False) -> dict[str, Any] | None:
        """The subscription item itself (the original's shape), or None when there is none;
        a Deleted one is None unless force. The mesh account reads any subscription; another
        caller that is neither its producer nor its consumer gets PermissionDenied."""
        groups = ("admin",) if self._is_mesh_admin() else ("consumer", "producer")
        answer = None
        for group in groups:
            try:
                answer = self._call(group, "get_subscription", {"subscription_id": subscription_id})
                break
            except DataMeshError as e:
                if e.code == "NotFound":
                    return None
                if e.code != "PermissionDenied" or group == groups[-1]:
                    raise
        item = answer["Subscriptions"][0]
        if item.get("Status") == STATUS_DELETED and not force:
            return None
        return item

    def list_subscriptions(self, owner_id: str | None = None, principal_id: str | None = None,
                           database_name: str | None = None,
                           tables: list[str] | None = None,
                           includes_grants: list[str] | None = None,
                           request_status: str | None = None,
                           start_token: str | None = None) -> dict[str, Any]:
        """{'Subscriptions': [...]}: the subscriptions that are not Deleted (or, with
        request_status, those in that status) that every filter given matches: owner_id (the
        producer), principal_id (the consumer), database_name, tables and includes_grants
        (equal lists). The mesh account may combine any filters; a producer or consumer reads
        only its own view: principal_id (the caller as consumer), or owner_id with request_status
        'Pending' (the caller's pending requests). Every page is read, from start_token on."""
        if self._is_mesh_admin():
            group, method = "admin", "list_subscriptions"
            params = {"producer_account_id": owner_id, "consumer_account_id": principal_id,
                      "database_name": database_name,
                      "status": [request_status] if request_status else None}
            params = {k: v for k, v in params.items() if v is not None}
        elif principal_id is not None:
            group, method, params = "consumer", "list_product_access", {}
        elif owner_id is not None and request_status == STATUS_PENDING:
            group, method, params = "producer", "list_pending_access_requests", {}
        else:
            raise error_for("Unimplemented",
                            "list_subscriptions needs the mesh account's credentials, or "
                            "principal_id, or owner_id with request_status 'Pending' "
                            "(docs/PYTHON.md)")
        items, token = [], start_token
        while True:
            try:
                page = self._call(group, method, dict(params, next_token=token))
            except DataMeshError as e:
                # The mesh's listing refuses a database of no product; the original's scan
                # of its table answered nothing.
                if e.code == "NotFound" and database_name is not None:
                    return {"Subscriptions": []}
                raise
            items.extend(page.get("Subscriptions", []))
            token = page.get("NextToken")
            if not token:
                break
        # Every filter given, whichever view answered (a view may answer more than asked).
        wanted = {"OwnerPrincipal": owner_id, "SubscriberPrincipal": principal_id,
                  "DatabaseName": database_name, "Status": request_status,
                  "TableName": tables, "RequestedGrants": includes_grants}
        items = [i for i in items
                 if all(v is None or i.get(k) == v for k, v in wanted.items())]
        return {"Subscriptions": items}
