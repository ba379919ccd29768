#!/usr/bin/env python3
"""Produces tests/aws/data/botocore_s3_vectors.json: SigV4 signatures of S3 requests by botocore.

S3 signs its path exactly as sent: neither normalized nor encoded a second time (botocore's
S3SigV4Auth; "disableDoubleEncoding" in S3's endpoint rules). The C++ test
tests/aws/s3_signing_test.cc checks that aws::sign with UriRule::kAsSent builds the same
canonical request and Authorization header as botocore for each request here.

Requests are signed as tests/aws/tools/botocore_vectors.py signs them (frozen clock,
X-Amz-Content-SHA256 set to the body's SHA-256 beforehand), with S3SigV4Auth instead of
SigV4Auth, and only with headers aws::sign signs (host, content-type, x-amz-*).

Regenerate (needs botocore):
    python3 tests/aws/tools/botocore_s3_vectors.py > tests/aws/data/botocore_s3_vectors.json
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

ACCESS_KEY_ID = "AKIDEXAMPLE"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+example=="
TIME = datetime.datetime(2026, 11, 23, 10, 55, 16)

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "DataMeshRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::mesh-bucket/*"}]})

# Each: name, method, url, headers, body, and optionally region and token.
SPECS = [
    dict(name="create-bucket", method="PUT", url="https://s3.eu-west-1.amazonaws.com/mesh-bucket",
         region="eu-west-1", headers=[("Content-Type", "application/xml")],
         body='<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
              '<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>'),
    dict(name="put-bucket-policy-virtual-host", method="PUT",
         url="https://mesh-bucket.s3.us-east-1.amazonaws.com/?policy", token=SESSION_TOKEN,
         headers=[], body=POLICY),
    dict(name="get-bucket-policy-path-style", method="GET",
         url="http://127.0.0.1:5000/mesh-bucket?policy", headers=[], body=""),
    dict(name="delete-bucket", method="DELETE", url="http://127.0.0.1:5000/mesh-bucket",
         headers=[], body=""),
    dict(name="key-with-encoded-spaces-and-unicode", method="GET",
         url="https://mesh-bucket.s3.us-east-1.amazonaws.com/data%20files/caf%C3%A9.csv",
         headers=[], body=""),
    dict(name="key-with-dot-segments-and-double-slash", method="GET",
         url="https://mesh-bucket.s3.us-east-1.amazonaws.com/a/./b/../c//d.csv",
         headers=[], body=""),
    dict(name="key-with-encoded-slash-and-query", method="GET",
         url="https://s3.us-east-1.amazonaws.com/mesh-bucket/a%2Fb?list-type=2&prefix=a%2F",
         headers=[("X-Amz-Meta-Owner", "Sales Team")], body=""),
]


class RecordingS3SigV4Auth(botocore.auth.S3SigV4Auth):
    def canonical_request(self, request):
        self.recorded_canonical_request = super().canonical_request(request)
        return self.recorded_canonical_request


def sign(spec):
    region = spec.get("region", "us-east-1")
    token = spec.get("token", "")
    body = spec["body"].encode("utf-8")
    headers = dict(spec["headers"])
    headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    request = AWSRequest(method=spec["method"], url=spec["url"], headers=headers, data=body)
    auth = RecordingS3SigV4Auth(Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, token or None),
                                "s3", region)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=TIME):
        auth.add_auth(request)
    parts = botocore.compat.urlsplit(spec["url"])
    host = botocore.auth._host_from_url(spec["url"])
    return {
        "name": spec["name"],
        "region": region,
        "session_token": token,
        "now_unix_seconds": calendar.timegm(TIME.timetuple()),
        "method": spec["method"],
        "path": parts.path,
        "query": parts.query,
        "body": spec["body"],
        "headers_before_signing": [["Host", host]] + [list(h) for h in spec["headers"]],
        "canonical_request": auth.recorded_canonical_request,
        "authorization": request.headers["Authorization"],
    }


def main():
    document = {
        "generator": "tests/aws/tools/botocore_s3_vectors.py",
        "botocore_version": botocore.__version__,
        "access_key_id": ACCESS_KEY_ID,
        "secret_access_key": SECRET_ACCESS_KEY,
        "vectors": [sign(spec) for spec in SPECS],
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
