#!/usr/bin/env bash
# Opens a shell on a playground host (h1 unless named) with the NetFoundations module imported:
# pwsh where installed, else the repository's engine host. Starts the playground when it is not up.
# The module must be built first (build.ps1 -Task Playground -Action Shell does that).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
host=${1:-h1}
[[ " ${PG_NAMESPACES[*]} " == *" $host "* ]] || die "no host '$host' in the playground: ${PG_NAMESPACES[*]}"
repo=$(cd "$PG_SRC/.." && pwd)
module=$repo/out/NetFoundations
nfhost=$repo/src/NetFoundations.Host/bin/Release/net10.0/nfhost.dll
[ -d "$module" ] || die "the module is not built: dotnet run --project src/NetFoundations.Host -c Release -- -File build.ps1 -Task Build"

bash "$PG_SRC/start.sh"
import="Import-Module '$module'"
if command -v pwsh >/dev/null; then
  engine=(pwsh -NoLogo -NoExit -Command "$import")
else
  [ -f "$nfhost" ] || die "neither pwsh nor the engine host ($nfhost) is there: build first."
  engine=(dotnet "$nfhost" -NoExit -Command "$import")
fi
say "shell on $host: try Resolve-DnsName2 www.example.com; traceroute www.example.com; exit to leave (the playground stays up)"
as_host "$host"
exec "${AS_HOST[@]}" "${engine[@]}"
