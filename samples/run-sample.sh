#!/usr/bin/env bash
# The main job: packs Aegis.Analyzers, builds the sample shop against the package restored from a local folder feed
# (as a user's project would get it from nuget.org), and prints the Risk Card's summary and path.
# Needs only the .NET SDK. Usage: bash samples/run-sample.sh [extra dotnet build arguments, e.g. -p:AegisSandbox=repository]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== Packing Aegis.Analyzers (and, beside it, the aegis tool package Aegis.Cli)"
dotnet pack "$root/nuget/Aegis.Analyzers.Package.csproj" -c Release -nologo -v:q
version=$(dotnet msbuild "$root/nuget/Aegis.Analyzers.Package.csproj" -getProperty:Version -nologo)
feed="$root/artifacts/package/release"

# Every pack of this version replaces the last, but NuGet never refreshes a version it already extracted:
# drop our own package (and only it) from the global packages folder so the build sees this pack.
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
rm -rf "${packages%/}/aegis.analyzers/$version"

echo "== Building samples/Aegis.Sample with Aegis.Analyzers $version from $feed"
dotnet build "$root/samples/Aegis.Sample/Aegis.Sample.csproj" -nologo \
  -p:AegisPackageVersion="$version" -p:RestoreAdditionalProjectSources="$feed" "$@"

card=$(find "$root/samples/Aegis.Sample/bin" -path '*/aegis/risk-card.md' -newer "$feed/Aegis.Analyzers.$version.nupkg" | head -n 1)
if [ -z "$card" ]; then
  echo "No Risk Card was written (is AegisRiskCard false?)" >&2
  exit 1
fi
echo
echo "== Risk Card: $card (also risk-card.json and risk-card.html beside it)"
sed -n '1,60p' "$card"
