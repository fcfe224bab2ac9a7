#!/usr/bin/env bash
# Measures what the Risk Card adds to a build of the sample shop with the packed Aegis.Analyzers:
#   1. file mode: warm `dotnet build` with AegisRiskCard=false vs true (AegisSandbox=file), 3 runs each, median;
#      a source file is touched before every run, so each build compiles and each card build really runs the engine.
#   2. repository mode (AegisSandbox=repository) vs the sample's own `dotnet build` + `dotnet test`, 3 runs each.
# Same setup as tests/Aegis.Package.Tests (SampleRiskCardTests): a temp git repository with a copy of the sample,
# the package from a local folder feed, a private packages folder. No build servers are left behind
# (-nodeReuse:false, UseSharedCompilation=false), so every build starts its compiler cold: the *difference* between
# the columns is the engine's added time. Load averages are printed before and after: on a shared machine the
# seconds mean little without them. Usage: bash tests/Aegis.Package.Tests/measure-engine-overhead.sh [runs] [pack
# arguments, e.g. -p:AegisReadyToRun=false for an IL-only engine]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
shift || true
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime; }
load_before=$(load)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
unset CI TF_BUILD ContinuousIntegrationBuild || true

echo "== Packing Aegis.Analyzers" >&2
dotnet pack "$root/nuget/Aegis.Analyzers.Package.csproj" -c Release -nologo -v:q "$@" >&2
version=$(dotnet msbuild "$root/nuget/Aegis.Analyzers.Package.csproj" -getProperty:Version -nologo)

work=$(mktemp -d /tmp/aegis-measure-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/feed" "$work/repo"
cp "$root/artifacts/package/release/Aegis.Analyzers.$version.nupkg" "$work/feed/"
export NUGET_PACKAGES="$work/packages"
repo="$work/repo"
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props Aegis.Sample.sln; do cp "$root/samples/$f" "$repo/"; done
for d in Aegis.Sample Aegis.Sample.Tests; do
  (cd "$root/samples" && find "$d" -type f -not -path '*/bin/*' -not -path '*/obj/*' -not -name '*.db') | while read -r f; do
    mkdir -p "$repo/$(dirname "$f")"; cp "$root/samples/$f" "$repo/$f"
  done
done
sed -i "s#</Project>#  <PropertyGroup><AegisPackageVersion>$version</AegisPackageVersion></PropertyGroup>\n</Project>#" "$repo/Directory.Build.props"
cat > "$repo/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="$work/packages" /></config>
  <packageSources>
    <clear />
    <add key="aegis-local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
</configuration>
EOF
printf 'bin/\nobj/\n*.db\nTestResults/\n' > "$repo/.gitignore"
cd "$repo"
git init -q -b main . && git add -A && git -c user.name=measure -c user.email=measure@aegis.invalid -c commit.gpgsign=false commit -qm sample

build=(dotnet build Aegis.Sample/Aegis.Sample.csproj -nologo -v:m -tl:off -nodeReuse:false -p:UseSharedCompilation=false)
echo "== Warm-up (restore, first build)" >&2
"${build[@]}" -p:AegisRiskCard=false >/dev/null
dotnet build Aegis.Sample.Tests/Aegis.Sample.Tests.csproj -nologo -v:q -nodeReuse:false -p:UseSharedCompilation=false -p:AegisRiskCard=false >/dev/null

# seconds (3 decimals) of one command; its output goes to $work/last.log
timed() {
  local start end
  touch Aegis.Sample/Program.cs
  start=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || true
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }'
}
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
engine_ran() { grep -q "Aegis Risk Card: " "$work/last.log" || { echo "the engine did not run:" >&2; tail -n 30 "$work/last.log" >&2; exit 1; }; }

off=() on=() repo_mode=() own=()
for i in $(seq "$runs"); do
  off+=("$(timed "${build[@]}" -p:AegisRiskCard=false)")
  on+=("$(timed "${build[@]}" -p:AegisRiskCard=true -p:AegisSandbox=file)"); engine_ran
  echo "   file mode run $i: card off ${off[-1]} s, card on ${on[-1]} s" >&2
done
for i in $(seq "$runs"); do
  repo_mode+=("$(timed "${build[@]}" -p:AegisRiskCard=true -p:AegisSandbox=repository)"); engine_ran
  own+=("$(timed sh -c "${build[*]} -p:AegisRiskCard=false && dotnet test Aegis.Sample.Tests/Aegis.Sample.Tests.csproj -nologo -v:q -nodeReuse:false -p:UseSharedCompilation=false -p:AegisRiskCard=false")")
  echo "   repository mode run $i: card build ${repo_mode[-1]} s, own build + test ${own[-1]} s" >&2
done

m_off=$(median "${off[@]}"); m_on=$(median "${on[@]}"); m_repo=$(median "${repo_mode[@]}"); m_own=$(median "${own[@]}")
echo
echo "Aegis.Analyzers $version on samples/Aegis.Sample ($runs runs each, median; $(nproc) cores; load average $load_before at the start, $(load) at the end)"
printf '  %-58s %8s s   (%s)\n' "dotnet build, AegisRiskCard=false" "$m_off" "${off[*]}"
printf '  %-58s %8s s   (%s)\n' "dotnet build, AegisRiskCard=true, AegisSandbox=file" "$m_on" "${on[*]}"
printf '  %-58s %8s s\n' "  engine's added time (file mode)" "$(awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "%.3f", a - b }')"
printf '  %-58s %8s s   (%s)\n' "dotnet build, AegisSandbox=repository" "$m_repo" "${repo_mode[*]}"
printf '  %-58s %8s s   (%s)\n' "the sample's own dotnet build + dotnet test (card off)" "$m_own" "${own[*]}"
