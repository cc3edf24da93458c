# shellcheck shell=bash
# Background processes of the scripts (the stack, the nodes, the bench), each recorded by PID in
# RUN_DIR/pids/NAME.pid and stopped by that PID only, never by name. Sourced by stack.sh,
# nodes.sh and scripts/bench.
#
#   procs_spawn [--clean-env] RUN_DIR NAME LOG COMMAND...   start COMMAND in the background
#   procs_alive RUN_DIR NAME                                its PID still exists (else says so)
#   procs_pid_ok RUN_DIR PID                                alive and one of ours
#   procs_stop RUN_DIR NAME...                              SIGTERM, one 5 s grace, SIGKILL
#
# A process counts as ours only while its command line names RUN_DIR, so a PID the kernel gave to
# another process after ours ended is never signalled.

# procs_spawn [--clean-env] RUN_DIR NAME LOG COMMAND... : COMMAND with standard input from
# /dev/null, its output appended to LOG, its PID in RUN_DIR/pids/NAME.pid. With --clean-env the
# scripts' own EKYC_* variables (ports, run directory) are removed from its environment: the
# handlers read EKYC_<KEY> as config overrides, and those are not config.
procs_spawn() {
  local clean=false
  if [ "$1" = --clean-env ]; then clean=true; shift; fi
  local run=$1 name=$2 log=$3
  shift 3
  local launch=()
  if $clean; then
    local var
    launch=(env)
    for var in $(compgen -e); do
      [[ $var == EKYC_* ]] && launch+=(-u "$var")
    done
  fi
  mkdir -p "$run/pids"
  "${launch[@]}" "$@" </dev/null >>"$log" 2>&1 &
  echo $! >"$run/pids/$name.pid"
  # Stopped by PID through procs_stop; the shell need not report on it as a job.
  disown $!
}

# procs_pid_ok RUN_DIR PID : the process is alive and its command line names RUN_DIR.
procs_pid_ok() {
  local run=$1 pid=$2
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$run"
}

# procs_alive RUN_DIR NAME : while starting, a child may not have exec'd its program yet (its
# command line is still this shell's), so here only the PID's existence counts.
procs_alive() {
  local run=$1 name=$2 pid
  pid=$(cat "$run/pids/$name.pid" 2>/dev/null)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "$name is not running (see $run/logs/)" >&2
    return 1
  fi
}

# procs_stop RUN_DIR NAME... : SIGTERM to each recorded process in the order given (so a front
# end named first stops sending work before its back ends go), one 5 s grace period for all of
# them, then SIGKILL for any that is left. Names without a PID file are skipped.
procs_stop() {
  local run=$1 name pidfile pid tries
  shift
  local pids=()
  for name in "$@"; do
    pidfile="$run/pids/$name.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    rm -f "$pidfile"
    if procs_pid_ok "$run" "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for ((tries = 0; ${#pids[@]} && tries < 50; tries++)); do
    sleep 0.1
    local still=()
    for pid in "${pids[@]}"; do
      if procs_pid_ok "$run" "$pid"; then still+=("$pid"); fi
    done
    pids=("${still[@]}")
  done
  for pid in "${pids[@]}"; do
    echo "PID $pid ignored SIGTERM for 5 s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  done
}
