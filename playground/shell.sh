#!/usr/bin/env bash
# Opens a shell on a playground host (h1 unless named) with the NetFoundations module imported:
# real pwsh (see pwsh_command in lib.sh). Starts the playground when it is not up.
# The module must be built first (build.ps1 -Task Playground -Action Shell does that).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
host=${1:-h1}
[[ " ${PG_NAMESPACES[*]} " == *" $host "* ]] || die "no host '$host' in the playground: ${PG_NAMESPACES[*]}"
repo=$(cd "$PG_SRC/.." && pwd)
module=$repo/out/NetFoundations
[ -d "$module" ] || die "the module is not built: dotnet tool restore; dotnet pwsh ./build.ps1"
pwsh_command

bash "$PG_SRC/start.sh"
import="Import-Module '$module'"
say "shell on $host: try Resolve-DnsName2 www.example.com; Test-Connection www.example.com -Traceroute; exit to leave (the playground stays up)"
as_host "$host"
exec "${AS_HOST[@]}" "${PWSH[@]}" -NoLogo -NoExit -Command "$import"
