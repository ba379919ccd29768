"""SubscriberTracker: the read side of the original's subscription tracker (reference §2.3).

On datamesh the tracker is the mesh's store; this class reads it through the caller's own
producer or consumer view, so a caller sees the subscriptions it is a party to. Writes go
through DataMeshProducer / DataMeshConsumer.
"""

from typing import Any

from data_mesh_util.exceptions import DataMeshError, error_for
from data_mesh_util.lib.client import MeshClient
from data_mesh_util.lib.constants import STATUS_DELETED, STATUS_PENDING


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

    def get_subscription(self, subscription_id: str,
                         force: bool = False) -> dict[str, Any] | None:
        """The subscription item itself (the original's shape), or None when there is none;
        a Deleted one is None unless force. A caller that is neither its producer nor its
        consumer gets PermissionDenied."""
        answer = None
        for group in ("consumer", "producer"):
            try:
                answer = self._call(group, "get_subscription", {"subscription_id": subscription_id})
                break
            except DataMeshError as e:
                if e.code == "NotFound":
                    return None
                if e.code != "PermissionDenied" or group == "producer":
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
        """{'Subscriptions': [...]}: with principal_id, the consumer's subscriptions that are
        not Deleted (the caller must be that consumer); with owner_id and request_status
        'Pending', the producer's pending requests. The other filters narrow the answer.
        Every page is read, from start_token on."""
        if principal_id is not None:
            group, method, party, key = ("consumer", "list_product_access", principal_id,
                                         "SubscriberPrincipal")
        elif owner_id is not None and request_status == STATUS_PENDING:
            group, method, party, key = ("producer", "list_pending_access_requests", owner_id,
                                         "OwnerPrincipal")
        else:
            raise error_for("Unimplemented",
                            "list_subscriptions needs principal_id, or owner_id with "
                            "request_status 'Pending' (docs/PYTHON.md)")
        items, token = [], start_token
        while True:
            page = self._call(group, method, {"next_token": token})
            items.extend(page.get("Subscriptions", []))
            token = page.get("NextToken")
            if not token:
                break
        wanted = {"DatabaseName": database_name, "Status": request_status,
                  "TableName": tables, "RequestedGrants": includes_grants, key: party}
        items = [i for i in items
                 if all(v is None or i.get(k) == v for k, v in wanted.items())]
        return {"Subscriptions": items}
