#!/usr/bin/env bash
# The demo job's first steps on Spark in local[2] against the single-machine trainer, on the same data and settings.
#
#   bench/spark_local.sh [STEPS]     (default 400 steps of 16 examples)
#
# Needs trainer/target/trainer.jar and spark/target/trainer-spark.jar (mvn -q -DskipTests -pl trainer,spark -am package).
# Prints, for each, the wall time of the whole process and the session file's steps per second.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
steps="${1:-400}"
for jar in trainer/target/trainer.jar spark/target/trainer-spark.jar; do
  if [ ! -f "$jar" ]; then
    echo "bench/spark_local.sh: $jar is missing; build it first: mvn -q -DskipTests -pl trainer,spark -am package" >&2
    exit 2
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp examples/data/four_class/train.jsonl examples/data/four_class/val.jsonl "$work/"

config() { # $1 = output folder, $2 = extra YAML
  sed -e "s#data/four_class/#$work/#" -e "s#runs/four_class#$work/$1#" \
      -e "s#^  every_steps: 1458#  every_steps: $steps#" examples/train_four_class.yaml
  printf '%s\n' "$2"
}

one() { # $1 = name, $2 = jar, $3 = extra YAML
  config "$1" "$3" | awk -v steps="$steps" '{print} /^  batch_size:/ {print "  max_steps: " steps}' > "$work/$1.yaml"
  local t0 t1
  t0=$(date +%s.%N)
  java -Xmx2g -jar "$2" --config "$work/$1.yaml" > "$work/$1.log" 2>&1 || { echo "$1 failed:"; tail -20 "$work/$1.log"; exit 1; }
  t1=$(date +%s.%N)
  local sps
  sps=$(sed -n 's/.*"steps_per_second" : \([0-9.]*\).*/\1/p' "$work/$1/training_session.json")
  printf '%-28s %8.1f s wall  %8.2f steps/s  %8.0f examples/s\n' "$1" "$(echo "$t1 - $t0" | bc)" "$sps" "$(echo "$sps * 16" | bc)"
}

echo "demo job, $steps steps of 16 examples, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
one single-machine trainer/target/trainer.jar ""
one spark-local2-2x8 spark/target/trainer-spark.jar $'spark:\n  master: local[2]\n  workers: 2\n  batch_per_worker: 8'
