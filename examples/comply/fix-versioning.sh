#!/bin/sh
# Remediation for s3-bucket-versioning-enabled. Gatehouse passes the resource in the environment
# (GATEHOUSE_RESOURCE_ID, GATEHOUSE_RESOURCE_TYPE, GATEHOUSE_REGION, GATEHOUSE_ACCOUNT, GATEHOUSE_SOURCE, ...).
# Against AWS this would be:
#   aws s3api put-bucket-versioning --bucket "$GATEHOUSE_RESOURCE_ID" --versioning-configuration Status=Enabled
# The example edits the configuration item file instead, which the re-evaluation then reads.
set -eu
echo "enabling versioning on $GATEHOUSE_RESOURCE_ID ($GATEHOUSE_REGION, account $GATEHOUSE_ACCOUNT)"
sed -e 's/"status": *"Suspended"/"status": "Enabled"/' -e 's/"status": *null/"status": "Enabled"/' \
    "$GATEHOUSE_SOURCE" > "$GATEHOUSE_SOURCE.tmp"
mv "$GATEHOUSE_SOURCE.tmp" "$GATEHOUSE_SOURCE"
