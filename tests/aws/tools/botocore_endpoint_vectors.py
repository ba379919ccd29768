#!/usr/bin/env python3
"""Produces tests/aws/data/botocore_endpoint_vectors.json: the endpoints botocore's rule engine
resolves, from each service's endpoint-rule-set-1.json and partitions.json, for every region
botocore knows and a few it does not (which fall back to a partition by regex, or to `aws`).

The C++ test tests/aws/endpoints_test.cc checks that aws::resolve_endpoint gives the same URL,
signing name and signing region for each (service, region) here, and for S3 the same URL for a
bucket addressed virtual-host style or path style. Only what datamesh uses is asked: no FIPS, no
dual-stack, no custom endpoint (AWS_ENDPOINT_URL* is tested on its own), STS regional.

Regenerate (needs botocore):
    python3 tests/aws/tools/botocore_endpoint_vectors.py > tests/aws/data/botocore_endpoint_vectors.json
"""

import json
import sys

import botocore
import botocore.session
from botocore.regions import EndpointRulesetResolver

SERVICES = ["glue", "lakeformation", "ram", "dynamodb", "iam", "sts", "s3"]
UNKNOWN_REGIONS = ["us-west-42", "cn-south-9", "us-gov-central-3", "xx-made-up-1"]
BUCKETS = ["mesh-bucket", "mesh.dotted.bucket", "Mesh_Upper"]


def main():
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    partitions = loader.load_data("partitions")
    regions = sorted({r for p in partitions["partitions"] for r in p["regions"]})
    regions += UNKNOWN_REGIONS
    vectors = []
    for service in SERVICES:
        rules = loader.load_service_model(service, "endpoint-rule-set-1")
        resolver = EndpointRulesetResolver(rules, partitions, None, None, None, None)
        for region in regions:
            for bucket in (BUCKETS if service == "s3" else [None]):
                params = {"Region": region, "UseFIPS": False, "UseDualStack": False}
                if service == "sts":
                    params["UseGlobalEndpoint"] = False
                if service == "s3":
                    params.update({"Bucket": bucket, "ForcePathStyle": False,
                                   "UseGlobalEndpoint": False})
                try:
                    endpoint = resolver._provider.resolve_endpoint(**params)
                except Exception as error:  # noqa: BLE001 - recorded as the expected outcome
                    vectors.append({"service": service, "region": region, "bucket": bucket,
                                    "error": str(error)})
                    continue
                scheme = (endpoint.properties.get("authSchemes") or [{}])[0]
                vectors.append({
                    "service": service,
                    "region": region,
                    "bucket": bucket,
                    "url": endpoint.url,
                    "signing_name": scheme.get("signingName", rules_signing_name(service)),
                    "signing_region": scheme.get("signingRegion", region),
                })
    document = {
        "generator": "tests/aws/tools/botocore_endpoint_vectors.py",
        "botocore_version": botocore.__version__,
        "vectors": vectors,
    }
    json.dump(document, sys.stdout, indent=1)
    sys.stdout.write("\n")


def rules_signing_name(service):
    # Without an authSchemes property botocore signs with the service model's signing name,
    # which for these services is the endpoint prefix.
    return service


if __name__ == "__main__":
    main()
