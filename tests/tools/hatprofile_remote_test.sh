#!/usr/bin/env bash
# hatprofile remote end to end against an sshd this test starts on a loopback port with
# throwaway keys; the "board" is this machine and its bundle the host build's board component
# (cmake --install --component board, as scripts/build-board.sh stages it). Checks: the rows
# arrive and merge; the same command again copies and adds nothing; a connection dropped
# mid-run, then the same command, ends with exactly N samples, and so does a run stopped here
# (SIGTERM); an unreachable port, a refused
# key, no bundle for the board's architecture and a board disk too small for the bundle each
# fail with one clear line and leave the local dataset as it was. Exit 77 (skipped) without
# openssh-server or when sshd cannot start here.
#   hatprofile_remote_test.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
hatprofile="$build/tools/hatprofile"
sshd=/usr/sbin/sshd
[[ -x "$sshd" ]] || { echo "skipped: no $sshd (apt-get install openssh-server)"; exit 77; }

work="$(mktemp -d)"
mounted=""
cleanup() {
  [[ -f "$work/sshd.pid" ]] && kill "$(cat "$work/sshd.pid")" 2>/dev/null || true
  [[ -n "$mounted" ]] && umount "$mounted" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work"

# Keys: the server's, the client's (authorised) and another (not authorised).
for key in host client stranger; do ssh-keygen -q -t ed25519 -N '' -f "$work/$key" -C "$key"; done
cp client.pub authorized_keys
chmod 600 authorized_keys

# sshd on a free loopback port: a few random ports are tried.
[[ $(id -u) -ne 0 ]] || mkdir -p /run/sshd  # sshd's privilege separation directory, as root
started=""
for try in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 30000))
  cat >sshd_config <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host
AuthorizedKeysFile $work/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $work/sshd.pid
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  "$sshd" -f sshd_config -E "$work/sshd.log" || continue
  for _ in $(seq 50); do
    ssh -o BatchMode=yes -o UserKnownHostsFile="$work/known_hosts" -o StrictHostKeyChecking=accept-new \
      -o IdentitiesOnly=yes -i client -p "$port" "$(id -un)@127.0.0.1" true 2>/dev/null && { started=1; break; }
    sleep 0.2
  done
  [[ -n "$started" ]] && break
  [[ -f sshd.pid ]] && kill "$(cat sshd.pid)" 2>/dev/null || true
done
[[ -n "$started" ]] || { echo "skipped: sshd did not start here ($(tail -3 sshd.log 2>/dev/null))"; exit 77; }

# The bundle: this build's board component, packed as build-board.sh names it.
version="$(sed -n 's/^project(hat .*VERSION \([0-9.]*\)).*/\1/p' "$root/CMakeLists.txt")"
name="hat-$version-linux-amd64"
cmake --install "$build" --prefix "stage/$name" --component board >/dev/null
mkdir bundles
tar -C stage -czf "bundles/$name.tar.gz" "$name"

# The board's device profile (the host's protocol) and the local dataset.
mkdir profiles
sed -e 's/^name: .*/name: testboard/' -e '/^aliases:/d' "$root/devices/profiles/host.yml" >profiles/testboard.yml
local_dataset="$work/local/testboard.sqlite"

ssh_args=(--ssh "$(id -un)@127.0.0.1" --port "$port" --identity "$work/client"
          --ssh-option "UserKnownHostsFile=$work/known_hosts" --remote-dir "$work/board")
run_args=(--device "$work/profiles/testboard.yml" --dataset "$local_dataset" --space default
          --warmups 1 --beam 1 --threads 1 --no-pin --iterations 2 --source-length 4)
remote() { "$hatprofile" remote "${ssh_args[@]}" "${run_args[@]}" "$@"; }
# Runs to interrupt: in the background ($! is hatprofile's own process, not a subshell's), and
# long enough (20 samples of 30 timed runs of 16 steps, a second or more) that the interruption
# lands mid-run however soon the polling sees the progress line; at 2 timed runs of 4 steps the
# board finished all its samples first on a loaded machine. Continuing takes the same options.
slow_args=(--device "$work/profiles/testboard.yml" --dataset "$local_dataset" --space default
           --warmups 1 --beam 1 --threads 1 --no-pin --iterations 30 --source-length 16)
remote_slow() { "$hatprofile" remote "${ssh_args[@]}" "${slow_args[@]}" "$@"; }
remote_slow_in_background() { "$hatprofile" remote "${ssh_args[@]}" "${slow_args[@]}" "$@" & }
wait_for_progress() {  # LOG TEXT PID: until the running hatprofile's LOG shows TEXT (a minute at most)
  local _
  for _ in $(seq 600); do
    grep -q "$2" "$1" && return 0
    kill -0 "$3" 2>/dev/null || break
    sleep 0.1
  done
  fail "no progress line '$2' arrived: $(cat "$1")"
}
rows() {  # rows of testboard in the local dataset (the CSV's header line not counted)
  [[ -f "$local_dataset" ]] || { echo 0; return; }
  echo $(( $("$hatprofile" export-csv --dataset "$local_dataset" --device testboard | wc -l) - 1 ))
}

# 1. A first run copies the bundle, measures 3 samples there and merges them here.
remote --bundle "bundles/$name.tar.gz" --samples 3 >first.log 2>&1 || fail "first run: $(cat first.log)"
grep -q "copying $name.tar.gz" first.log || fail "first run did not copy the bundle: $(cat first.log)"
grep -q "merged 3 new rows" first.log || fail "first run did not merge 3 rows: $(cat first.log)"
[[ $(rows) -eq 3 ]] || fail "the local dataset has $(rows) rows, not 3"
[[ -x board/$name/bin/hatprofile && -f board/data/testboard-latency.sqlite ]] ||
  fail "the board's directory lacks the bundle or its dataset: $(ls -R board | head -20)"

# 2. The same command again: the bundle is there, the 3 samples too; nothing is added.
remote --bundle "bundles/$name.tar.gz" --samples 3 >again.log 2>&1 || fail "second run: $(cat again.log)"
grep -q "has $name already" again.log || fail "the second run copied the bundle again: $(cat again.log)"
grep -q "merged 0 new rows" again.log || fail "the second run added rows: $(cat again.log)"
[[ $(rows) -eq 3 ]] || fail "after the same command again: $(rows) rows, not 3"

# 3. A dropped connection: ssh is killed after the board's second sample; the rows measured so
# far are kept, and the same command ends with exactly 20 samples of this run.
remote_slow_in_background --bundle "bundles/$name.tar.gz" --samples 20 --seed 2 >dropped.log 2>&1
remote_pid=$!
wait_for_progress dropped.log " 2/20 " "$remote_pid"
pkill -KILL -f "ssh .*-p $port .*flock" || fail "no ssh process of the run to kill"
status=0
wait "$remote_pid" || status=$?
[[ $status -ne 0 ]] || fail "a dropped connection exited 0: $(cat dropped.log)"
grep -q "run the same command again to continue" dropped.log || fail "no advice after the drop: $(cat dropped.log)"
after_drop=$(rows)
# (The board may finish the run before sshd closes the dropped session's pipes.)
(( after_drop >= 3 + 2 )) || fail "after the drop $after_drop rows: the board's first 2 samples did not come back"
remote_slow --bundle "bundles/$name.tar.gz" --samples 20 --seed 2 >resumed.log 2>&1 || fail "resumed run: $(cat resumed.log)"
[[ $(rows) -eq $((3 + 20)) ]] || fail "after resuming $(rows) rows, not 23: $(cat resumed.log)"

# 4. Stopped here (SIGTERM to hatprofile alone, as a Ctrl-C would be): it ends ssh, brings the
# rows back and says how to continue; the same command then ends with exactly 20 samples.
remote_slow_in_background --bundle "bundles/$name.tar.gz" --samples 20 --seed 3 >stopped.log 2>&1
remote_pid=$!
wait_for_progress stopped.log " 1/20 " "$remote_pid"
kill -TERM "$remote_pid"
status=0
wait "$remote_pid" || status=$?
[[ $status -eq 130 ]] || fail "stopped: exit status $status, not 130: $(cat stopped.log)"
grep -q "stopped; the board keeps its rows" stopped.log || fail "stopped: no message: $(cat stopped.log)"
(( $(rows) >= 23 + 1 )) || fail "stopped: the rows measured before the stop did not come back: $(cat stopped.log)"
remote_slow --bundle "bundles/$name.tar.gz" --samples 20 --seed 3 >continued.log 2>&1 || fail "continued run: $(cat continued.log)"
[[ $(rows) -eq $((23 + 20)) ]] || fail "after continuing $(rows) rows, not 43: $(cat continued.log)"

# 5. Failures: one clear line each, the local dataset unchanged.
before="$(sha256sum "$local_dataset")"
expect_failure() {  # NAME PATTERN COMMAND...
  local case="$1" pattern="$2"
  shift 2
  if "$@" >"$case.log" 2>&1; then fail "$case: exited 0: $(cat "$case.log")"; fi
  grep -q "$pattern" "$case.log" || fail "$case: no line matching '$pattern': $(cat "$case.log")"
  [[ "$(sha256sum "$local_dataset")" == "$before" ]] || fail "$case changed the local dataset"
}
closed_port=$((port + 1))
expect_failure unreachable "cannot reach" \
  "$hatprofile" remote --ssh "$(id -un)@127.0.0.1" --port "$closed_port" --identity "$work/client" \
  --ssh-option "UserKnownHostsFile=$work/known_hosts" --remote-dir "$work/board" \
  --bundle "bundles/$name.tar.gz" --samples 3 "${run_args[@]}"
expect_failure refused-key "refused the login" \
  "$hatprofile" remote --ssh "$(id -un)@127.0.0.1" --port "$port" --identity "$work/stranger" \
  --ssh-option "UserKnownHostsFile=$work/known_hosts" --remote-dir "$work/board" \
  --bundle "bundles/$name.tar.gz" --samples 3 "${run_args[@]}"
# No --bundle, and none in ./build-board or under the data root (an empty HAT_DATA_DIR).
mkdir -p nowhere/data
expect_failure no-bundle "there is no amd64 bundle here" \
  env -C nowhere HAT_DATA_DIR="$work/nowhere/data" "$hatprofile" remote "${ssh_args[@]}" --samples 3 "${run_args[@]}"
# A board disk too small for the bundle (a 2 MB tmpfs; mounting needs root).
mkdir small
if mount -t tmpfs -o size=2m tmpfs "$work/small" 2>/dev/null; then
  mounted="$work/small"
  expect_failure full-disk "disk is full" \
    "$hatprofile" remote --ssh "$(id -un)@127.0.0.1" --port "$port" --identity "$work/client" \
    --ssh-option "UserKnownHostsFile=$work/known_hosts" --remote-dir "$work/small/hat" \
    --bundle "bundles/$name.tar.gz" --samples 3 "${run_args[@]}"
  [[ ! -e small/hat/incoming.tar.gz ]] || fail "full-disk: a partial bundle was left on the board"
else
  echo "note: the full-disk case needs a tmpfs mount (root); not run here"
fi
for case in unreachable refused-key no-bundle full-disk; do
  [[ -f "$case.log" ]] && echo "$case: $(tail -1 "$case.log")"
done
echo "ok: 3 rows merged, nothing added again, exact sample counts after a dropped connection and a stop, failures clear"
