# shellcheck shell=bash
# The local stack: ekyc-sandbox, ekyc-start and ekyc-callback on unix sockets behind one nginx,
# the webhook deliverer (ekyc-start deliver) and the demo shop's webhook receiver, all inside one
# RUN_DIR. Sourced by scripts/demo and scripts/test.
#
#   stack_prepare ROOT RUN_DIR          render configs, TLS material, secret file, site into RUN_DIR
#   stack_start RUN_DIR BIN_DIR         start the three binaries, nginx, the receiver and the
#                                       deliverer, wait until they answer
#   stack_stop RUN_DIR                  stop what stack_start started, by its recorded PIDs
#
# Ports (127.0.0.1 only): EKYC_SITE_PORT (merchant site, 8080), EKYC_API_PORT (sandbox API over
# TLS, 8443), EKYC_PAGE_PORT (sandbox eKYC page, 8081), EKYC_WEBHOOK_PORT (the demo shop's
# webhook receiver, 8083; its page is also the site's /webhooks/).
#
# When run as root, nginx's workers run as `nobody`: everything they read (site files, sockets)
# lives in RUN_DIR, which is world-traversable, and the sockets are mode 0666.

# shellcheck source=scripts/lib/certs.sh
source "$(dirname "${BASH_SOURCE[0]}")/certs.sh"
# shellcheck source=scripts/lib/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
# shellcheck source=scripts/lib/render.sh
source "$(dirname "${BASH_SOURCE[0]}")/render.sh"

: "${EKYC_SITE_PORT:=8080}"
: "${EKYC_API_PORT:=8443}"
: "${EKYC_PAGE_PORT:=8081}"
: "${EKYC_WEBHOOK_PORT:=8083}"

# The demo's API key pair. It means nothing outside the sandbox, which accepts only this pair.
STACK_SECRET_ID=AKIDekycGateDemo0000000000000000demo
STACK_SECRET_KEY=ekycGateDemoSecretKey00000000000
# The key the demo merchant app would sign start links with (see README, "Signed start links").
STACK_LINK_KEY=ekycGateDemoLinkKey0000000000000000000000000000
# The key webhooks are signed with; the demo receiver reads it from the same secret file.
STACK_WEBHOOK_KEY=ekycGateDemoWebhookKey000000000000000000000000

# service name -> binary; each listens on RUN_DIR/<name>.sock and logs to RUN_DIR/logs/<name>.log.
STACK_SERVICES=(sandbox start callback)
# Started after nginx, without a socket: the demo shop's webhook receiver and the deliverer that
# posts to it. Each logs to RUN_DIR/logs/<name>.log.
STACK_WORKERS=(webhook-receiver deliver)
STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

stack_binary() { echo "ekyc-$1"; }
stack_config() { if [ "$1" = sandbox ]; then echo sandbox.conf; else echo ekyc.conf; fi; }

stack_nginx() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# stack_render TEMPLATE OUT NAME=VALUE... : render_template (render.sh), the name the stack's
# callers use.
stack_render() { render_template "$@"; }

# stack_unmetered_config : config lines that turn off the API budget and every fair share, for
# stacks whose clients all come from one address and whose load is the point (the test suite's
# shared stack, the bench). Tests of the limits start handlers of their own with the defaults.
stack_unmetered_config() {
  local key
  for key in api_budget limit_start_per_link limit_start_per_session limit_start_per_address \
    limit_read_per_session limit_read_per_link limit_read_per_address; do
    echo "$key = off"
  done
}

stack_prepare() {
  local root=$1 run=$2
  mkdir -p "$run"/{logs,pids,tmp,site}
  chmod 755 "$run" "$run/site"

  certs_generate "$run/tls"

  # The sandbox keeps its tokens in memory; a fresh sandbox gets a fresh token store.
  rm -rf "$run/tokens"
  mkdir -m 700 "$run/tokens"

  (
    umask 077
    printf '# Demo credentials (sandbox only).\nsecret_id = %s\nsecret_key = %s\nlink_key = %s\nwebhook_key = %s\n' \
      "$STACK_SECRET_ID" "$STACK_SECRET_KEY" "$STACK_LINK_KEY" "$STACK_WEBHOOK_KEY" >"$run/secret.conf"
  )
  chmod 600 "$run/secret.conf"

  local vars=(RUN_DIR="$run" SITE_PORT="$EKYC_SITE_PORT" API_PORT="$EKYC_API_PORT" PAGE_PORT="$EKYC_PAGE_PORT"
    WEBHOOK_PORT="$EKYC_WEBHOOK_PORT")
  stack_render "$root/demo/ekyc.conf.in" "$run/ekyc.conf" "${vars[@]}"
  if [ "${EKYC_STACK_UNMETERED:-}" = 1 ]; then stack_unmetered_config >>"$run/ekyc.conf"; fi
  stack_render "$root/demo/sandbox.conf.in" "$run/sandbox.conf" "${vars[@]}" SANDBOX_RATE_LIMIT="${EKYC_SANDBOX_RATE_LIMIT:-on}"

  stack_render "$root/nginx/demo.conf.in" "$run/nginx.conf" "${vars[@]}" USER_DIRECTIVE="$(render_nginx_user_directive)"

  # The merchant snippet and its upstreams exactly as shipped, with the sockets moved into
  # RUN_DIR; the snippet includes `fastcgi_params` relative to the config, so a copy sits beside it.
  cp "$root/nginx/ekyc-gate.conf" "$run/ekyc-gate.conf"
  sed "s|unix:/run/ekyc/|unix:$run/|g" "$root/nginx/ekyc-gate-upstreams.conf" >"$run/ekyc-gate-upstreams.conf"
  cp /etc/nginx/fastcgi_params "$run/fastcgi_params"
  # The sandbox checks TC3 signatures, which cover the Host header as the client sent it (with
  # the port). Debian's fastcgi_params passes $host, which drops the port; the sandbox gets the
  # same parameters with $http_host instead (one HTTP_HOST, not two).
  {
    grep -v '^[[:space:]]*fastcgi_param[[:space:]]\+HTTP_HOST[[:space:]]' /etc/nginx/fastcgi_params
    # shellcheck disable=SC2016  # an nginx variable, written as is
    echo 'fastcgi_param  HTTP_HOST          $http_host;'
  } >"$run/sandbox_fastcgi_params"

  rm -rf "$run/site"
  cp -R "$root/demo/site" "$run/site"
  chmod -R a+rX "$run/site"

  "$(stack_nginx)" -t -q -p "$run" -c "$run/nginx.conf"
}

# stack_pid_ok RUN_DIR PID : procs_pid_ok (procs.sh).
stack_pid_ok() { procs_pid_ok "$@"; }

stack_logs_tail() {
  local run=$1 log
  for log in "$run"/logs/*.log; do
    [ -s "$log" ] || continue
    echo "--- last lines of $log" >&2
    tail -n 20 "$log" >&2
  done
}

stack_start() {
  local run=$1 bin=$2 svc
  for svc in "${STACK_SERVICES[@]}"; do
    local exe
    exe="$bin/$(stack_binary "$svc")"
    [ -x "$exe" ] || { echo "stack: $exe not found; build with: swift build -c release --static-swift-stdlib" >&2; return 1; }
    procs_spawn --clean-env "$run" "$svc" "$run/logs/$svc.log" \
      "$exe" --config "$run/$(stack_config "$svc")" --listen "unix:$run/$svc.sock" --socket-mode 0666
  done
  stack_wait_sockets "$run" || { stack_logs_tail "$run"; return 1; }

  procs_spawn "$run" nginx "$run/logs/nginx-error.log" "$(stack_nginx)" -p "$run" -c "$run/nginx.conf"
  stack_wait_http "$run" || { stack_logs_tail "$run"; return 1; }

  # The receiver first, so the deliverer's first round finds it listening.
  procs_spawn "$run" webhook-receiver "$run/logs/webhook-receiver.log" \
    /usr/bin/python3 "$STACK_ROOT/demo/webhook-receiver.py" --port "$EKYC_WEBHOOK_PORT" --secret-file "$run/secret.conf"
  local tries
  for ((tries = 0; ; tries++)); do
    stack_alive_or_fail "$run" webhook-receiver || { stack_logs_tail "$run"; return 1; }
    [ "$(stack_http_status "http://127.0.0.1:$EKYC_WEBHOOK_PORT/")" = 200 ] && break
    ((tries < 100)) || { echo "stack: the webhook receiver does not answer on :$EKYC_WEBHOOK_PORT" >&2; return 1; }
    sleep 0.1
  done
  procs_spawn --clean-env "$run" deliver "$run/logs/deliver.log" "$bin/ekyc-start" deliver --config "$run/ekyc.conf"
}

# stack_alive_or_fail RUN_DIR NAME : procs_alive (procs.sh).
stack_alive_or_fail() { procs_alive "$@"; }

stack_wait_sockets() {
  local run=$1 svc tries
  for svc in "${STACK_SERVICES[@]}"; do
    for ((tries = 0; ; tries++)); do
      stack_alive_or_fail "$run" "$svc" || return 1
      [ -S "$run/$svc.sock" ] && break
      ((tries < 100)) || { echo "stack: no socket $run/$svc.sock after 10 s" >&2; return 1; }
      sleep 0.1
    done
  done
}

# stack_http_status URL [curl options] : the HTTP status, or 000 when nothing answered.
stack_http_status() {
  local url=$1
  shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url" || true
}

# Each FastCGI socket is asked through nginx, so a pass means nginx, the socket and the process
# behind it all answer. Any status but 000 (no answer) or 502/504 (nginx got nothing from the
# socket) will do: the probes send no valid input.
stack_wait_http() {
  local run=$1 tries name url status
  local probes=(
    "site|http://localhost:$EKYC_SITE_PORT/"
    "start|http://localhost:$EKYC_SITE_PORT/ekyc/start|-X|PUT"
    "callback|http://localhost:$EKYC_SITE_PORT/ekyc/callback"
    "sandbox api|https://localhost:$EKYC_API_PORT/|--cacert|$run/tls/ca.crt"
    "sandbox page|http://localhost:$EKYC_PAGE_PORT/reflect/"
  )
  local probe
  for probe in "${probes[@]}"; do
    local fields
    IFS='|' read -r -a fields <<<"$probe"
    name=${fields[0]}
    url=${fields[1]}
    for ((tries = 0; ; tries++)); do
      stack_alive_or_fail "$run" nginx || return 1
      status=$(stack_http_status "$url" "${fields[@]:2}")
      case "$status" in
        000 | 502 | 504) ;;
        *) break ;;
      esac
      ((tries < 100)) || { echo "stack: $name ($url) does not answer (last status $status)" >&2; return 1; }
      sleep 0.1
    done
  done
}

# stack_running RUN_DIR : every started process is still alive (else names the one that is not).
stack_running() {
  local run=$1 name
  for name in "${STACK_SERVICES[@]}" nginx "${STACK_WORKERS[@]}"; do
    stack_alive_or_fail "$run" "$name" || return 1
  done
}

# stack_stop RUN_DIR : nginx first, so no request reaches a handler that is going away.
stack_stop() {
  procs_stop "$1" nginx "${STACK_SERVICES[@]}" "${STACK_WORKERS[@]}"
}
