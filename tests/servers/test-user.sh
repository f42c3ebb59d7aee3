#!/usr/bin/env bash
# Sourced by the test servers' start scripts: test_user USER PASSWORD makes sure the local account USER exists with
# PASSWORD. It rewrites /etc/shadow only when the password differs: chpasswd replaces the file by a rename, which
# detaches the playground hosts' bind-mounted /etc/netns/*/shadow (their logins would fail while they run), and the
# servers' scripts run at the same time as each other, so one at a time under a lock, retried for a while.
test_user() {
  local user=$1 password=$2 attempt
  for attempt in $(seq 1 20); do
    if (flock 9
        if ! id "$user" >/dev/null 2>&1; then useradd --create-home --shell /bin/sh "$user"; fi
        local hash salt
        hash=$(getent shadow "$user" | cut -d: -f2)
        salt=$(cut -d'$' -f3 <<<"$hash")
        if [[ $hash != \$6\$* ]] || [ "$(openssl passwd -6 -salt "$salt" "$password")" != "$hash" ]; then
          echo "$user:$password" | chpasswd -c SHA512
        fi) 9>/tmp/nf-test-users.lock 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "could not set up the test user $user" >&2
  return 1
}
