#!/usr/bin/env python3
"""Produces tests/aws/data/botocore_credential_cases.json: how botocore resolves credentials.

botocore's credential chain (the one in boto3 and the AWS CLI) is what AWS mode's chain follows
(src/aws/credential_chain.h). For each case below (an ~/.aws/config, an ~/.aws/credentials,
environment variables, optionally a profile named explicitly as boto3.Session(profile_name=...)
names it), this runs botocore and records what it resolved: the keys, every AssumeRole it made
(the role ARN, the access key id of the keys signing it, and the session name when the profile
sets role_session_name), the region, or the error. tests/aws/botocore_credentials_test.cc
replays each case through datamesh's chain and expects the same.

How botocore is run: os.environ holds exactly the case's variables plus HOME (a scratch folder
with the two files); STS is replaced by patching AssumeRoleCredentialFetcher._get_credentials,
which hands out keys ASIA1, ASIA2, ... in call order, as the C++ test's stand-in does. botocore
names sessions botocore-session-<time> and datamesh datamesh-<time>, so default session names
are not compared.

Where datamesh decides otherwise on purpose, the case says so in "datamesh" (the result
datamesh gives instead) and "why".

Regenerate (needs botocore; the image's `python3` has 1.43, Debian's is python3-botocore):
    python3 tests/aws/tools/botocore_credential_cases.py > tests/aws/data/botocore_credential_cases.json
The output is deterministic.
"""

import json
import os
import sys
import tempfile
from unittest import mock

import botocore
import botocore.credentials
import botocore.exceptions
import botocore.session

KEYS = "aws_access_key_id = {id}\naws_secret_access_key = {id}-secret\n"

CASES = [
    {"name": "default_profile_in_credentials_file",
     "credentials": "[default]\n" + KEYS.format(id="AKIADEFAULT")},
    {"name": "session_token_in_credentials_file",
     "credentials": "[default]\n" + KEYS.format(id="AKIADEFAULT") + "aws_session_token = tok\n"},
    {"name": "keys_in_config_file",
     "config": "[default]\n" + KEYS.format(id="AKIACONFIG")},
    {"name": "credentials_file_beats_config_file",
     "config": "[profile dev]\n" + KEYS.format(id="AKIACONFIG") + "region = eu-central-1\n",
     "credentials": "[dev]\n" + KEYS.format(id="AKIACREDS"),
     "env": {"AWS_PROFILE": "dev"}},
    {"name": "aws_profile_selects",
     "credentials": "[default]\n" + KEYS.format(id="AKIADEFAULT") + "[dev]\n" +
                    KEYS.format(id="AKIADEV"),
     "env": {"AWS_PROFILE": "dev"}},
    {"name": "aws_default_profile_beats_aws_profile",
     "credentials": "[a]\n" + KEYS.format(id="AKIAA") + "[b]\n" + KEYS.format(id="AKIAB"),
     "env": {"AWS_PROFILE": "a", "AWS_DEFAULT_PROFILE": "b"}},
    {"name": "environment_beats_profile",
     "credentials": "[default]\n" + KEYS.format(id="AKIADEFAULT"),
     "env": {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s",
             "AWS_SESSION_TOKEN": "envtok"}},
    {"name": "environment_beats_aws_profile",
     "credentials": "[dev]\n" + KEYS.format(id="AKIADEV"),
     "env": {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "dev"}},
    {"name": "explicit_profile_beats_environment",
     "credentials": "[dev]\n" + KEYS.format(id="AKIADEV"),
     "env": {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"},
     "profile": "dev"},
    {"name": "security_token_is_the_older_name",
     "env": {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s",
             "AWS_SECURITY_TOKEN": "oldtok"}},
    {"name": "files_named_by_variables",
     "files": {"elsewhere/creds": "[default]\n" + KEYS.format(id="AKIAELSEWHERE"),
               "elsewhere/conf": "[default]\nregion = sa-east-1\n"},
     "env": {"AWS_SHARED_CREDENTIALS_FILE": "{home}/elsewhere/creds",
             "AWS_CONFIG_FILE": "{home}/elsewhere/conf"}},
    {"name": "comments_colons_continuations_and_case",
     "config": "# top comment\n; another\n[default]\nREGION: ap-southeast-2\n"
               "s3 =\n  addressing_style = path\n",
     "credentials": "[default]\nAWS_Access_Key_ID=AKIACASE\n  \naws_secret_access_key : x#y\n"},
    {"name": "quoted_profile_name",
     "config": "[profile \"my dev\"]\n" + KEYS.format(id="AKIAQUOTED"),
     "profile": "my dev"},
    {"name": "non_profile_sections_are_ignored",
     "config": "[preview]\n" + KEYS.format(id="AKIAPREVIEW") + "[profilex]\n" +
               KEYS.format(id="AKIAX")},
    {"name": "region_from_default_region_variable",
     "config": "[default]\nregion = eu-west-1\n",
     "credentials": "[default]\n" + KEYS.format(id="AKIADEFAULT"),
     "env": {"AWS_DEFAULT_REGION": "us-west-2"}},
    {"name": "region_from_profile",
     "config": "[profile dev]\nregion = eu-west-3\n",
     "credentials": "[dev]\n" + KEYS.format(id="AKIADEV"),
     "env": {"AWS_PROFILE": "dev"}},
    {"name": "role_arn_with_source_profile",
     "config": "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\n"
               "source_profile = base\nrole_session_name = alice\n",
     "credentials": "[base]\n" + KEYS.format(id="AKIABASE"),
     "profile": "admin"},
    {"name": "role_chain_of_three_profiles",
     "config": "[profile top]\nrole_arn = arn:aws:iam::333333333333:role/Top\n"
               "source_profile = middle\n"
               "[profile middle]\nrole_arn = arn:aws:iam::222222222222:role/Middle\n"
               "source_profile = base\n",
     "credentials": "[base]\n" + KEYS.format(id="AKIABASE"),
     "env": {"AWS_PROFILE": "top"}},
    {"name": "role_arn_beats_keys_in_the_profile_asked_for",
     "credentials": "[self]\n" + KEYS.format(id="AKIASELF") +
                    "role_arn = arn:aws:iam::1:role/Self\nsource_profile = self\n",
     "profile": "self"},
    {"name": "keys_beat_role_arn_in_a_source_profile",
     "credentials": "[src]\n" + KEYS.format(id="AKIASRC") +
                    "role_arn = arn:aws:iam::1:role/Ignored\nsource_profile = src\n"
                    "[top]\nrole_arn = arn:aws:iam::2:role/Top\nsource_profile = src\n",
     "profile": "top"},
    {"name": "credential_source_environment",
     "config": "[profile r]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Environment\n",
     "env": {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"},
     "profile": "r"},
    {"name": "source_profile_loop",
     "config": "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
               "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n",
     "profile": "a"},
    {"name": "self_source_without_keys",
     "config": "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = a\n",
     "profile": "a"},
    {"name": "missing_source_profile",
     "config": "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = gone\n",
     "profile": "a"},
    {"name": "role_arn_without_source",
     "config": "[profile a]\nrole_arn = arn:aws:iam::1:role/A\n",
     "profile": "a"},
    {"name": "both_source_profile_and_credential_source",
     "config": "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
               "credential_source = Environment\n[profile b]\n" + KEYS.format(id="AKIAB"),
     "profile": "a"},
    {"name": "named_profile_missing",
     "credentials": "[default]\n" + KEYS.format(id="AKIADEFAULT"),
     "profile": "prod"},
    {"name": "key_id_without_secret",
     "credentials": "[default]\naws_access_key_id = AKIAHALF\n"},
    {"name": "environment_key_id_without_secret",
     "env": {"AWS_ACCESS_KEY_ID": "AKIAHALF"}},
    {"name": "no_credentials_anywhere", "config": "[default]\nregion = eu-west-1\n"},
    {"name": "key_before_any_section",
     "credentials": "aws_access_key_id = AKIA\n[default]\n"},
    {"name": "line_without_delimiter",
     "credentials": "[default]\n" + KEYS.format(id="AKIA") + "just words\n"},
    {"name": "repeated_section",
     "credentials": "[default]\n" + KEYS.format(id="AKIA") + "[default]\nregion = x\n"},
    {"name": "repeated_key",
     "credentials": "[default]\n" + KEYS.format(id="AKIA") + "aws_access_key_id = AKIB\n"},
    {"name": "configparser_defaults_section",
     "config": "[DEFAULT]\nregion = ap-east-1\n[profile x]\noutput = json\n",
     "credentials": "[DEFAULT]\n" + KEYS.format(id="AKIADFLT") + "region = eu-north-1\n"
                    "[x]\nregion = us-east-1\n",
     "profile": "x"},
    {"name": "configparser_defaults_section_is_no_profile",
     "credentials": "[DEFAULT]\n" + KEYS.format(id="AKIADFLT"),
     "profile": "DEFAULT"},
    # Deliberate differences.
    {"name": "environment_secret_without_key_id",
     "credentials": "[default]\n" + KEYS.format(id="AKIADEFAULT"),
     "env": {"AWS_SECRET_ACCESS_KEY": "lonely"},
     "datamesh": {"error": "InvalidArgument"},
     "why": "botocore ignores a lone AWS_SECRET_ACCESS_KEY and takes the profile; datamesh "
            "refuses it, since it is a mistake either way"},
    {"name": "default_and_profile_default",
     "config": "[default]\nregion = a\n[profile default]\nregion = b\n",
     "credentials": "[default]\n" + KEYS.format(id="AKIADEFAULT"),
     "datamesh": {"error": "InvalidArgument"},
     "why": "botocore keeps whichever section comes last; datamesh refuses the ambiguity"},
    {"name": "text_after_section_header",
     "credentials": "[default] extra\n" + KEYS.format(id="AKIADEFAULT"),
     "datamesh": {"error": "InvalidArgument"},
     "why": "configparser ignores text after ']'; datamesh refuses it (only a comment may follow)"},
]

ERROR_CODES = {
    "ProfileNotFound": "NotFound",
    "NoCredentials": "NotFound",
    "PartialCredentialsError": "InvalidArgument",
    "InfiniteLoopConfigError": "InvalidArgument",
    "InvalidConfigError": "InvalidArgument",
    "ConfigParseError": "InvalidArgument",
}


def run(case):
    home = tempfile.mkdtemp(prefix="botocore-case-")
    files = dict(case.get("files", {}))
    if "config" in case:
        files[".aws/config"] = case["config"]
    if "credentials" in case:
        files[".aws/credentials"] = case["credentials"]
    for relative, text in files.items():
        path = os.path.join(home, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as out:
            out.write(text)
    env = {name: value.replace("{home}", home) for name, value in case.get("env", {}).items()}
    calls = []

    def fake_get_credentials(fetcher):
        source = fetcher._source_credentials.get_frozen_credentials().access_key
        kwargs = fetcher._assume_role_kwargs()
        calls.append({"role_arn": kwargs["RoleArn"], "source_access_key_id": source,
                      "session_name": kwargs["RoleSessionName"]
                      if not kwargs["RoleSessionName"].startswith("botocore-session-") else ""})
        n = str(len(calls))
        return {"Credentials": {"AccessKeyId": "ASIA" + n, "SecretAccessKey": "secret-" + n,
                                "SessionToken": "token-" + n,
                                "Expiration": "2099-01-01T00:00:00Z"}}

    result = {}
    with mock.patch.dict(os.environ, dict(env, HOME=home), clear=True), \
            mock.patch.object(botocore.credentials.AssumeRoleCredentialFetcher,
                              "_get_credentials", fake_get_credentials):
        try:
            session = botocore.session.Session(profile=case.get("profile"))
            credentials = session.get_credentials()
            if credentials is None:
                result["error"] = ERROR_CODES["NoCredentials"]
            else:
                frozen = credentials.get_frozen_credentials()
                result["access_key_id"] = frozen.access_key
                result["session_token"] = frozen.token or ""
                result["region"] = session.get_config_variable("region") or ""
        except botocore.exceptions.BotoCoreError as error:
            result = {"error": ERROR_CODES[type(error).__name__]}
    result["assume_role_calls"] = calls
    out = {key: case[key] for key in ("name", "config", "credentials", "files", "env", "profile",
                                      "datamesh", "why") if key in case}
    out["botocore"] = result
    return out


def main():
    cases = [run(case) for case in CASES]
    json.dump({"botocore_version": botocore.__version__, "cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
