#!/usr/bin/env bash
# Regenerates the file table of kernel/TRUSTED.md (between the TABLE markers)
# from the kernel's sources. A test (kernel/tests/trusted_md.rs) fails when
# the table is out of date.
set -euo pipefail
cd "$(dirname "$0")/../kernel"
table=$(
  echo "| file | lines | trusted |"
  echo "|---|---:|---|"
  total=0
  while read -r f; do
    n=$(wc -l <"$f")
    case "$f" in *tests.rs) role="no (tests)" ;; *) role="yes"; total=$((total + n)) ;; esac
    echo "| \`$f\` | $n | $role |"
  done < <(find src -name '*.rs' | LC_ALL=C sort)
  echo "| **trusted total** | $total | |"
)
python3 - "$table" <<'PY'
import sys, re
table = sys.argv[1]
p = "TRUSTED.md"
s = open(p).read()
s = re.sub(r"(<!-- TABLE -->\n).*?(<!-- /TABLE -->)", lambda m: m.group(1) + table + "\n" + m.group(2), s, flags=re.S)
open(p, "w").write(s)
PY
