"""data-mesh-cli (python/data_mesh_util/cli.py), run from the build tree as a subprocess: each of
the original's commands on an embedded mesh, with a CredentialsFile of the five blocks; quotes
kept, booleans parsed, the `datamesh` command's exit codes; help for it and each command."""

import json
import os
import shutil
import subprocess
import tempfile

import pytest
from conftest import CONSUMER_ID, MESH_ID, ORDERS, PRODUCER_ID, Mesh

from data_mesh_util.cli import COMMANDS, main

PYTHONPATH = os.environ.get("PYTHONPATH", "").split(os.pathsep)[0]
CLI = os.path.join(PYTHONPATH, "..", "bin", "data-mesh-cli")  # the build tree's


def cli(*args, env=None, stdout=subprocess.PIPE):
    # The script finds the package itself: no PYTHONPATH, as once installed.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment.update(env or {})
    return subprocess.run([CLI, *args], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=120, env=environment)


@pytest.fixture
def embedded():
    workdir = tempfile.mkdtemp(prefix="dmcli-")
    try:
        yield Mesh(f"sqlite://{workdir}/mesh.db", workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_answer_to_a_reader_that_went_away(embedded):
    # `data-mesh-cli ... | head` where head has exited: no traceback, the status a shell shows
    # for a command SIGPIPE ended (as the datamesh command's).
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = cli("install-mesh-objects", "--mesh-name", "other", "--data-mesh-account-id",
                   "333333333333", "--endpoint", f"sqlite://{embedded.workdir}/other.db",
                   stdout=write_end)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")


def test_each_command(embedded, capsys):
    mesh = embedded
    credentials_file = os.path.join(mesh.workdir, "credentials.json")
    with open(credentials_file, "w", encoding="utf-8") as f:
        json.dump({"AWS_REGION": "us-east-1", "Mesh": mesh.admin_creds,
                   "Producer": mesh.producer_creds, "ProducerAdmin": mesh.producer_creds,
                   "Consumer": mesh.consumer_creds, "ConsumerAdmin": mesh.consumer_creds}, f)
    common = ["--endpoint", mesh.endpoint]
    # The credentials file from the environment variable, as the original's examples set it.
    env = {"CredentialsFile": credentials_file}

    # install-mesh-objects makes a new mesh (in a file of its own).
    new_mesh = cli("install-mesh-objects", "--mesh-name", "other", "--data-mesh-account-id",
                   "333333333333", "--endpoint", f"sqlite://{mesh.workdir}/other.db")
    assert new_mesh.returncode == 0, new_mesh.stderr
    assert json.loads(new_mesh.stdout)["AccountId"] == "333333333333"

    done = cli("enable-account", "--account-type", "both", "--credentials-file",
               credentials_file, *common)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    producer = mesh.producer()
    producer.create_database(database_input={"Name": "sales"})
    producer.create_table(database_name="sales", table_input=ORDERS)

    product = cli("create-data-product", "--source-database-name", "sales",
                  "--table_name_regex", "orders", "--create-public-metadata", "false", *common,
                  env=env)
    assert product.returncode == 0, product.stderr
    db = json.loads(product.stdout)["DatabaseName"]
    assert product.stdout.startswith('{\n  "DatabaseName"')  # as `datamesh` prints it

    request = cli("request-access", "--owner-account-id", PRODUCER_ID, "--database-name", db,
                  "--request-permissions", "SELECT, DESCRIBE", "INSERT", "--tables", "orders",
                  *common, env=env)
    assert request.returncode == 0, request.stderr
    sub = json.loads(request.stdout)["SubscriptionId"]

    note = 'it\'s "fine"'  # quotes kept (the original stripped every quote)
    approve = cli("approve-subscription", "--request-id", sub, "--grant-permissions", "SELECT",
                  "--decision-notes", note, *common, env=env)
    assert approve.returncode == 0 and approve.stdout == "", approve.stderr
    assert note in mesh.producer().get_subscription(sub)["Notes"]

    modify = cli("modify-subscription", "--subscription-id", sub, "--grant-permissions",
                 "SELECT,DESCRIBE", "--notes", "widened", *common, env=env)
    assert modify.returncode == 0, modify.stderr
    assert cli("import-subscription", "--subscription-id", sub, *common,
               env=env).returncode == 0

    # Inline credentials as JSON (the original's quote stripping broke them).
    listed = cli("list-subscriptions", "--use-credentials", json.dumps(mesh.consumer_creds),
                 "--data-mesh-account-id", MESH_ID, *common)
    assert listed.returncode == 0, listed.stderr
    assert [s["SubscriptionId"] for s in json.loads(listed.stdout)["Subscriptions"]] == [sub]

    second = mesh.consumer().request_access_to_product(PRODUCER_ID, db, ["SELECT"])
    deny = cli("deny-subscription", "--request-id", second["SubscriptionId"], *common, env=env)
    assert deny.returncode == 0, deny.stderr
    assert mesh.consumer().get_subscription(second["SubscriptionId"])["Status"] == "Denied"

    # Errors: the project's message and the datamesh command's exit codes (one through the
    # script, the others in this process, which is cheaper).
    unknown = cli("approve-subscription", "--request-id", "GUxwswjEFRzgwow8zqVwGC", *common,
                  env=env)
    assert unknown.returncode == 3 and unknown.stderr.startswith("error (NotFound): ")
    code, _, err = in_process(capsys, "deny-subscription", "--request-id",
                              second["SubscriptionId"], "--credentials-file", credentials_file,
                              *common)
    assert code == 7 and err.startswith("error (FailedPrecondition): ")
    code, _, err = in_process(capsys, "list-subscriptions", "--use-credentials",
                              json.dumps(dict(mesh.consumer_creds,
                                              SecretAccessKey="not-the-secret")), *common)
    assert code == 6 and "error (Unauthenticated)" in err and "not-the-secret" not in err
    code, _, err = in_process(capsys, "approve-subscription", "--request-id", sub,
                              "--use-credentials", json.dumps(mesh.consumer_creds), *common)
    assert code == 5 and err.startswith("error (PermissionDenied): ")


def in_process(capsys, *args):
    """data_mesh_util.cli.main in this process (cheaper than a python3 start): (exit code,
    stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_bad_arguments(capsys):
    bad_boolean = cli("create-data-product", "--source-database-name", "sales",
                      "--create-public-metadata", "maybe")
    assert bad_boolean.returncode == 2
    assert "'maybe' is not a boolean (true or false)" in bad_boolean.stderr
    # A bare command with required options shows its own help, as the original did.
    code, out, err = in_process(capsys, "approve-subscription")
    assert code == 2 and out == "" and err.startswith("usage: data-mesh-cli approve-subscription")
    assert "--request-id" in err and "--decision-notes" in err and "error" not in err
    # A usage error of a command shows that command's usage.
    code, _, err = in_process(capsys, "approve-subscription", "--decision-notes", "x")
    assert code == 2 and err.startswith("usage: data-mesh-cli approve-subscription")
    assert "the following arguments are required: --request-id" in err
    code, _, err = in_process(capsys, "no-such-command")
    assert code == 2 and 'Command "no-such-command" Invalid' in err
    code, _, err = in_process(capsys, "--no-such-option")
    assert code == 2 and "no command in --no-such-option" in err
    code, _, err = in_process(capsys, "list-subscriptions", "--use-credentials", "{not json")
    assert code == 2 and "not JSON" in err
    code, _, err = in_process(capsys, "enable-account", "--account-type", "producer")
    assert code == 2
    assert "error (InvalidArgument): enable-account requires --credentials-file" in err


def test_help(capsys):
    overview = cli("--help")
    assert overview.returncode == 0
    for command in COMMANDS:
        assert command in overview.stdout
    assert in_process(capsys, "help") == (0, overview.stdout, "")
    command = cli("request-access", "--help")
    assert command.returncode == 0
    for option in ("--owner-account-id", "--database-name", "--request-permissions", "--tables",
                   "--credentials-file", "--endpoint"):
        assert option in command.stdout
    assert in_process(capsys, "request-access", "help") == (0, command.stdout, "")
    code, out, _ = in_process(capsys, "enable-account", "--help")
    assert code == 0 and "{producer,consumer,both}" in out
    # Each default once: the declaration's help already names it.
    code, out, _ = in_process(capsys, "create-data-product", "help")
    assert code == 0 and "(default True)" not in out and "(default _link) (default" not in out
    assert "--use-original-table-name" in out


def test_installed_script():
    """cmake --install puts an executable data-mesh-cli in <prefix>/bin that finds the installed
    package (the package's own install step, build/python/cmake_install.cmake, into a temporary
    prefix)."""
    install = os.environ.get("PACKAGE_INSTALL_SCRIPT")
    if not install:
        pytest.skip("run by ctest, which names the package's install script")
    prefix = tempfile.mkdtemp(prefix="dmcli-install-")
    try:
        done = subprocess.run([os.environ.get("CMAKE_COMMAND", "cmake"),
                               f"-DCMAKE_INSTALL_PREFIX={prefix}", "-P", install],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        script = os.path.join(prefix, "bin", "data-mesh-cli")
        assert os.access(script, os.X_OK)
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        shown = subprocess.run([script, "--help"], capture_output=True, text=True, cwd=prefix,
                               env=environment, timeout=120)
        assert shown.returncode == 0 and "request-access" in shown.stdout, shown.stderr
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def test_database_level_request_keeps_stdout_json(embedded, capsys):
    """The Python method prints the original's line on stdout; the command's stdout is its
    JSON answer only, so the line goes to stderr."""
    db = embedded.publish_orders()
    code, out, err = in_process(capsys, "request-access", "--owner-account-id", PRODUCER_ID,
                                "--database-name", db, "--request-permissions", "SELECT",
                                "--use-credentials", json.dumps(embedded.consumer_creds),
                                "--endpoint", embedded.endpoint)
    assert code == 0, err
    assert json.loads(out)["Type"] == "DATABASE"
    assert err == "Creating Database level Access Request\n"


def test_unknown_options_are_ignored_with_a_warning(embedded, capsys):
    """The original's utility ignored options it did not know (its README's
    `approve-subscription ... --notes ok`); datamesh's too, saying so on stderr."""
    db = embedded.publish_orders()
    common = ["--endpoint", embedded.endpoint]
    sub = embedded.consumer().request_access_to_product(PRODUCER_ID, db, ["SELECT"],
                                                        tables=["orders"])["SubscriptionId"]
    code, out, err = in_process(capsys, "approve-subscription", "--request-id", sub,
                                "--notes", "ok", "--use-credentials",
                                json.dumps(embedded.producer_creds), *common)
    assert (code, out) == (0, ""), err
    assert err == ("data-mesh-cli: ignoring unrecognized arguments --notes ok: the original "
                   "ignored them too\n")
    assert embedded.producer().get_subscription(sub)["Status"] == "Active"
    code, out, err = in_process(capsys, "create-data-product", "--source-database-name",
                                "sales", "--table-regex", "x", "--use-original-table-name",
                                "true", "--expose-data-mesh-db-name", "sales-same",
                                "--use-credentials", json.dumps(embedded.producer_creds),
                                *common)
    assert code == 0, err
    assert "ignoring unrecognized arguments --table-regex x:" in err
    assert json.loads(out)["Tables"] == [{"LinkTable": "orders", "SourceTable": "orders"}]


def test_enable_account_refuses_a_crawler_role(embedded, capsys):
    credentials_file = os.path.join(embedded.workdir, "credentials.json")
    with open(credentials_file, "w", encoding="utf-8") as f:
        json.dump({"AWS_REGION": "us-east-1", "Mesh": embedded.admin_creds,
                   "Producer": embedded.producer_creds,
                   "ProducerAdmin": embedded.producer_creds,
                   "Consumer": embedded.consumer_creds,
                   "ConsumerAdmin": embedded.consumer_creds}, f)
    code, _, err = in_process(capsys, "enable-account", "--account-type", "producer",
                              "--crawler-role-arn", "arn:aws:iam::1:role/C", "--credentials-file",
                              credentials_file, "--endpoint", embedded.endpoint)
    assert code == 2 and "error (InvalidArgument): crawler_role_arn" in err
    assert "per data product" in err
