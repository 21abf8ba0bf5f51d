#!/usr/bin/env bash
# Runs a benchmark of test/TransferLearning.ML.Benchmarks in Release and keeps its report.
#   eng/run-benchmarks.sh [foundation] [--repeats N]
# Reports land in artifacts/benchmarks/<name>-<date>.md (git-ignored); quote them in issue notes.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-foundation}"
mkdir -p artifacts/benchmarks
report="artifacts/benchmarks/${name}-$(date -u +%Y%m%dT%H%M%SZ).md"
dotnet build test/TransferLearning.ML.Benchmarks -c Release -nologo -v q
dotnet test/TransferLearning.ML.Benchmarks/bin/Release/net10.0/TransferLearning.ML.Benchmarks.dll "$@" | tee "$report"
echo "report: $report"
