"""Shared fixtures of the data_mesh_util suite: a fresh mesh per test, embedded (a temp
sqlite:// endpoint) or behind `datamesh serve` (tests/support/server_endpoint.sh, when
DATAMESH_CLI names the datamesh binary), with an admin, a producer and a consumer account.

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python (ctest label python).
"""

import os
import shutil
import subprocess
import tempfile

import pytest

MESH_ID = "999999999999"
PRODUCER_ID = "111111111111"
CONSUMER_ID = "222222222222"
HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_SCRIPT = os.path.join(HERE, "..", "support", "server_endpoint.sh")

ORDERS = {
    "Name": "orders",
    "Description": "one row per order",
    "TableType": "EXTERNAL_TABLE",
    "StorageDescriptor": {
        "Columns": [{"Name": "order_id", "Type": "bigint"},
                    {"Name": "amount", "Type": "decimal(10,2)"}],
        "Location": "s3://sales-bucket/orders/",
    },
    "PartitionKeys": [{"Name": "day", "Type": "date"}],
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No credentials or endpoint leak in from the environment of the run."""
    for name in list(os.environ):
        if name.startswith("DATAMESH_") and name != "DATAMESH_CLI" or name == "CredentialsFile":
            monkeypatch.delenv(name)


def endpoint_kinds():
    kinds = ["embedded"]
    if os.environ.get("DATAMESH_CLI"):
        kinds.append("server")
    return kinds


class Mesh:
    """A mesh with its three accounts' credentials (dicts as create_account answers)."""

    def __init__(self, endpoint, workdir):
        from data_mesh_util.DataMeshAdmin import DataMeshAdmin
        self.endpoint = endpoint
        self.workdir = workdir
        self.admin_creds = DataMeshAdmin(data_mesh_account_id=MESH_ID, endpoint=endpoint) \
            .initialize_mesh_account(mesh_name="demo")
        admin = self.admin(self.admin_creds)
        self.producer_creds = admin.create_account(account_name="sales", account_id=PRODUCER_ID)
        self.consumer_creds = admin.create_account(account_name="marketing",
                                                   account_id=CONSUMER_ID)

    def admin(self, creds=None):
        from data_mesh_util.DataMeshAdmin import DataMeshAdmin
        return DataMeshAdmin(data_mesh_account_id=MESH_ID, region_name="us-east-1",
                             use_credentials=creds or self.admin_creds, endpoint=self.endpoint)

    def producer(self, creds=None):
        from data_mesh_util.DataMeshProducer import DataMeshProducer
        return DataMeshProducer(data_mesh_account_id=MESH_ID, region_name="us-east-1",
                                use_credentials=creds or self.producer_creds,
                                endpoint=self.endpoint)

    def consumer(self, creds=None):
        from data_mesh_util.DataMeshConsumer import DataMeshConsumer
        return DataMeshConsumer(data_mesh_account_id=MESH_ID, region_name="us-east-1",
                                use_credentials=creds or self.consumer_creds,
                                endpoint=self.endpoint)

    def enable_both(self):
        from data_mesh_util.DataMeshAdmin import DataMeshAdmin
        DataMeshAdmin(data_mesh_account_id=MESH_ID, use_credentials=self.producer_creds,
                      endpoint=self.endpoint).initialize_producer_account()
        DataMeshAdmin(data_mesh_account_id=MESH_ID, use_credentials=self.consumer_creds,
                      endpoint=self.endpoint).initialize_consumer_account()
        self.admin().enable_account_as_producer(PRODUCER_ID)
        self.admin().enable_account_as_consumer(CONSUMER_ID)

    def publish_orders(self):
        """Enables both accounts and publishes sales.orders; returns the mesh database name."""
        self.enable_both()
        producer = self.producer()
        producer.create_database(database_input={"Name": "sales", "Description": "sales data"})
        producer.create_table(database_name="sales", table_input=ORDERS)
        return producer.create_data_products("sales", table_name_regex="orders")["DatabaseName"]


@pytest.fixture(params=endpoint_kinds())
def mesh(request):
    workdir = tempfile.mkdtemp(prefix="dmu-")
    try:
        if request.param == "embedded":
            endpoint = f"sqlite://{workdir}/mesh.db"
        else:
            endpoint = subprocess.run([SERVER_SCRIPT, os.path.join(workdir, "server")],
                                      check=True, capture_output=True, text=True).stdout.strip()
        yield Mesh(endpoint, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # also stops the server (its watchdog)
