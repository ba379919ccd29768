"""Type stub of data_mesh_util.lib.SubscriberTracker (python/tools/make_stubs.py)."""

from data_mesh_util.lib.client import MeshClient
from data_mesh_util.lib.constants import *
from datetime import datetime
from enum import Enum
from typing import Any
import data_mesh_util.lib.utils as utils
import logging
import re
import sys

SUBSCRIPTION_ID: str
OWNER_PRINCIPAL: str
SUBSCRIBER_PRINCIPAL: str
STATUS: str
CREATION_DATE: str
CREATED_BY: str
UPDATED_DATE: str
UPDATED_BY: str
DATE_FORMAT: str
DATABASE_NAME: str
TABLE_NAME: str
REQUESTED_GRANTS: str
PERMITTED_GRANTS: str
TABLE_ARNS: str
RAM_SHARES: str
NOTES: str


class SubscriberTracker(MeshClient):
    """SubscriberTracker(credentials=None, data_mesh_account_id=None, region_name='us-east-1', log_level='INFO', endpoint=None)"""
    def __init__(self, credentials: Any = ..., data_mesh_account_id: str | None = ..., region_name: str | None = ..., log_level: str | int = ..., endpoint: str | None = ...) -> None: ...
    def get_endpoints(self) -> dict[str, str | None]:
        """{'Table', 'Stream'}: the ARNs of the original's tracker table and of its DynamoDB stream (new and old images), where a program follows every subscription change. With an aws:// endpoint both are the mesh account's (admin get_endpoints asks DynamoDB); a mesh file or a server holds the subscriptions in its own store, with no DynamoDB table: both None."""
    def get_subscription(self, subscription_id: str, force: bool = ...) -> dict[str, Any] | None:
        """The subscription item itself (the original's shape), or None when there is none; a Deleted one is None unless force. The mesh account reads any subscription; another caller that is neither its producer nor its consumer gets PermissionDenied."""
    def list_subscriptions(self, owner_id: str | None = ..., principal_id: str | None = ..., database_name: str | None = ..., tables: list[str] | None = ..., includes_grants: list[str] | None = ..., request_status: str | None = ..., start_token: str | None = ...) -> dict[str, Any]:
        """{'Subscriptions': [...]}: the subscriptions that are not Deleted (or, with request_status, those in that status) that every filter given matches: owner_id (the producer), principal_id (the consumer), database_name, tables and includes_grants (equal lists). The mesh account may combine any filters; a producer or consumer reads only its own view: principal_id (the caller as consumer), or owner_id with request_status 'Pending' (the caller's pending requests). Every page is read, from start_token on."""
