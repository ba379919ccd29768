"""Scripts written as the original's examples are (tests/python/scripts: a CredentialsFile with
the five blocks, load_client_info_from_file(), one class per step) run unmodified as
subprocesses; the endpoint comes from DATAMESH_ENDPOINT."""

import json
import os
import subprocess
import sys

from conftest import ORDERS

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")


def test_original_style_scripts(mesh):
    credentials_file = os.path.join(mesh.workdir, "credentials.json")
    with open(credentials_file, "w", encoding="utf-8") as f:
        json.dump({"AWS_REGION": "us-east-1",
                   "Mesh": mesh.admin_creds,
                   "Producer": mesh.producer_creds,
                   "ProducerAdmin": mesh.producer_creds,
                   "Consumer": mesh.consumer_creds,
                   "ConsumerAdmin": mesh.consumer_creds}, f)
    env = dict(os.environ, CredentialsFile=credentials_file, DATAMESH_ENDPOINT=mesh.endpoint)

    def run(script, *args):
        done = subprocess.run([sys.executable, os.path.join(SCRIPTS, script), *args], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    assert run("0_5_setup_account_as.py", "both") == "Account setup complete"
    # The producer's source tables (Glue, in the original; the account's catalog here).
    producer = mesh.producer()
    producer.create_database(database_input={"Name": "sales"})
    producer.create_table(database_name="sales", table_input=ORDERS)

    product = json.loads(run("1_create_data_product.py", "sales", "orders"))
    db = product["DatabaseName"]
    request = json.loads(run("2_consumer_request_access.py", db, "orders"))
    sub = request["SubscriptionId"]
    pending = json.loads(run("2_5_list_pending_access_requests.py"))["Subscriptions"]
    assert [p["SubscriptionId"] for p in pending] == [sub]
    assert run("3_grant_data_product_access.py", sub) == "Approved"
    assert run("4_finalize_subscription.py", sub) == "Finalized"
    assert json.loads(run("5_consumer_list_tables.py")) == ["orders"]
