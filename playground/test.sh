#!/usr/bin/env bash
# The playground's part of build.ps1 -Task Test (root, Linux). Ends with "N passed, N failed":
#  - tests/Pester/Playground.Tests.ps1 refuses to run outside the playground;
#  - starting the playground changes nothing in the machine's own network namespace (PID 1's),
#    and the playground has no way out (the backbone, its top, has no route beyond it);
#  - the Pester file passes inside h1;
#  - stopping removes every namespace, process, file and /etc/netns entry, and leaves the
#    machine's namespace as it was; the playground is stopped even when something failed.
# Usage: test.sh MODULE_MANIFEST PESTER_MANIFEST [NAME_FILTER]   (pwsh: see pwsh_command in lib.sh)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
require_root
module=$1 pester=$2 filter=${3:-}
pwsh_command
repo=$(cd "$PG_SRC/.." && pwd)
file=$repo/tests/Pester/Playground.Tests.ps1
export NETFOUNDATIONS_MODULE=$module
passed=0 failed=0

check() {   # description, then a command that succeeds when the check passes
  local description=$1; shift
  if "$@"; then
    say "[+] $description"; passed=$((passed + 1))
  else
    say "[-] $description"; failed=$((failed + 1))
  fi
}

# Runs the Pester file with the Pester build.ps1 fetched; the last line of output is "N passed, N failed".
run_pester() {
  "$@" "${PWSH[@]}" -NoProfile -NonInteractive -File "$repo/tests/run-pester.ps1" -Pester "$pester" -Path "$file" -TestName "$filter"
}

# The machine's own network namespace: that of the outermost process we may look at (PID 1 when
# readable; else the ancestor that ran build.ps1, which runs the tests themselves in a namespace of their own).
machine_netns() {
  local pid=$$ found=/proc/$$/ns/net
  while [ "$pid" -gt 1 ]; do
    readlink "/proc/$pid/ns/net" >/dev/null 2>&1 && found=/proc/$pid/ns/net
    pid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")
  done
  readlink /proc/1/ns/net >/dev/null 2>&1 && found=/proc/1/ns/net
  say "$found"
}
machine_ns=$(machine_netns)
say "machine's network namespace: $(readlink "$machine_ns") (of process ${machine_ns//[^0-9]/})"

# What the machine's own network namespace looks like (lifetimes of addresses left out: they tick).
root_state() {
  nsenter --net="$machine_ns" sh -c 'ip -j link; ip -j addr; ip -j route; ip -j -6 route; ip -j rule; ip -j -6 rule;
    sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding' |
    sed -E 's/"(valid|preferred)_life_time":[0-9]+,?//g; s/"expires":[0-9]+,?//g'
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "cannot read the machine's network namespace" >&2; echo unreadable-$RANDOM; }
}

refused() {
  local output
  output=$(run_pester unshare --net --)
  # Here-strings, not pipes: grep -q stops reading early, and with pipefail the writer's SIGPIPE
  # would fail the check once the output outgrows the pipe's buffer.
  grep -q "only inside the playground's host h1" <<<"$output" && grep -Eq '^0 passed, [1-9][0-9]* failed$' <<<"${output##*$'\n'}"
}
unchanged() { [ "$(root_state)" = "$before" ] || { diff <(say "$before") <(root_state) | head -20; false; }; }
no_way_out() {
  ! ip -n backbone route get 198.51.100.1 >/dev/null 2>&1 && ! ip -n backbone route get 10.255.255.53 >/dev/null 2>&1 &&
    ! ip -n backbone -6 route get 2001:db9::1 >/dev/null 2>&1 && ! ip -n backbone route show default | grep -q . &&
    ! ip -n backbone -6 route show default | grep -q .
}
nothing_left() {
  local ns
  for ns in "${PG_NAMESPACES[@]}"; do
    [ -e "/run/netns/$ns" ] && { say "namespace $ns is still there"; return 1; }
    [ -e "/etc/netns/$ns" ] && { say "/etc/netns/$ns is still there"; return 1; }
  done
  [ ! -e "$PG_DIR" ] && [ ! -e "$PG_MARK" ] || { say "$PG_DIR or $PG_MARK is still there"; return 1; }
  # The daemons name the working folder on their command lines; the module's services (pwsh) name their script.
  local cmdline text
  for cmdline in /proc/[0-9]*/cmdline; do
    text=$( { tr '\0' ' ' <"$cmdline"; } 2>/dev/null)
    [[ $text == *"$PG_DIR/"* || $text == *"$PG_SRC/conf/"* ]] && { say "a playground process is still running: $cmdline"; return 1; }
  done
  return 0
}

bash "$PG_SRC/stop.sh" >/dev/null
before=$(root_state)
check "the Playground tests refuse to run outside the playground" refused
trap 'bash "$PG_SRC/stop.sh" >/dev/null' EXIT
if bash "$PG_SRC/start.sh"; then
  check "starting the playground changed nothing in the machine's network namespace" unchanged
  check "the playground has no route out (the backbone has none beyond it)" no_way_out
  run_pester ip netns exec h1 | tee "$PG_DIR/pester.out"
  counts=$(tail -1 "$PG_DIR/pester.out")
  if [[ $counts =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
  else
    say "[-] the Playground tests did not finish (last line: $counts)"; failed=$((failed + 1))
  fi
else
  say "[-] the playground did not start"; failed=$((failed + 1))
fi
bash "$PG_SRC/stop.sh" >/dev/null
trap - EXIT
check "stopping the playground removed its namespaces, processes and files" nothing_left
check "after the playground the machine's network namespace is as before" unchanged
say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
