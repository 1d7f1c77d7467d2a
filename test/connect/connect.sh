#!/bin/bash
#
# connect.sh: Kafka Connect's real JsonConverter, for walcast's tests.
#
#   connect.sh fetch         build walcast.ConnectCheck (src/main/java) and copy
#                            it with connect-json's runtime closure into
#                            lib-<version>/ (once, as the user whose ~/.m2 may
#                            be written; CI: root).  Offline when ~/.m2 is warm.
#   connect.sh check FILE... convert every key and value of the records in
#                            FILE... with JsonConverter (schemas.enable=true);
#                            exit 1 listing those it rejects (see the source)
#
# Environment:
#   CONNECT_VERSION   Kafka Connect version, default 4.3.1 (the benchmark's)
#   CONNECT_LIB_DIR   jar folder, default <this dir>/lib-$CONNECT_VERSION
#   JAVA              java binary, default $JAVA_HOME/bin/java or java

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONNECT_VERSION=${CONNECT_VERSION:-4.3.1}
CONNECT_LIB_DIR=${CONNECT_LIB_DIR:-$here/lib-$CONNECT_VERSION}
if [ -z "${JAVA:-}" ]; then
	if [ -n "${JAVA_HOME:-}" ]; then JAVA=$JAVA_HOME/bin/java; else JAVA=java; fi
fi

die()
{
	echo "connect.sh: $*" >&2
	exit 2
}

usage()
{
	sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

built()
{
	[ -r "$CONNECT_LIB_DIR/walcast-connect-check.jar" ] &&
		[ -r "$CONNECT_LIB_DIR/connect-json-$CONNECT_VERSION.jar" ] &&
		[ "$CONNECT_LIB_DIR/walcast-connect-check.jar" -nt "$here/src/main/java/walcast/ConnectCheck.java" ]
}

cmd_fetch()
{
	built && return 0
	command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
	# Offline first, so a warm ~/.m2 needs no network; its failure is noise.
	(cd "$here" && { mvn -B -q -o -Dconnect.version="$CONNECT_VERSION" -Dlibdir="$CONNECT_LIB_DIR" package >/dev/null 2>&1 ||
		mvn -B -q -Dconnect.version="$CONNECT_VERSION" -Dlibdir="$CONNECT_LIB_DIR" package; }) ||
		die "could not build the JsonConverter check with Maven (Kafka Connect $CONNECT_VERSION)"
	built || die "Maven ran but $CONNECT_LIB_DIR has no walcast-connect-check.jar"
	chmod -R a+rX "$CONNECT_LIB_DIR"
	rm -rf "$here/target"
}

cmd_check()
{
	[ $# -ge 1 ] || usage
	built || die "no JsonConverter check in $CONNECT_LIB_DIR; run \"$here/connect.sh fetch\" first (as root in CI)"
	exec "$JAVA" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
		-cp "$CONNECT_LIB_DIR/*" walcast.ConnectCheck "$@"
}

[ $# -ge 1 ] || usage
sub=$1
shift
case $sub in
fetch) cmd_fetch "$@" ;;
check) cmd_check "$@" ;;
*) usage ;;
esac
