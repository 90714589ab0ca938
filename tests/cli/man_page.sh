#!/usr/bin/env bash
# `pgshift man` prints pgshift(1) generated from the help text: it renders without troff warnings,
# documents every subcommand with its options and help text, and the build wrote the same page.
set -euo pipefail
pg=$PGSHIFT_BINARY
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$pg" man > "$work/pgshift.1"
head -1 "$work/pgshift.1" | grep -q '^\.TH PGSHIFT 1' || { echo "FAIL: no .TH header"; exit 1; }
# Every subcommand has its section, and a flag with its help text shows up.
for cmd in $("$pg" --help | awk '/^Subcommands:/{s=1; next} s && NF {print $1}'); do
  grep -q "^\.SS \"pgshift $cmd\"" "$work/pgshift.1" || { echo "FAIL: no section for $cmd"; exit 1; }
done
grep -q 'pgshift sandbox start' "$work/pgshift.1" || { echo "FAIL: nested subcommands missing"; exit 1; }
if command -v groff >/dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z "$work/pgshift.1" 2>&1 || true)
  [[ -z $warnings ]] || { echo "$warnings"; echo "FAIL: groff warnings"; exit 1; }
  rendered=$(groff -man -Tutf8 "$work/pgshift.1" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
  grep -q -- '--through' <<<"$rendered" || { echo "FAIL: --through not rendered"; exit 1; }
  grep -q 'stop after this phase\|Stop after' <<<"$rendered" || { echo "FAIL: apply --through help text missing"; exit 1; }
else
  echo "note: groff not installed; skipping the rendering check"
fi
built=$(dirname "$(dirname "$pg")")/pgshift.1
if [[ -f $built ]]; then
  cmp -s "$built" "$work/pgshift.1" || { echo "FAIL: $built differs from pgshift man"; exit 1; }
fi
echo "ok"
