#!/usr/bin/env bash
# Runs one of the benchmarks against the built trainer.
#
#   bench/run.sh agnews [options]       accuracy and speed against fastText on AG News
#   bench/run.sh checkpoint [options]   checkpoint cost and session overhead
#   bench/run.sh steptime [options]     median training step: plain loop, session, idle ND4J thread
#   bench/run.sh serve [options]        trainer serve: requests/s and latency percentiles per number of clients
#   bench/run.sh demo [options]         the demo job end to end, dense against sparse embedding
#
# Options are the benchmark's own (--help lists them). Needs trainer/target/trainer.jar
# (build: mvn -o -q install -DskipTests) and, for agnews, Debian's fasttext.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

which="${1:-}"
case "$which" in
  agnews) main=org.trainguard.bench.AgNewsBenchmark ;;
  checkpoint) main=org.trainguard.bench.CheckpointBenchmark ;;
  steptime) main=org.trainguard.bench.StepTimeBenchmark ;;
  serve) main=org.trainguard.bench.ServeBenchmark ;;
  demo) main=org.trainguard.bench.DemoJobBenchmark ;;
  *) echo "usage: bench/run.sh agnews|checkpoint|steptime|serve|demo [options]" >&2; exit 2 ;;
esac
shift

jar=trainer/target/trainer.jar
if [ ! -f "$jar" ]; then
  echo "bench/run.sh: $jar is missing; build it first: mvn -o -q install -DskipTests" >&2
  exit 2
fi
if [ "$which" = agnews ] && ! printf '%s\n' "$@" | grep -q -- '^--fasttext$' && ! command -v fasttext >/dev/null; then
  echo "bench/run.sh: fastText is not installed; install it with: apt-get install -y fasttext" >&2
  echo "  (or pass --fasttext /path/to/fasttext)" >&2
  exit 2
fi

mvn -o -q -B -pl bench compile
# The 16M-parameter network, its copy for the background writer and DL4J's serializer need about 1 GiB.
exec java -Xmx2g -cp "bench/target/classes:$jar" "$main" "$@"
