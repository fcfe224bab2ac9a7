#!/usr/bin/env bash
# Every test of the repository, on a fresh machine: installs what the tests need beyond the .NET SDK, then runs
# the whole solution. The README's test command and CI's entry point (.ci/run) both run this.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The Risk Card's browser test (RiskCardBrowserTests) renders risk-card.html in headless Chromium: Debian's package.
# AEGIS_SKIP_BROWSER_TESTS=1 skips both the install and that test (visibly).
if ! command -v chromium >/dev/null 2>&1 && [ "${AEGIS_SKIP_BROWSER_TESTS:-}" != "1" ]; then
  echo "Installing chromium (for the Risk Card browser test)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
  chromium --version
fi

# The containment tests (tests/Aegis.Containment.Tests, NginxModSecurityTests) run the generated rules in a real nginx with
# the ModSecurity module and OWASP CRS: Debian's packages. AEGIS_SKIP_NGINX_TESTS=1 skips the install, and those tests
# (visibly) only while the packages are missing; without it a missing nginx fails them.
if { [ ! -x /usr/sbin/nginx ] || [ ! -f /usr/lib/nginx/modules/ngx_http_modsecurity_module.so ] || [ ! -f /etc/modsecurity/crs/crs-setup.conf ]; } \
   && [ "${AEGIS_SKIP_NGINX_TESTS:-}" != "1" ]; then
  echo "Installing nginx, libnginx-mod-http-modsecurity and modsecurity-crs (for the containment tests)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends nginx libnginx-mod-http-modsecurity modsecurity-crs >/dev/null
  /usr/sbin/nginx -v
fi

# The service's metrics test (tests/Aegis.Service.Tests, ServiceMetricsTests) checks GET /metrics with Prometheus's own
# `promtool check metrics`: Debian's prometheus package. Under CI=true a missing promtool fails that test.
if ! command -v promtool >/dev/null 2>&1 && [ "${AEGIS_SKIP_PROMTOOL:-}" != "1" ]; then
  echo "Installing prometheus (promtool, for the service's metrics test)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  promtool --version | head -1
fi

# No filter: the tests traited Category=Slow (the 21-project parallel build in Aegis.Reliability.Tests) run here and
# in CI too; `--filter "Category!=Slow"` leaves them out of a quick local run.
# Every test assembly prints its own "Passed!/Failed!" line; the last line adds them up.
log=$(mktemp)
set +e
dotnet test Aegis.Analyzers.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
awk '/(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
       gsub(",", "");
       for (i = 1; i < NF; i++) { if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1); if ($i == "Skipped:") s += $(i + 1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
