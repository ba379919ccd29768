"""The core's log lines go through Python's logging under the original's logger names, at the
level log_level gives, and never carry a secret; logging from several threads at once does
not deadlock (the core's lines are queued and logged by the calling thread)."""

import logging
import threading

from conftest import MESH_ID, PRODUCER_ID

from data_mesh_util.DataMeshAdmin import DataMeshAdmin
from data_mesh_util.DataMeshProducer import DataMeshProducer


def test_debug_workflow_logs_under_the_class_names_without_secrets(mesh, caplog):
    caplog.set_level(logging.DEBUG)
    db = mesh.publish_orders()
    admin = DataMeshAdmin(MESH_ID, log_level="DEBUG", use_credentials=mesh.admin_creds,
                          endpoint=mesh.endpoint)
    new_key = admin.create_access_key(account_id=PRODUCER_ID)
    producer = DataMeshProducer(MESH_ID, log_level=logging.DEBUG, use_credentials=new_key,
                                endpoint=mesh.endpoint)
    sub = mesh.consumer().request_access_to_product(PRODUCER_ID, db, ["SELECT"],
                                                    ["orders"])["SubscriptionId"]
    producer.approve_access_request(sub, grant_permissions=["SELECT"])

    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    if mesh.endpoint.startswith("sqlite://"):
        # The core's own line (api/mesh_service.cc), under the caller's class logger.
        assert ("DataMeshAdmin", "DEBUG",
                f"admin/create_access_key by account {MESH_ID} key "
                f"{mesh.admin_creds['AccessKeyId']}") in lines
        assert ("DataMeshProducer", "DEBUG",
                f"producer/approve_access_request by account {PRODUCER_ID} key "
                f"{new_key['AccessKeyId']}") in lines
    # The Python side's line: the method and its parameter names, never their values.
    assert ("DataMeshProducer", "DEBUG",
            "calling producer/approve_access_request with ['grant_permissions', 'request_id']"
            ) in lines
    secrets = [c["SecretAccessKey"] for c in (mesh.admin_creds, mesh.producer_creds,
                                              mesh.consumer_creds, new_key)]
    for secret in secrets:
        assert secret not in caplog.text


def test_log_level_filters_the_core_lines(mesh, caplog):
    caplog.set_level(logging.DEBUG)
    # A DEBUG client first, so that the core logs at DEBUG: the INFO client's logger drops them.
    DataMeshAdmin(MESH_ID, log_level="DEBUG", use_credentials=mesh.admin_creds,
                  endpoint=mesh.endpoint).list_accounts()
    caplog.clear()
    DataMeshAdmin(MESH_ID, log_level="INFO", use_credentials=mesh.admin_creds,
                  endpoint=mesh.endpoint).list_accounts()
    assert [r for r in caplog.records if r.name == "DataMeshAdmin"] == []


def test_threads_logging_at_once(mesh, caplog):
    caplog.set_level(logging.DEBUG)
    admins = [DataMeshAdmin(MESH_ID, log_level="DEBUG", use_credentials=mesh.admin_creds,
                            endpoint=mesh.endpoint) for _ in range(4)]
    errors = []

    def work(admin):
        try:
            for _ in range(3):
                admin.describe_account(account_id=PRODUCER_ID)
        except Exception as e:  # noqa: BLE001 — reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(a,)) for a in admins]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and not any(t.is_alive() for t in threads)
    if mesh.endpoint.startswith("sqlite://"):
        core = [r for r in caplog.records
                if r.getMessage().startswith("admin/describe_account by account")]
        assert len(core) == 12 and {r.name for r in core} == {"DataMeshAdmin"}
