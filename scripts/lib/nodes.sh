# shellcheck shell=bash
# Two handler "machines" sharing one Redis, behind one nginx upstream, for the multi-node
# end-to-end test. Runs beside the stack of scripts/lib/stack.sh (whose sandbox both nodes call)
# in the same RUN_DIR. Sourced by scripts/test after stack.sh.
#
#   nodes_prepare ROOT RUN_DIR     render RUN_DIR/redis/redis.conf, RUN_DIR/nodes/{a,b}/ekyc.conf and
#                                  RUN_DIR/nodes/nginx.conf
#   nodes_start RUN_DIR BIN_DIR    start redis-server, both nodes' handlers and their nginx; wait for them
#   nodes_stop RUN_DIR             stop them by their recorded PIDs
#
# Ports (127.0.0.1 only): EKYC_NODES_PORT (the load balancer, 8082) and EKYC_REDIS_PORT (8379).
# Redis is Debian's redis-server with a config of our own: never the package's service on 6379.

: "${EKYC_NODES_PORT:=8082}"
: "${EKYC_REDIS_PORT:=8379}"

# Demo only: the password of the test Redis (node a reads it from a file, node b from its URL).
STACK_REDIS_PASSWORD=ekycGateDemoRedisPassword
NODES=(a b)

nodes_prepare() {
  local root=$1 run=$2 node
  mkdir -p "$run/redis" "$run/nodes/tmp"
  chmod 700 "$run/redis"
  # Every acknowledged write is on disk before Redis answers it (appendfsync always), so a
  # Redis killed mid-run comes back with every token it acknowledged; see docs/DEPLOYMENT.md.
  # The process title carries the config path, so the PID checks of procs_pid_ok find RUN_DIR.
  cat >"$run/redis/redis.conf" <<CONF
bind 127.0.0.1
port $EKYC_REDIS_PORT
protected-mode yes
daemonize no
dir $run/redis
logfile $run/logs/redis.log
save ""
appendonly yes
appendfsync always
requirepass $STACK_REDIS_PASSWORD
proc-title-template "{title} {listen-addr} {server-mode} {config-file}"
CONF
  chmod 600 "$run/redis/redis.conf"

  local vars=(RUN_DIR="$run" SITE_PORT="$EKYC_NODES_PORT" API_PORT="$EKYC_API_PORT" PAGE_PORT="$EKYC_PAGE_PORT"
    WEBHOOK_PORT="$EKYC_WEBHOOK_PORT")
  for node in "${NODES[@]}"; do
    mkdir -p "$run/nodes/$node"
    chmod 755 "$run/nodes/$node"
    stack_render "$root/demo/ekyc.conf.in" "$run/nodes/$node/ekyc.conf.tmp" "${vars[@]}"
    grep -v '^store = ' "$run/nodes/$node/ekyc.conf.tmp" >"$run/nodes/$node/ekyc.conf"
    if [ "${EKYC_STACK_UNMETERED:-}" = 1 ]; then stack_unmetered_config >>"$run/nodes/$node/ekyc.conf"; fi
    rm -f "$run/nodes/$node/ekyc.conf.tmp"
  done
  # Node a: the password in a file of its own (mode 600); node b: in the URL. Both use database 1.
  (umask 077 && printf '%s\n' "$STACK_REDIS_PASSWORD" >"$run/nodes/a/redis.pass")
  printf 'store = redis://127.0.0.1:%s/1\nredis_password_file = %s\n' "$EKYC_REDIS_PORT" "$run/nodes/a/redis.pass" \
    >>"$run/nodes/a/ekyc.conf"
  printf 'store = redis://:%s@127.0.0.1:%s/1\n' "$STACK_REDIS_PASSWORD" "$EKYC_REDIS_PORT" >>"$run/nodes/b/ekyc.conf"
  chmod 600 "$run/nodes/b/ekyc.conf"

  stack_render "$root/nginx/nodes.conf.in" "$run/nodes/nginx.conf" RUN_DIR="$run" NODES_PORT="$EKYC_NODES_PORT" \
    USER_DIRECTIVE="$(render_nginx_user_directive)"
  "$(stack_nginx)" -t -q -p "$run/nodes" -c "$run/nodes/nginx.conf"
}

# nodes_redis_start RUN_DIR : starts redis-server on its config and waits until it answers PING.
nodes_redis_start() {
  local run=$1 tries
  procs_spawn "$run" redis "$run/logs/redis.log" redis-server "$run/redis/redis.conf"
  for ((tries = 0; ; tries++)); do
    stack_alive_or_fail "$run" redis || return 1
    if REDISCLI_AUTH=$STACK_REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$EKYC_REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
      return 0
    fi
    ((tries < 100)) || { echo "nodes: redis-server does not answer on 127.0.0.1:$EKYC_REDIS_PORT" >&2; return 1; }
    sleep 0.1
  done
}

nodes_start() {
  local run=$1 bin=$2 node role
  nodes_redis_start "$run" || { stack_logs_tail "$run"; return 1; }
  for node in "${NODES[@]}"; do
    for role in start callback; do
      procs_spawn --clean-env "$run" "node-$node-$role" "$run/logs/node-$node-$role.log" \
        "$bin/ekyc-$role" --config "$run/nodes/$node/ekyc.conf" --listen "unix:$run/nodes/$node/$role.sock" --socket-mode 0666
    done
  done
  local tries
  for node in "${NODES[@]}"; do
    for role in start callback; do
      for ((tries = 0; ; tries++)); do
        stack_alive_or_fail "$run" "node-$node-$role" || { stack_logs_tail "$run"; return 1; }
        [ -S "$run/nodes/$node/$role.sock" ] && break
        ((tries < 100)) || { echo "nodes: no socket $run/nodes/$node/$role.sock after 10 s" >&2; return 1; }
        sleep 0.1
      done
    done
  done
  procs_spawn "$run" nodes-nginx "$run/logs/nodes-nginx-error.log" "$(stack_nginx)" -p "$run/nodes" -c "$run/nodes/nginx.conf"
  for ((tries = 0; ; tries++)); do
    stack_alive_or_fail "$run" nodes-nginx || return 1
    case "$(stack_http_status "http://localhost:$EKYC_NODES_PORT/ekyc/callback")" in
      000 | 502 | 504) ;;
      *) return 0 ;;
    esac
    ((tries < 100)) || { echo "nodes: nginx on :$EKYC_NODES_PORT does not answer" >&2; return 1; }
    sleep 0.1
  done
}

# nodes_stop RUN_DIR : the load balancer first, Redis last.
nodes_stop() {
  procs_stop "$1" nodes-nginx node-a-start node-a-callback node-b-start node-b-callback redis
}
