#!/bin/sh
# deploy/serve.sh PORT — the local deploy driver's command: unpacks the verified build/site.tar into
# build/deploy/$GATEHOUSE_ENVIRONMENT, renders the security groups this environment's stack would have
# (build/live-state.jar, with the environment's stack configuration) into api/security-groups.json, and
# becomes the JDK's own web server (jwebserver, from the JDK that runs Gatehouse) on 127.0.0.1:PORT.
set -eu
port=$1
env=${GATEHOUSE_ENVIRONMENT:?the pipeline sets GATEHOUSE_ENVIRONMENT}
jdk=${GATEHOUSE_JAVA_HOME:?the pipeline sets GATEHOUSE_JAVA_HOME}
dir=$(pwd)/build/deploy/$env
rm -rf "$dir" && mkdir -p "$dir/api"
tar -xf build/site.tar -C "$dir"
"$jdk/bin/java" -XX:TieredStopAtLevel=1 -jar build/live-state.jar render build/template.json "$env-stack-configuration.json" \
  > "$dir/api/security-groups.json"
exec "$jdk/bin/jwebserver" -b 127.0.0.1 -p "$port" -d "$dir" -o info
