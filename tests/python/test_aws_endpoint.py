"""An aws:// endpoint from Python (issue 17 point 2): the classes reach AWS through the same
backend as the C++ API and the CLI. Against moto: the ctest run's shared server (fixture moto,
tests/support/moto_server.sh, whose folder DATAMESH_TEST_MOTO_STATE names), else one of its
own; skipped, as the AWS-mode suites are, when the python3 on PATH cannot import moto. The
credentials are an AWS profile that assumes the role Admin of a fresh random account (moto
gives each account its own state), as docs/AWS.md's walkthrough on moto does."""

import os
import random
import shutil
import subprocess
import tempfile

import pytest

from data_mesh_util import exceptions
from data_mesh_util.DataMeshAdmin import DataMeshAdmin
from data_mesh_util.lib.SubscriberTracker import SubscriberTracker

HERE = os.path.dirname(os.path.abspath(__file__))
MOTO_SCRIPT = os.path.join(HERE, "..", "support", "moto_server.sh")
SHARED_MOTO = os.environ.get("DATAMESH_TEST_MOTO_STATE")  # read before conftest clears it


def _moto_url(state):
    if os.path.exists(os.path.join(state, "skipped")):
        with open(os.path.join(state, "skipped"), encoding="utf-8") as f:
            pytest.skip(f.read().strip())
    with open(os.path.join(state, "url"), encoding="utf-8") as f:
        return f.read().strip()


@pytest.fixture
def aws_account(monkeypatch, tmp_path):
    """A fresh account on moto, reached through the AWS profile `mesh`: its id."""
    state = None
    if SHARED_MOTO:
        url = _moto_url(SHARED_MOTO)
    else:
        state = tempfile.mkdtemp(prefix="dmu-moto-")
        subprocess.run([MOTO_SCRIPT, "start", state], check=True, capture_output=True,
                       timeout=120)
    try:
        if state:
            url = _moto_url(state)
        account = "4" + "".join(random.choice("0123456789") for _ in range(11))
        (tmp_path / "config").write_text(
            "[profile moto]\nregion = us-east-1\n"
            f"[profile mesh]\nrole_arn = arn:aws:iam::{account}:role/Admin\n"
            "source_profile = moto\n")
        # moto's documented example keys.
        (tmp_path / "credentials").write_text(
            "[moto]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
        monkeypatch.setenv("AWS_PROFILE", "mesh")
        yield account
    finally:
        if state:
            subprocess.run([MOTO_SCRIPT, "stop", state], capture_output=True, timeout=120)
            shutil.rmtree(state, ignore_errors=True)


def test_mesh_on_aws(aws_account):
    admin = DataMeshAdmin(data_mesh_account_id=aws_account, region_name="us-east-1",
                          endpoint="aws://us-east-1")
    assert admin.endpoint == "aws://us-east-1"
    made = admin.initialize_mesh_account(mesh_name="python")
    assert made["AccountId"] == aws_account and made["AccountName"] == "python"
    accounts = admin.list_accounts()
    assert [(a["AccountId"], a["IsMesh"]) for a in accounts] == [(aws_account, True)]
    with pytest.raises(exceptions.AlreadyExists):
        admin.initialize_mesh_account(mesh_name="again")
    # The original's tracker answered its table's and its stream's ARNs: datamesh's are the
    # same table's, as DynamoDB describes it.
    tracker = SubscriberTracker(data_mesh_account_id=aws_account, region_name="us-east-1",
                                endpoint="aws://us-east-1")
    endpoints = tracker.get_endpoints()
    table = f"arn:aws:dynamodb:us-east-1:{aws_account}:table/AwsDataMeshSubscriptions"
    assert endpoints["Table"] == table
    assert endpoints["Stream"].startswith(table + "/stream/")
    # With the mesh account's credentials, as the original's tracker ran, it reads through the
    # admin's view: any filters, any subscription.
    assert tracker.list_subscriptions(request_status="Pending") == {"Subscriptions": []}
    assert tracker.list_subscriptions(owner_id="111111111111") == {"Subscriptions": []}
    assert tracker.get_subscription("A" * 22) is None
