#!/usr/bin/env bash
# Writes examples/target/classpath.txt, the class path for JShell (and for running the examples by
# hand): the examples' own classes, then every runtime dependency of the examples module, which
# includes trainguard's library jars and the ND4J CPU backend. Extra arguments go to Maven, e.g.
# -o to stay offline.
#
#   examples/jshell/classpath.sh
#   jshell --class-path "$(cat examples/target/classpath.txt)" examples/jshell/train.jsh
#
# The trainguard modules come from the local Maven repository: run `mvn install -DskipTests` from
# the repository root once, and again after changing them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

mvn -B -q "$@" -pl examples compile dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile=target/classpath-dependencies.txt

printf '%s:%s\n' "$root/examples/target/classes" "$(cat examples/target/classpath-dependencies.txt)" \
    > examples/target/classpath.txt
echo "wrote $root/examples/target/classpath.txt" >&2
