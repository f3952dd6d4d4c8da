#!/bin/sh
# Runs every reference/*.R script from the repository root; each writes its reference/golden/*.json.
set -e
cd "$(dirname "$0")/.."
for script in reference/*.R; do
  echo "== $script"
  Rscript "$script"
done
