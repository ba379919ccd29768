"""The package against `datamesh serve --tls-cert`: an https:// endpoint works once
DATAMESH_CA_BUNDLE names the authority of the server's certificate (here the self-signed
certificate itself), and without it the call fails with FailedPrecondition saying how to fix
it."""

import os
import shutil
import subprocess
import tempfile

import pytest
from conftest import MESH_ID, SERVER_SCRIPT

from data_mesh_util import exceptions
from data_mesh_util.DataMeshAdmin import DataMeshAdmin

pytestmark = pytest.mark.skipif(not os.environ.get("DATAMESH_CLI"),
                                reason="needs DATAMESH_CLI, the datamesh binary, to serve")


@pytest.fixture
def https_server():
    workdir = tempfile.mkdtemp(prefix="dmu-https-")
    try:
        server_dir = os.path.join(workdir, "server")
        printed = subprocess.run([SERVER_SCRIPT, server_dir], check=True, capture_output=True,
                                 text=True, env=dict(os.environ, DATAMESH_TEST_TLS="1")
                                 ).stdout.splitlines()
        # The endpoint, then DATAMESH_CA_BUNDLE=<the certificate>: the test sets that itself.
        assert printed[1:] == [f"DATAMESH_CA_BUNDLE={server_dir}/tls-cert.pem"]
        yield printed[0], os.path.join(server_dir, "tls-cert.pem")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # also stops the server (its watchdog)


def test_an_https_endpoint_with_the_ca_bundle(https_server, monkeypatch):
    endpoint, certificate = https_server
    assert endpoint.startswith("https://127.0.0.1:")
    monkeypatch.setenv("DATAMESH_CA_BUNDLE", certificate)
    creds = DataMeshAdmin(data_mesh_account_id=MESH_ID, endpoint=endpoint) \
        .initialize_mesh_account(mesh_name="tls")
    admin = DataMeshAdmin(data_mesh_account_id=MESH_ID, use_credentials=creds, endpoint=endpoint)
    admin.create_account(account_name="sales", account_id="111111111111")
    assert sorted(a["AccountId"] for a in admin.list_accounts()) == ["111111111111", MESH_ID]


def test_an_https_endpoint_without_the_ca_bundle(https_server):
    endpoint, _ = https_server
    with pytest.raises(exceptions.FailedPrecondition, match="DATAMESH_CA_BUNDLE"):
        DataMeshAdmin(data_mesh_account_id=MESH_ID, endpoint=endpoint) \
            .initialize_mesh_account(mesh_name="tls")
