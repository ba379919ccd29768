#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ (run from anywhere; overwrites seed-*).

Seeds are small valid inputs, one per shape a parser knows, so that fuzzing starts from every
route, header form and file layout instead of having to discover them. Crash inputs that a
fuzzer found are committed beside them as crash-*/regression-* and are never overwritten here.
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, "seed-" + name), "wb") as out:
        out.write(data)


def table(name):
    return {
        "Name": name,
        "Description": "sales table " + name,
        "Owner": "sales-team",
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": "order_date", "Type": "date"}],
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint", "Comment": "key"},
                        {"Name": "amount", "Type": "decimal(12,2)"}],
            "Location": "s3://sales/" + name + "/",
            "Compressed": False,
            "NumberOfBuckets": -1,
            "SerdeInfo": {"SerializationLibrary": "parquet", "Parameters": {"a": "1"}},
            "SortColumns": [{"Column": "id", "SortOrder": 1}],
            "BucketColumns": ["id"],
        },
    }


# ---- route_body_fuzzer: "<group>/<method>@<caller>\n<body>" ----------------------------------
ROUTES = [
    ("admin/initialize-mesh-account", "admin", {"mesh_name": "mesh"}),
    ("admin/create-account", "admin", {"account_name": "ops", "account_id": "666666666666"}),
    ("admin/initialize-producer-account", "producer", {}),
    ("admin/initialize-consumer-account", "nobody", {}),
    ("admin/enable-account-as-producer", "admin", {"account_id": "555555555555"}),
    ("admin/enable-account-as-consumer", "admin", {"account_id": "555555555555"}),
    ("admin/list-accounts", "admin", {}),
    ("admin/describe-account", "admin", {"account_id": "222222222222"}),
    ("admin/create-access-key", "admin", {"account_id": "222222222222"}),
    ("admin/rotate-access-key", "admin", {"key_id": "$KEY"}),
    ("admin/revoke-access-key", "admin", {"key_id": "$KEY"}),
    ("admin/list-access-keys", "consumer", {"account_id": "222222222222"}),
    ("admin/list-audit-events", "admin", {"subscription_id": "$ACTIVE", "max_results": 2}),
    ("catalog/create-database", "producer",
     {"database_input": {"Name": "hr", "Description": "d", "LocationUri": "s3://hr/",
                         "Parameters": {"k": "v"}}}),
    ("catalog/get-database", "producer", {"name": "sales"}),
    ("catalog/get-databases", "producer", {"max_results": 1, "next_token": ""}),
    ("catalog/delete-database", "producer", {"name": "sales"}),
    ("catalog/create-table", "producer", {"database_name": "sales", "table_input": table("returns")}),
    ("catalog/update-table", "producer", {"database_name": "sales", "table_input": table("orders")}),
    ("catalog/get-table", "producer", {"database_name": "sales", "name": "orders"}),
    ("catalog/get-tables", "producer", {"database_name": "sales", "expression": "order.*"}),
    ("catalog/delete-table", "producer", {"database_name": "sales", "name": "refunds"}),
    ("catalog/import-tables", "producer",
     {"database_name": "imported", "get_tables_json": {"TableList": [table("a"), table("b")]}}),
    ("producer/create-data-products", "producer",
     {"source_database_name": "sales", "table_name_regex": "order_?.*", "domain": "sales",
      "data_product_name": "orders", "sync_mesh_catalog_schedule": "cron(0 */4 * * ? *)",
      "sync_mesh_crawler_role_arn": "arn:aws:iam::111111111111:role/crawler",
      "create_public_metadata": False, "expose_data_mesh_db_name": "sales-orders",
      "expose_table_references_with_suffix": "_ln"}),
    ("producer/list-pending-access-requests", "producer", {"max_results": 10}),
    ("producer/approve-access-request", "producer",
     {"request_id": "$PENDING", "grant_permissions": ["SELECT"], "grantable_permissions": [],
      "decision_notes": "ok"}),
    ("producer/deny-access-request", "producer", {"request_id": "$PENDING", "decision_notes": "no"}),
    ("producer/update-subscription-permissions", "producer",
     {"subscription_id": "$ACTIVE", "grant_permissions": ["SELECT", "DESCRIBE"], "notes": "less"}),
    ("producer/get-data-product", "producer", {"database_name": "sales", "table_name_regex": "o.*"}),
    ("producer/get-subscription", "producer", {"request_id": "$ACTIVE"}),
    ("producer/delete-subscription", "producer", {"subscription_id": "$ACTIVE", "reason": "done"}),
    ("producer/get-subscription-grants", "producer", {"subscription_id": "$ACTIVE"}),
    ("producer/get-subscription-history", "producer", {"subscription_id": "$ACTIVE"}),
    ("consumer/get-subscription", "consumer", {"request_id": "$PENDING"}),
    ("consumer/delete-subscription", "consumer", {"subscription_id": "$PENDING", "reason": "x"}),
    ("consumer/get-subscription-grants", "consumer", {"subscription_id": "$ACTIVE"}),
    ("consumer/get-subscription-history", "consumer",
     {"subscription_id": "$ACTIVE", "max_results": 1, "next_token": "1"}),
    ("consumer/request-access-to-product", "consumer",
     {"owner_account_id": "111111111111", "database_name": "sales-111111111111",
      "request_permissions": ["SELECT", "DESCRIBE"], "tables": ["order_items", "ref.*"]}),
    ("consumer/finalize-subscription", "consumer", {"subscription_id": "$ACTIVE"}),
    ("consumer/get-table-info", "consumer", {"database_name": "sales-111111111111",
                                             "table_name": "refunds"}),
    ("consumer/list-product-access", "consumer", {}),
    ("consumer/check-permission", "consumer",
     {"database_name": "sales-111111111111", "table_name": "refunds", "permission": "SELECT"}),
]
for route, caller, body in ROUTES:
    write("route_body_fuzzer", route.replace("/", "-"), f"{route}@{caller}\n{json.dumps(body)}")
write("route_body_fuzzer", "empty-body", "admin/list-accounts@admin\n")
# Issue 15's hostile inputs, each refused with nothing stored: duplicate keys, integers past
# their range, fields past Glue's limits, costly patterns.
write("route_body_fuzzer", "duplicate-key",
      'catalog/create-table@producer\n{"database_name": "sales", "table_input": {"Name": "t", '
      '"Name": "u"}}')
for number in ("4294967297", "9223372036854775807", "18446744073709551616"):
    write("route_body_fuzzer", f"max-results-{number}",
          f'catalog/get-tables@producer\n{{"database_name": "sales", "max_results": {number}}}')
# Each just past its limit: long seeds would make libFuzzer mutate megabytes per input.
write("route_body_fuzzer", "long-fields", "catalog/create-table@producer\n" + json.dumps(
    {"database_name": "sales",
     "table_input": {"Name": "t", "Owner": "o" * 256, "StorageDescriptor": {
         "InputFormat": "f" * 129, "Columns": [{"Name": "a"}, {"Name": "b", "Comment": "c" * 256}]}}}))
for name, pattern in (("nested", "(a+)+$"), ("repeated", "(.*a){12}$"), ("alternation", "(a|a)+$")):
    write("route_body_fuzzer", f"costly-pattern-{name}",
          "producer/create-data-products@producer\n" +
          json.dumps({"source_database_name": "sales", "table_name_regex": pattern}))
write("route_body_fuzzer", "not-json", "catalog/get-tables@producer\n{\"database_name\": ")

# ---- sigv4_fuzzer: auth, method, path, query, headers, blank line, body ----------------------
def sigv4(name, auth, headers, method="POST", path="/v1/admin/list-accounts", query="", body="{}"):
    lines = [auth, method, path, query] + [f"{k}: {v}" for k, v in headers]
    write("sigv4_fuzzer", name, "\n".join(lines) + "\n\n" + body)


AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/datamesh/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature="
        + "0" * 64)
BASE = [("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"),
        ("X-Amz-Date", "20260115T120000Z"),
        ("X-Amz-Content-Sha256", "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")]
sigv4("post", AUTH, BASE)
sigv4("get-query", AUTH.replace("content-type;", ""), BASE[:1] + BASE[2:], method="GET",
      path="/prod/data%20products/./v1/../v2//x", query="name=sales orders&Marker=a/b&limit=10&x",
      body="")
sigv4("mesh-headers",
      AUTH.replace("x-amz-date", "x-amz-date;x-datamesh-account-id;x-datamesh-mesh-account-id"),
      BASE + [("X-Datamesh-Mesh-Account-Id", "999999999999"),
              ("X-Datamesh-Account-Id", "111111111111"),
              ("X-Amz-Security-Token", "token  with   spaces ")])
sigv4("stale-date", AUTH, BASE[:2] + [("X-Amz-Date", "20150830T123600Z")] + BASE[3:])
sigv4("unsigned-payload", AUTH, BASE[:3] + [("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")])
sigv4("bad-components", "AWS4-HMAC-SHA256 Credential=a/b, Signature=zz, Extra=1", BASE)
sigv4("other-algorithm", "AWS4-HMAC-SHA512 Credential=x", BASE)
sigv4("repeated-headers", AUTH, BASE + [("x-amz-meta", " a "), ("X-AMZ-META", "b\tc")])

# ---- glue_import_fuzzer: JSON text -----------------------------------------------------------
write("glue_import_fuzzer", "get-tables",
      json.dumps({"TableList": [dict(table("orders"), DatabaseName="sales", CreateTime=1700000000,
                                     UpdateTime="2024-03-01T10:15:00+00:00", VersionId="3",
                                     IsRegisteredWithLakeFormation=False,
                                     CatalogId="111111111111"),
                                table("refunds")],
                  "NextToken": "abc"}, indent=1))
write("glue_import_fuzzer", "get-table", json.dumps({"Table": table("orders")}))
write("glue_import_fuzzer", "bare-list", json.dumps([table("a"), {"Name": "b"}]))
write("glue_import_fuzzer", "resource-link",
      json.dumps({"Name": "orders_link",
                  "TargetTable": {"CatalogId": "999999999999", "DatabaseName": "sales-1",
                                  "Name": "orders"}}))
write("glue_import_fuzzer", "database-input",
      json.dumps({"Name": "sales", "Description": "d", "LocationUri": "s3://x/",
                  "Parameters": {"k": "v"},
                  "TargetDatabase": {"CatalogId": "1", "DatabaseName": "x"}}))
write("glue_import_fuzzer", "wrong-types", '{"TableList": [{"Name": 5, "Retention": 1e99}]}')
write("glue_import_fuzzer", "duplicate-key", '{"TableList": [{"Name": "a", "Name": "b"}]}')
write("glue_import_fuzzer", "retention-wraps", '{"TableList": [{"Name": "a", "Retention": 4294967297}]}')

# ---- pattern_fuzzer: pattern NUL subject -----------------------------------------------------
for i, (pattern, subject) in enumerate([
        ("order.*", "order_items"), ("^sales_.*(orders|items)$", "sales_eu_orders"),
        ("(?=.*_pii_)sales_\\w+", "sales_pii_x"), ("(?<=s)a", "sa"), ("(?P<d>\\w+)_(?P=d)", "a_a"),
        ("(?i)SALES\\Z", "sales"), ("[]{,3}]+", "]{,3}"), ("\\u00e9+\\U0001F600?", "é"),
        ("^(a+)+$", "a" * 26 + "!"), ("(a|aa)*b", "a" * 40), ("x{,3}", "xx"), ("orders", None),
        ("\\d{2,}[[:alpha:]]", "12a"), ("(?:a(?:b(?:c)*)*)*", "abcabc" * 5)]):
    write("pattern_fuzzer", f"{i:02d}", pattern if subject is None else pattern + "\0" + subject)

# ---- cron_fuzzer -----------------------------------------------------------------------------
for i, cron in enumerate([
        "cron(0 */4 * * ? *)", "cron(15 10 ? * 6L 2022-2023)", "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(0 12 L * ? *)", "cron(0 12 15W * ? *)", "cron(0 9 ? * 2#1 *)", "cron(0 0 LW * ? *)",
        "cron(1,2,3 1 1 JAN,feb ? 1970/10)", "rate(5 minutes)", "cron(0 0 * * * *)",
        "cron(0 0 ? * ? *)", "cron(60 0 * * ? *)", "cron(0 0 1-31/2 1-12 ? 2199)"]):
    write("cron_fuzzer", f"{i:02d}", cron)

# ---- credentials_fuzzer: byte 0 even = JSON file, odd = INI profile --------------------------
creds = {"AccountId": "111111111111", "AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "$SECRET"}
write("credentials_fuzzer", "json-one", b"\0" + json.dumps(creds).encode())
write("credentials_fuzzer", "json-blocks",
      b"\0" + json.dumps({"Mesh": creds, "Producer": dict(creds, SessionToken="t"),
                          "Consumer": {"AccessKeyId": "AKIA2", "SecretAccessKey": "$SECRET"},
                          "Region": "us-east-1"}, indent=2).encode())
write("credentials_fuzzer", "json-wrong-type",
      b"\0" + b'{"AccessKeyId": 5, "SecretAccessKey": "$SECRET"}')
write("credentials_fuzzer", "json-no-block", b"\0" + b'{"Consumer": {"SecretAccessKey": "$SECRET"}}')
write("credentials_fuzzer", "json-duplicate-key",
      b'\0{"AccessKeyId": "a", "SecretAccessKey": "$SECRET", "SecretAccessKey": "$SECRET"}')
write("credentials_fuzzer", "ini",
      b"\1# datamesh credentials\n[other]\naccess_key_id = X\n\n[default]\n"
      b"access_key_id = AKIAEXAMPLE\nsecret_access_key = $SECRET\naccount_id=111111111111\n"
      b"region = us-east-1\n; endpoint = http://127.0.0.1:8080\n")
write("credentials_fuzzer", "ini-unknown-key", b"\1[default]\nsecret = $SECRET\n")
write("credentials_fuzzer", "ini-no-equals", b"\1[ default ]\r\nsecret_access_key $SECRET\r\n")

# ---- aws_credentials_fuzzer: byte 0 even = AWS shared file (INI), odd = original's JSON file --
write("aws_credentials_fuzzer", "ini-credentials",
      b"\0# ~/.aws/credentials\n[default]\naws_access_key_id = AKIAEXAMPLE\n"
      b"aws_secret_access_key = $SECRET\naws_session_token = $SECRET$SECRET\n\n"
      b"[dev]\r\naws_access_key_id: AKIADEV\r\naws_secret_access_key: $SECRET\r\n")
write("aws_credentials_fuzzer", "ini-config",
      b"\0[default]\nregion = eu-west-1\n[profile dev]\nrole_arn = arn:aws:iam::1:role/R\n"
      b"source_profile = default\ns3 =\n  addressing_style = path\n"
      b"[profile \"quoted name\"]\nregion = us-east-1 ; kept\n[sso-session corp]\nx = 1\n")
write("aws_credentials_fuzzer", "ini-repeats",
      b"\0[default]\naws_secret_access_key = $SECRET\n[profile default]\nk = v\n[default]\n")
write("aws_credentials_fuzzer", "ini-no-delimiter", b"\0[default]\n$SECRET\n")
write("aws_credentials_fuzzer", "json-blocks",
      b"\1" + json.dumps({"AWS_REGION": "eu-west-1", "Mesh": creds,
                          "Producer": dict(creds, SessionToken="$SECRET"),
                          "Consumer": {"AccessKeyId": "AKIA2"}}, indent=2).encode())
write("aws_credentials_fuzzer", "json-one", b"\1" + json.dumps(creds).encode())
write("aws_credentials_fuzzer", "json-malformed",
      b'\1{"Producer": {"AccessKeyId": "A", "SecretAccessKey": $SECRET}}')
