#!/usr/bin/env bash
# Times NetFoundations' mail cmdlets against the tools people compare them with, on loopback only,
# against the repository's Postfix and Dovecot (tests/servers/mail) in a temporary folder:
#   (a) New-MailMessage | Send-SmtpMail, N messages over one connection  vs  swaks, one process per message
#   (b) Get-ImapMessage: the summaries of a 5,000-message INBOX             vs  Python's imaplib fetching the same items
# Prints every run, then the best of each and the ratios. Our times are taken inside one pwsh process after a
# warm-up (bench/mail.ps1); swaks is timed as processes (its start-up is part of "one process each");
# imaplib's time is taken inside its script (tests/peers/imap_summaries.py), interpreter start-up excluded.
# Each round fetches the summaries three times on each side.
# Usage: bench/mail.sh [messages=1000] [runs=2] [mailbox=5000]
# Needs: swaks, postfix, dovecot's imapd, pop3d and lmtpd, openssl (installed here through tests/servers/apt-install.sh
# when run as root), python3, dotnet.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-1000}
runs=${2:-2}
mailbox=${3:-5000}

bash tests/servers/apt-install.sh swaks postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd openssl
command -v python3 >/dev/null || { echo "bench: python3 is missing" >&2; exit 2; }

source bench/module.sh

servers=$(mktemp -d /tmp/nf-mail-bench.XXXXXX)
chmod 755 "$servers"   # Postfix and Dovecot run as their own users
cleanup() { bash tests/servers/mail/stop-servers.sh "$servers"; rm -rf "$servers"; }
trap cleanup EXIT
echo "Starting Postfix and Dovecot with a $mailbox-message INBOX for bench@mail.test"
bash tests/servers/mail/start-servers.sh "$servers" "$mailbox"
smtp=$(awk -F= '$1 == "smtpplain" {print $2}' "$servers/ports.env")
imap=$(awk -F= '$1 == "imap" {print $2}' "$servers/ports.env")

now() { date +%s.%N; }
best() { sort -g | head -1; }
calc() { awk "BEGIN { print $1 }"; }
# Postfix delivers what was sent in the background: let it finish before the next timing.
drain() {
    for _ in $(seq 600); do
        [[ -z $(find "$servers/postfix/queue/"{maildrop,incoming,active,deferred} -type f 2>/dev/null | head -1) ]] && return
        sleep 0.5
    done
    echo "bench: Postfix's queue did not drain in 300 s" >&2
}
imaplib() { python3 tests/peers/imap_summaries.py "$imap" bench@mail.test bench-password; }

# Untimed: Dovecot parses every message once and caches ENVELOPE and BODYSTRUCTURE.
imaplib >/dev/null
echo "load average before: $(cat /proc/loadavg)"
ours=""
swaks_times=()
imaplib_times=()
# Rounds alternate the tools, so a busy moment on the machine does not fall on one side only.
for round in $(seq "$runs"); do
    echo "== Round $round"
    round_ours=$(pinned_pwsh -File bench/mail.ps1 -Module "$manifest" -SmtpPort "$smtp" -ImapPort "$imap" -Messages "$messages" -Runs 1)
    echo "$round_ours"
    ours+="$round_ours"$'\n'
    drain

    for _ in 1 2 3; do
        read -r t count <<<"$(imaplib)"
        imaplib_times+=("$t")
        echo "IMAPLIB $t $count summaries"
    done

    failed=0
    start=$(now)
    for i in $(seq "$messages"); do
        swaks --server "127.0.0.1:$smtp" --from alice@mail.test --to bob@mail.test \
            --header "Subject: swaks run $round $i" --body "Message $i of the bench." --silent 1 >/dev/null || failed=$((failed + 1))
    done
    t=$(calc "$(now) - $start")
    swaks_times+=("$t")
    echo "SWAKS $t $((messages - failed)) sent"
    drain
done
echo "load average after: $(cat /proc/loadavg)"

smtp_best=$(echo "$ours" | awk '/^SMTP/ {print $2}' | best)
imap_best=$(echo "$ours" | awk '/^IMAP/ {print $2}' | best)
swaks_best=$(printf '%s\n' "${swaks_times[@]}" | best)
imaplib_best=$(printf '%s\n' "${imaplib_times[@]}" | best)
echo
echo "== Best of $runs (seconds)"
printf '(a) %s messages:  Send-SmtpMail %.2f (%.0f/s)   swaks %.2f (%.1f/s)   messages/s ratio %.1f (goal >= 5)\n' \
    "$messages" "$smtp_best" "$(calc "$messages / $smtp_best")" "$swaks_best" "$(calc "$messages / $swaks_best")" "$(calc "$swaks_best / $smtp_best")"
printf '(b) %s summaries: Get-ImapMessage %.2f   imaplib %.2f   time ratio %.2f (goal <= 1)\n' \
    "$mailbox" "$imap_best" "$imaplib_best" "$(calc "$imap_best / $imaplib_best")"
