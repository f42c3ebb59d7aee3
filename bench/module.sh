# Sourced by the bench scripts. Defines pinned_pwsh, which runs the PowerShell the repository pins
# (.config/dotnet-tools.json) from any working directory, and sets manifest to the built module's
# manifest, building the module first when it is missing.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v dotnet >/dev/null || { echo "bench: dotnet is missing (install the .NET SDK)" >&2; exit 2; }
# The tool runs as 'dotnet pwsh' only inside the repository; its own pwsh.dll runs from anywhere.
pshome=$(cd "$root" && dotnet tool restore >/dev/null && dotnet pwsh -NoProfile -Command '$PSHOME') ||
    { echo "bench: no pinned pwsh ('dotnet tool restore' in $root failed)" >&2; exit 2; }
pinned_pwsh() { dotnet "$pshome/pwsh.dll" -NoProfile -NonInteractive "$@"; }

manifest=$(ls "$root"/out/NetFoundations/*/NetFoundations.psd1 2>/dev/null | sort -V | tail -1 || true)
if [[ -z $manifest ]]; then
    (cd "$root" && pinned_pwsh ./build.ps1 -Task Build) >&2
    manifest=$(ls "$root"/out/NetFoundations/*/NetFoundations.psd1 | sort -V | tail -1)
fi
