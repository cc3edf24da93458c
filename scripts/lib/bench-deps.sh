# shellcheck shell=bash
# What scripts/bench needs beyond scripts/lib/deps.sh. Sourced by scripts/bench.
#   bench_deps_install   the Debian packages below, only the missing ones
#
# wrk is the load, hyperfine times the CGI runs, the echo module gives the stub its 200 ms
# (echo_sleep), gcc and libfcgi-dev build the C "hello" CGI, perf and valgrind profile.

# shellcheck source=scripts/lib/deps.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"

BENCH_APT_PACKAGES=(nginx libnginx-mod-http-echo libfcgi-dev libcurl4-openssl-dev libssl-dev pkg-config
  curl openssl gcc wrk hyperfine linux-perf valgrind)

bench_deps_install() {
  # deps_install_apt installs what is missing from DEPS_APT_PACKAGES; here, the bench's list.
  # shellcheck disable=SC2034  # read by deps_missing_apt
  local DEPS_APT_PACKAGES=("${BENCH_APT_PACKAGES[@]}")
  deps_install_apt
}
