#!/usr/bin/env python3
"""Produces tests/aws/data/botocore_vectors.json: SigV4 signatures made by botocore.

botocore is an independent SigV4 signer (the one in boto3 and the AWS CLI). The C++ test
tests/aws/botocore_vectors_test.cc reads the JSON and checks, for every request here, that
datamesh's signer builds the same canonical request, string to sign and signature, that
`aws::verify` accepts the botocore-signed request, and, where botocore signed exactly the headers
`aws::sign` signs, that `aws::sign` writes the same Authorization header.

How the requests are signed, as botocore signs a real client's request:
  * botocore.auth.SigV4Auth.add_auth on an AWSRequest whose URL already carries the query string
    percent-encoded by botocore.utils.percent_encode_sequence, which is how botocore's own
    serializers build it (add_auth takes a URL's query as already encoded);
  * paths are given percent-encoded, as they go on the wire;
  * the clock is frozen by patching botocore.auth.get_current_datetime with unittest.mock;
  * X-Amz-Content-SHA256 is set to the body's SHA-256 before signing, as aws::sign does
    (botocore then signs that header and uses it as the payload hash).

Regenerate (needs botocore; the image's `python3` has 1.43, Debian's is python3-botocore):
    python3 tests/aws/tools/botocore_vectors.py > tests/aws/data/botocore_vectors.json
The output is deterministic: rerunning with the same botocore gives the same file.
"""

import calendar
import datetime
import hashlib
import json
import sys
from unittest import mock

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode_sequence

ACCESS_KEY_ID = "AKIDEXAMPLE"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+example=="
DEFAULT_TIME = datetime.datetime(2026, 11, 23, 10, 55, 16)


class RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """SigV4Auth that keeps the canonical request and string to sign it computed."""

    def canonical_request(self, request):
        self.recorded_canonical_request = super().canonical_request(request)
        return self.recorded_canonical_request

    def string_to_sign(self, request, canonical_request):
        self.recorded_string_to_sign = super().string_to_sign(request, canonical_request)
        return self.recorded_string_to_sign


def query(pairs):
    return percent_encode_sequence(pairs)


# Each: name, method, url, headers (in order), body, and optionally region, service, token, time.
SPECS = [
    dict(name="get-root", method="GET", url="http://127.0.0.1:18090/", headers=[], body=""),
    dict(name="get-path-port", method="GET", url="http://localhost:8443/v1/data-products",
         headers=[], body=""),
    dict(name="get-default-port-dropped", method="GET",
         url="http://datamesh.internal:80/v1/databases", headers=[], body=""),
    dict(name="get-explicit-host-header", method="GET", url="http://10.0.0.7:9000/v1/shares",
         headers=[("Host", "datamesh.example.com:9000")], body=""),
    dict(name="path-encoded-spaces", method="GET",
         url="http://127.0.0.1:18090/v1/data%20products/sales%20orders", headers=[], body=""),
    dict(name="path-encoded-unicode", method="GET",
         url="http://127.0.0.1:18090/v1/products/%E2%82%AC%C3%A9t%C3%A9", headers=[], body=""),
    dict(name="path-dot-segments-and-double-slashes", method="GET",
         url="http://127.0.0.1:18090/v1/./products/../products//sales/", headers=[], body=""),
    dict(name="path-raw-colons", method="GET",
         url="http://127.0.0.1:18090/v1/arn:aws:glue:us-east-1:111122223333:table/sales/orders",
         headers=[], body=""),
    dict(name="path-encoded-slash-plus-tilde", method="GET",
         url="http://127.0.0.1:18090/v1/tables/sales%2Forders+2024~draft", headers=[], body=""),
    dict(name="query-unsorted-repeated-keys", method="GET",
         url="http://127.0.0.1:18090/v1/tables?" + query(
             [("tag", "b"), ("tag", "a"), ("Limit", "10"), ("after", "x")]),
         headers=[], body=""),
    dict(name="query-spaces-and-slashes", method="GET",
         url="http://127.0.0.1:18090/v1/tables?" + query(
             [("name", "sales orders"), ("Marker", "a/b"), ("limit", "10")]),
         headers=[], body=""),
    dict(name="query-key-without-value", method="GET",
         url="http://127.0.0.1:18090/v1/tables?versions&prefix=&a=1", headers=[], body=""),
    dict(name="query-unicode", method="GET",
         url="http://127.0.0.1:18090/v1/search?" + query([("q", "\u1234"), ("\u00e9", "1")]),
         headers=[], body=""),
    dict(name="query-sorted-by-name-then-value", method="GET",
         url="http://127.0.0.1:18090/v1/search?b=2&B=1&a-b=3&a=4&a=3", headers=[], body=""),
    dict(name="post-json-body", method="POST", url="http://127.0.0.1:18090/v1/grants",
         headers=[("Content-Type", "application/json")],
         body=json.dumps({"principal": "arn:aws:iam::111122223333:role/analyst",
                          "table": {"database": "sales", "name": "orders"},
                          "permissions": ["SELECT"]})),
    dict(name="post-aws-json-target", method="POST", url="http://127.0.0.1:18090/",
         headers=[("X-Amz-Target", "Datamesh_20261123.GetTable"),
                  ("Content-Type", "application/x-amz-json-1.1")],
         body=json.dumps({"DatabaseName": "sales", "Name": "orders"})),
    dict(name="post-json-unicode-body", method="POST",
         url="http://127.0.0.1:18090/v1/data-products",
         headers=[("Content-Type", "application/json; charset=utf-8")],
         body=json.dumps({"name": "caf\u00e9", "owner": "\u5f20\u4e09"}, ensure_ascii=False)),
    dict(name="put-with-session-token", method="PUT",
         url="http://127.0.0.1:18090/v1/subscriptions/7xK2", token=SESSION_TOKEN,
         headers=[("Content-Type", "application/json")], body='{"status": "Active"}'),
    dict(name="delete-with-session-token-and-query", method="DELETE",
         url="http://127.0.0.1:18090/v1/shares/s-1?" + query([("force", "true")]),
         token=SESSION_TOKEN, headers=[], body=""),
    dict(name="header-whitespace", method="GET", url="http://127.0.0.1:18090/v1/audit",
         headers=[("X-Amz-Meta-Note", "  padded   value\twith \t tabs  "),
                  ("X-Amz-Meta-Empty", ""), ("X-Amz-Meta-Quoted", '"a   b   c"')],
         body=""),
    dict(name="header-name-case", method="POST", url="http://127.0.0.1:18090/v1/notes",
         headers=[("X-AMZ-META-Owner", "Sales Team"), ("content-TYPE", "text/plain")],
         body="hello\n"),
    dict(name="headers-outside-the-sign-rule", method="GET",
         url="http://127.0.0.1:18090/v1/catalog",
         headers=[("Accept", "application/json"), ("My-Header1", "value1")], body=""),
    dict(name="other-region-and-service", method="GET",
         url="https://abc123.execute-api.eu-west-1.amazonaws.com/prod/data%20products/v1?" + query(
             [("name", "sales orders"), ("Marker", "a/b"), ("limit", "10")]),
         region="eu-west-1", service="execute-api", token=SESSION_TOKEN, headers=[], body=""),
    dict(name="last-second-of-a-year", method="GET", url="http://127.0.0.1:18090/v1/health",
         time=datetime.datetime(2025, 12, 31, 23, 59, 59), headers=[], body=""),
]

# The headers aws::sign signs: host, content-type and every x-amz-* header.
def in_sign_rule(name):
    return name in ("host", "content-type") or name.startswith("x-amz-")


def sign(spec):
    region = spec.get("region", "us-east-1")
    service = spec.get("service", "datamesh")
    token = spec.get("token", "")
    when = spec.get("time", DEFAULT_TIME)
    body = spec["body"].encode("utf-8")
    headers = dict(spec["headers"])
    headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    request = AWSRequest(method=spec["method"], url=spec["url"], headers=headers, data=body)
    auth = RecordingSigV4Auth(Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, token or None),
                              service, region)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
        auth.add_auth(request)

    authorization = request.headers["Authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    parts = botocore.compat.urlsplit(spec["url"])
    host = [v for k, v in spec["headers"] if k.lower() == "host"]
    host = host[0] if host else botocore.auth._host_from_url(spec["url"])
    # The request as the C++ signer receives it: a Host header first, then the caller's headers.
    unsigned_headers = [("Host", host)] + [(k, v) for k, v in spec["headers"]
                                           if k.lower() != "host"]
    # The request as it goes on the wire: botocore's headers after signing, with the Host and
    # Content-Length headers an HTTP client adds (Content-Length is not signed).
    prepared = request.prepare()
    sent_headers = [("Host", host)] + [(k, v) for k, v in prepared.headers.items()
                                       if k.lower() != "host"]
    return {
        "name": spec["name"],
        "region": region,
        "service": service,
        "session_token": token,
        "amz_date": request.context["timestamp"],
        "now_unix_seconds": calendar.timegm(when.timetuple()),
        "method": spec["method"],
        "path": parts.path,
        "query": parts.query,
        "body": spec["body"],
        "headers_before_signing": [list(h) for h in unsigned_headers],
        "headers_as_sent": [list(h) for h in sent_headers],
        "canonical_request": auth.recorded_canonical_request,
        "string_to_sign": auth.recorded_string_to_sign,
        "authorization": authorization,
        "signed_by_the_sign_rule": all(in_sign_rule(h) for h in signed),
    }


def main():
    vectors = [sign(spec) for spec in SPECS]
    document = {
        "generator": "tests/aws/tools/botocore_vectors.py",
        "botocore_version": botocore.__version__,
        "access_key_id": ACCESS_KEY_ID,
        "secret_access_key": SECRET_ACCESS_KEY,
        "vectors": vectors,
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
