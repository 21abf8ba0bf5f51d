#!/usr/bin/env bash
# The NuGet consumer path: packs TransferLearning.ML and TransferLearning.ML.Torch, creates fresh
# console apps outside the repository that reference them from a local folder, restores them into an
# EMPTY package cache (so nothing cached from the repository's own build is used), and runs:
#   1. eng/consumer/Program.cs: README's quick start line for line, README's layer-transfer example,
#      save + plain Model.Load in a fresh MLContext, PredictionEngine; then the same app published
#      (dotnet publish) and run from the publish folder (the native-library fix must hold there too);
#   2. tlml train on that app's CSV, then an app compiling the consumption code tlml wrote beside the
#      model (model.Consumption.cs) and predicting with it.
# Fails if a restore, build, publish or run fails. Prints "consumer: OK" at the end.
#   eng/consumer-test.sh [work-folder]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/tlml-consumer.XXXXXX)}"
rm -rf "$work" && mkdir -p "$work"
feed="$work/feed"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
step() { echo "consumer: $*"; }

step "packing into $feed"
for project in TransferLearning.ML.Torch TransferLearning.ML; do
  dotnet pack "$root/src/$project" -c Release -o "$feed" -v q -nologo
done
ls "$feed"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
torchsharp=$(sed -n 's:.*"TorchSharp-cpu" Version="\([^"]*\)".*:\1:p' "$root/Directory.Packages.props")
dotnet build "$root/src/TransferLearning.ML.Cli" -c Release -v q -nologo
tlml="$root/src/TransferLearning.ML.Cli/bin/Release/net10.0/tlml.dll"

# An empty cache: every package, ours and their dependencies, is restored afresh.
export NUGET_PACKAGES="$work/packages"
new_app() { # folder, extra item group
  mkdir -p "$1"
  cat > "$1/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
</configuration>
XML
  cat > "$1/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <!-- What an app adds: the library, and one native TorchSharp backend (CPU here; a CUDA build on GPU machines). -->
    <PackageReference Include="TransferLearning.ML" Version="$version" />
    <PackageReference Include="TorchSharp-cpu" Version="$torchsharp" />
  </ItemGroup>
  $2
</Project>
XML
}

app="$work/app"
new_app "$app" ""
cp "$root/eng/consumer/Program.cs" "$app/Program.cs"
step "restoring, building and running $app (empty cache: $NUGET_PACKAGES)"
dotnet build "$app" -c Release -v q -nologo
(cd "$app" && dotnet bin/Release/net10.0/App.dll)
step "publishing and running from the publish folder"
dotnet publish "$app" -c Release -o "$work/publish" -v q -nologo
(mkdir -p "$work/published-run" && cd "$work/published-run" && dotnet "$work/publish/App.dll")

generated="$work/generated"
new_app "$generated" '<ItemGroup><None Include="model.zip" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>'
step "tlml train, then compiling the consumption code it wrote"
dotnet "$tlml" train --data "$app/digits.csv" --epochs 2 --output "$generated/model.zip"
cp "$root/eng/consumer/GeneratedCodeCheck.cs" "$generated/Program.cs"
dotnet build "$generated" -c Release -v q -nologo
(cd "$generated" && dotnet bin/Release/net10.0/App.dll)
step "OK"
