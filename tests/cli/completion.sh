#!/usr/bin/env bash
# `pgshift completion bash|zsh` prints a script generated from the registered subcommands and their
# long options: it is valid shell, names `apply` and `--through`, and actually completes.
set -euo pipefail
pg=$PGSHIFT_BINARY
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$pg" completion bash > "$work/pgshift.bash"
bash -n "$work/pgshift.bash" || { echo "FAIL: the bash completion script has syntax errors"; exit 1; }
grep -qw apply "$work/pgshift.bash" || { echo "FAIL: bash completion does not mention apply"; exit 1; }
grep -q -- '--through' "$work/pgshift.bash" || { echo "FAIL: bash completion does not mention --through"; exit 1; }
# It completes: subcommands, options of a subcommand, nested subcommands.
got=$(bash -c 'source "$1"
  COMP_WORDS=(pgshift ap); COMP_CWORD=1; _pgshift; echo "${COMPREPLY[*]}"
  COMP_WORDS=(pgshift apply --db x --thr); COMP_CWORD=4; _pgshift; echo "${COMPREPLY[*]}"
  COMP_WORDS=(pgshift sandbox s); COMP_CWORD=2; _pgshift; echo "${COMPREPLY[*]}"
  COMP_WORDS=(pgshift sandbox start --); COMP_CWORD=3; _pgshift; echo "${COMPREPLY[*]}"' _ "$work/pgshift.bash")
expected=$'apply\n--through\nstart stop\n--help --dir --port'
[[ $got == "$expected" ]] || { printf 'got:\n%s\nexpected:\n%s\n' "$got" "$expected"; echo "FAIL: bash completion"; exit 1; }
"$pg" completion zsh > "$work/_pgshift"
grep -q '^#compdef pgshift' "$work/_pgshift" || { echo "FAIL: zsh completion lacks #compdef"; exit 1; }
grep -q -- '--through' "$work/_pgshift" || { echo "FAIL: zsh completion does not mention --through"; exit 1; }
if command -v zsh >/dev/null; then
  zsh -n "$work/_pgshift" || { echo "FAIL: the zsh completion script has syntax errors"; exit 1; }
else
  echo "note: zsh not installed; skipping zsh -n"
fi
rc=0
"$pg" completion fish >/dev/null 2>&1 || rc=$?
[[ $rc -eq 1 ]] || { echo "FAIL: completion fish exited $rc, expected 1"; exit 1; }
echo "ok: bash and zsh completion scripts generated from the CLI"
