"""data-mesh-cli: the original's command-line utility (reference §2.8) on data_mesh_util.

    data-mesh-cli <command> [--option value ...]
    data-mesh-cli --help | help
    data-mesh-cli <command> --help | <command> help

Each command is one method of a client class, with the original's command names; its options
are the method's parameters (`--grant-permissions` or `--grant_permissions`), typed by the
method declarations. Unlike the original, values keep their quotes (inline JSON works),
booleans are parsed (`true`/`false`), and the exit codes are the `datamesh` command's
(docs/CLI.md): 0 success or help, 2 a bad argument or usage error, 3 NotFound, ... An error
prints `error (Code): message` on stderr. Answers print as the `datamesh` command prints them
(JSON, 2-space indent, sorted keys); a method that answers nothing prints nothing.
"""

import argparse
import contextlib
import inspect
import json
import os
import sys

from data_mesh_util.exceptions import DataMeshError, error_for
from data_mesh_util.lib import client, constants, signatures, utils

# The `datamesh` command's exit code per error code (docs/CLI.md, "Output and exit codes");
# every code not listed exits 1.
EXIT_CODES = {
    "InvalidArgument": 2,
    "NotFound": 3,
    "AlreadyExists": 4,
    "PermissionDenied": 5,
    "Unauthenticated": 6,
    "FailedPrecondition": 7,
    "Aborted": 8,
    "Unavailable": 9,
}
EXIT_USAGE = 2
# 128 + SIGPIPE: what a shell reports for a command that SIGPIPE ended.
EXIT_BROKEN_PIPE = 141

# Command -> (class module and name, credentials-file block, method). The original's names.
COMMANDS = {
    "create-data-product": ("DataMeshProducer", constants.PRODUCER, "create_data_products"),
    "approve-subscription": ("DataMeshProducer", constants.PRODUCER, "approve_access_request"),
    "deny-subscription": ("DataMeshProducer", constants.PRODUCER, "deny_access_request"),
    "modify-subscription": ("DataMeshProducer", constants.PRODUCER,
                            "update_subscription_permissions"),
    "request-access": ("DataMeshConsumer", constants.CONSUMER, "request_access_to_product"),
    "import-subscription": ("DataMeshConsumer", constants.CONSUMER, "finalize_subscription"),
    "list-subscriptions": ("DataMeshConsumer", constants.CONSUMER, "list_product_access"),
    "install-mesh-objects": ("DataMeshAdmin", constants.MESH, "initialize_mesh_account"),
    "enable-account": ("DataMeshMacros", None, "bootstrap_account"),
}


class UsageError(Exception):
    """A command-line mistake: printed with the command's usage, exit code 2."""


def _client_class(name):
    module = __import__(f"data_mesh_util.{name}", fromlist=[name])
    return getattr(module, name)


def _boolean(text):
    value = str(text).strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError(f"'{text}' is not a boolean (true or false)")


def _json_value(text):
    """Inline JSON, file://PATH or @PATH, as the datamesh command takes it."""
    if text.startswith(("file://", "@")):
        path = text[7:] if text.startswith("file://") else text[1:]
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise argparse.ArgumentTypeError(f"cannot read {path}: {e.strerror}") from None
    try:
        return json.loads(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not JSON: {e}") from None


def _permissions(values):
    """Several values, comma-separated values or both; spaces around each are removed."""
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    pass


def _add_global_options(parser, with_mesh_options=True):
    group = parser.add_argument_group("connection and credentials")
    group.add_argument("--credentials-file", "--credentials_file", dest="credentials_file",
                       metavar="PATH",
                       help="the original's CredentialsFile (AWS_REGION and the blocks Mesh, "
                            "Producer, Consumer, ProducerAdmin, ConsumerAdmin); default: the "
                            "environment variable CredentialsFile")
    group.add_argument("--use-credentials", "--use_credentials", dest="use_credentials",
                       type=_json_value, metavar="JSON",
                       help='inline credentials: {"AccessKeyId": ..., "SecretAccessKey": ...}')
    if with_mesh_options:
        group.add_argument("--data-mesh-account-id", "--data_mesh_account_id",
                           dest="data_mesh_account_id", metavar="ID",
                           help="the mesh account id; default: the Mesh block's AccountId")
    group.add_argument("--region-name", "--region_name", dest="region_name", metavar="NAME",
                       help="default: the file's AWS_REGION, else us-east-1")
    group.add_argument("--log-level", "--log_level", dest="log_level", default="INFO",
                       metavar="LEVEL", help="DEBUG, INFO, WARNING, ERROR or CRITICAL")
    group.add_argument("--endpoint", metavar="URL",
                       help="sqlite:///path/mesh.db, http://host:port, https://host[:port], "
                            "postgresql://user@host:port/db or aws://REGION; "
                            "default DATAMESH_ENDPOINT")


def _add_method_options(parser, class_name, method_name):
    """The method's parameters as options, typed by the route's parameter specs; those
    without a default in the Python signature are required. Answers whether any is."""
    cls = _client_class(class_name)
    signature = inspect.signature(getattr(cls, method_name))
    route = getattr(cls, method_name).route
    group = parser.add_argument_group("parameters")
    any_required = False
    for spec in route["params"]:
        name = spec["name"]
        python_name = name if name in signature.parameters else spec["alias"]
        parameter = signature.parameters[python_name]
        required = parameter.default is inspect.Parameter.empty
        any_required = any_required or required
        spellings = {f"--{python_name.replace('_', '-')}", f"--{python_name}",
                     f"--{name.replace('_', '-')}", f"--{name}"}
        if spec["alias"]:
            spellings |= {f"--{spec['alias'].replace('_', '-')}", f"--{spec['alias']}"}
        options = {"dest": python_name, "required": required, "help": spec["help"]}
        kind = spec["type"]
        if kind == "bool":
            options.update(type=_boolean, metavar="true|false")
        elif kind == "int":
            options.update(type=int, metavar="N")
        elif kind == "permission_list":
            options.update(nargs="*", action="extend", metavar="PERMISSION")
        elif kind == "string_list":
            options.update(nargs="*", action="extend", metavar="NAME")
        elif kind == "json":
            options.update(type=_json_value, metavar="JSON")
        else:
            options.update(metavar="VALUE")
        # The declaration's help may name the default already ("(default true)").
        if parameter.default not in (inspect.Parameter.empty, None) and \
                "default" not in spec["help"].lower():
            options["help"] += f" (default {parameter.default})"
        group.add_argument(*sorted(spellings, key=lambda s: ("_" in s, s)), **options)
    # The original's keywords that no declaration has (lib/signatures.py): options as its
    # utility had them, which the method honours or refuses.
    function = getattr(cls, method_name)
    for name, kind in signatures.COMPATIBILITY.get((function.group, method_name), {}).items():
        options = {"dest": name, "help": client.COMPATIBILITY_HELP[name]}
        if kind == "bool":
            options.update(type=_boolean, metavar="true|false")
        else:
            options.update(metavar="VALUE")
        group.add_argument(f"--{name.replace('_', '-')}", f"--{name}", **options)
    return any_required


def _add_enable_account_options(parser):
    group = parser.add_argument_group("parameters")
    group.add_argument("--account-type", "--account_type", dest="account_type", required=True,
                       choices=["producer", "consumer", "both"], type=str.lower,
                       help="producer (ProducerAdmin block), consumer (ConsumerAdmin block) or "
                            "both")
    group.add_argument("--crawler-role-arn", "--crawler_role_arn", dest="crawler_role_arn",
                       metavar="ARN", help="the original's option; a role is refused: datamesh "
                                           "takes a crawler's role per data product "
                                           "(create-data-product --sync-mesh-crawler-role-arn)")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="data-mesh-cli", formatter_class=_HelpFormatter,
        description="The original data-mesh-cli's commands on datamesh (docs/PYTHON.md).",
        epilog="Commands:\n" + "\n".join(
            f"  {name:22} {cls}.{method}" for name, (cls, _, method) in COMMANDS.items()) +
        "\n\nRun `data-mesh-cli <command> --help` for a command's options.")
    commands = parser.add_subparsers(dest="command", metavar="<command>")
    # Command -> (its parser, whether it has a required option), for main().
    parser.commands = {}
    for name, (class_name, _, method) in COMMANDS.items():
        summary = (f"{class_name}.{method}: set an account up and enable it" if method ==
                   "bootstrap_account" else f"{class_name}.{method}: " +
                   getattr(_client_class(class_name), method).__doc__.split("\n")[0])
        sub = commands.add_parser(name, help=summary, description=summary,
                                  formatter_class=_HelpFormatter)
        if method == "bootstrap_account":
            _add_enable_account_options(sub)
            required = True
        else:
            required = _add_method_options(sub, class_name, method)
        _add_global_options(sub, with_mesh_options=True)
        parser.commands[name] = (sub, required)
    return parser


def _settings(args, block):
    """(mesh id, region, credentials) from the options and the credentials file."""
    path = args.credentials_file or os.environ.get("CredentialsFile")
    info = None
    if path:
        _, _, _, info = utils.load_client_info_from_file(path)
    mesh_id = args.data_mesh_account_id or (info and info[constants.MESH].get("AccountId"))
    region = args.region_name or (info and info.get("AWS_REGION")) or "us-east-1"
    credentials = args.use_credentials
    if credentials is None and info is not None and block is not None:
        credentials = info[block]
    return mesh_id, region, credentials, info


def _enable_account(args):
    from data_mesh_util.DataMeshMacros import DataMeshMacros
    if not (args.credentials_file or os.environ.get("CredentialsFile")):
        raise error_for("InvalidArgument", "enable-account requires --credentials-file (or the "
                        "environment variable CredentialsFile): it uses the Mesh block and the "
                        "ProducerAdmin or ConsumerAdmin block")
    mesh_id, region, _, info = _settings(args, None)
    macros = DataMeshMacros(data_mesh_account_id=mesh_id, region_name=region,
                            log_level=args.log_level, endpoint=args.endpoint)
    kinds = ["producer", "consumer"] if args.account_type == "both" else [args.account_type]
    for kind in kinds:
        block = constants.PRODUCER_ADMIN if kind == "producer" else constants.CONSUMER_ADMIN
        macros.bootstrap_account(kind, info[constants.MESH], info[block],
                                 crawler_role_arn=args.crawler_role_arn)
    return None


def _run(args):
    class_name, block, method = COMMANDS[args.command]
    if method == "bootstrap_account":
        return _enable_account(args)
    mesh_id, region, credentials, _ = _settings(args, block)
    instance = _client_class(class_name)(data_mesh_account_id=mesh_id, region_name=region,
                                         log_level=args.log_level,
                                         use_credentials=credentials, endpoint=args.endpoint)
    function = getattr(instance, method)
    route_params = {n for n in inspect.signature(function).parameters}
    kwargs = {}
    for name in route_params:
        value = getattr(args, name, None)
        if value is None:
            continue
        spec_type = _param_type(class_name, method, name)
        if spec_type == "permission_list":
            value = _permissions(value)
        kwargs[name] = value
    # stdout carries the answer's JSON only: what a method prints for the original's scripts
    # (request-access's "Creating Database level Access Request") goes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        return function(**kwargs)


def _param_type(class_name, method, name):
    for spec in getattr(_client_class(class_name), method).route["params"]:
        if name in (spec["name"], spec["alias"]):
            return spec["type"]
    return "string"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    # The original's spellings of help: `help`, and `<command> help`.
    if argv[:1] == ["help"]:
        argv = ["--help"]
    elif len(argv) == 2 and argv[1] == "help":
        argv = [argv[0], "--help"]
    parser = build_parser()
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        parser.print_usage(sys.stderr)
        print(f'data-mesh-cli: Command "{argv[0]}" Invalid; the commands are: '
              f"{', '.join(COMMANDS)}", file=sys.stderr)
        return EXIT_USAGE
    if not argv:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if len(argv) == 1 and argv[0] in COMMANDS and parser.commands[argv[0]][1]:
        # A bare command that needs options: its help, as the original printed its usage.
        parser.commands[argv[0]][0].print_help(sys.stderr)
        return EXIT_USAGE
    try:
        # Options a command does not know are ignored, as the original's utility ignored them
        # (parse_known_args), but said; the command's own parser reports its usage errors.
        args, unknown = parser.parse_known_args(argv)
    except SystemExit as e:  # argparse: 0 for --help, 2 for a usage error (as datamesh's)
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    if args.command is None:  # only options the top level does not know: no command
        parser.print_usage(sys.stderr)
        print(f"data-mesh-cli: no command in {' '.join(argv)}; the commands are: "
              f"{', '.join(COMMANDS)}", file=sys.stderr)
        return EXIT_USAGE
    if unknown:
        print(f"data-mesh-cli: ignoring unrecognized arguments {' '.join(unknown)}: the "
              "original ignored them too", file=sys.stderr)
    try:
        answer = _run(args)
    except DataMeshError as e:
        print(f"error ({e.code}): {e.message}", file=sys.stderr)
        return EXIT_CODES.get(e.code, 1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if answer is not None:
        try:
            print(json.dumps(answer, indent=2, sort_keys=True, ensure_ascii=False), flush=True)
        except BrokenPipeError:
            # The reader went away (`| head`): end quietly, as the datamesh command does when
            # SIGPIPE ends it, with the status a shell shows for that. Standard output is
            # pointed at /dev/null so that Python's flush at exit does not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
    return 0


if __name__ == "__main__":
    sys.exit(main())
