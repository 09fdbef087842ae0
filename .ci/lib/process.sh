# shellcheck shell=bash
# Sourced by the CI steps. stop_group PID: SIGTERM to the process group a step started with setsid
# (as Ctrl+C would), then wait up to 30 s for it to be gone, so the data folder is removed only
# after the server has stopped writing to it.
stop_group() {
  local pid=${1:-0}
  ((pid > 0)) || return 0
  kill -TERM -- -"$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do
    kill -0 -- -"$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL -- -"$pid" 2>/dev/null || true
}
