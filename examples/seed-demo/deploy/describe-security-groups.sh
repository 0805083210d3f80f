#!/bin/sh
# deploy/describe-security-groups.sh BASE-URL — the validate step's live command: the deployment's security
# groups as `aws ec2 describe-security-groups --output json` prints them, read from the running deployment.
# Against a real stack this would be: aws ec2 describe-security-groups --filters
#   Name=tag:aws:cloudformation:stack-name,Values=STACK --output json
set -eu
exec "${GATEHOUSE_JAVA_HOME:?the pipeline sets GATEHOUSE_JAVA_HOME}/bin/java" -XX:TieredStopAtLevel=1 \
  -jar build/live-state.jar fetch "$1/api/security-groups.json"
