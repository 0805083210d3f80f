#!/bin/sh
# The demo's build: packs the static site (site/) into build/site.tar, the artifact the pipeline hashes, signs
# and deploys, and compiles the demo's stand-in for the cloud API (tools/LiveState.java) into
# build/live-state.jar, which the deploy and validate steps run. .build-info (the commit the site was built
# from) goes into the site too: internal to the deployment, it must never be served, which a probe checks.
set -eu
jdk=${GATEHOUSE_JAVA_HOME:?the pipeline sets GATEHOUSE_JAVA_HOME}
rm -rf build/site build/classes && mkdir -p build/site build/classes
cp -R site/. build/site/
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
printf 'commit %s\nrun %s\n' "$commit" "${GATEHOUSE_RUN_ID:-none}" > build/site/.build-info
sed "s/@COMMIT@/$commit/" site/index.html > build/site/index.html
tar -cf build/site.tar -C build/site .
fast="-J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC"   # a one-shot compile: C1 alone finishes sooner
"$jdk/bin/javac" $fast -d build/classes tools/LiveState.java
"$jdk/bin/jar" $fast --create --file build/live-state.jar --main-class LiveState -C build/classes .
echo "built build/site.tar and build/live-state.jar from commit $commit"
