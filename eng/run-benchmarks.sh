#!/usr/bin/env bash
# Runs a benchmark of test/TransferLearning.ML.Benchmarks in Release and keeps its report.
#   eng/run-benchmarks.sh [foundation] [--repeats N]
#   eng/run-benchmarks.sh domain-adaptation-speed   (installs Debian's python3-torch first if it is missing)
# Reports land in artifacts/benchmarks/<name>-<date>.md (git-ignored); quote them in issue notes.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-foundation}"
mkdir -p artifacts/benchmarks
report="artifacts/benchmarks/${name}-$(date -u +%Y%m%dT%H%M%SZ).md"
if [[ "$name" == domain-adaptation-speed ]] && ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  # The PyTorch side of the speed comparison: Debian's python3-torch (1.13) with OpenBLAS instead of
  # the reference BLAS it would otherwise get. Only this benchmark needs it; CI never installs it.
  echo "installing python3-torch and OpenBLAS from Debian (about 190 MB)"
  $( [[ $(id -u) -eq 0 ]] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread
fi
dotnet build test/TransferLearning.ML.Benchmarks -c Release -nologo -v q
dotnet test/TransferLearning.ML.Benchmarks/bin/Release/net10.0/TransferLearning.ML.Benchmarks.dll "$@" | tee "$report"
echo "report: $report"
