# Sourced by the bench scripts: sets host (the engine host's dll) and manifest (the built module's),
# building both first when either is missing.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
host=$root/src/NetFoundations.Host/bin/Release/net10.0/nfhost.dll
manifest=$(ls "$root"/out/NetFoundations/*/NetFoundations.psd1 2>/dev/null | sort | tail -1 || true)
if [[ ! -f $host || -z $manifest ]]; then
    (cd "$root" && dotnet run --project src/NetFoundations.Host -c Release -- -File build.ps1 -Task Build)
    manifest=$(ls "$root"/out/NetFoundations/*/NetFoundations.psd1 | sort | tail -1)
fi
