#!/usr/bin/env bash
# Every sql block of README.md stands verbatim in a regression test (test/sql/readme.sql holds those
# that no other test has), and the README's two commands are the ones that exist and that CI runs.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
python3 - <<'PY'
import glob, re
readme = open("README.md").read()
tests = "\n".join(open(f).read() for f in glob.glob("test/sql/*.sql"))
blocks = re.findall(r"```sql\n(.*?)```", readme, re.S)
for i, block in enumerate(blocks, 1):
    first = block.strip().splitlines()[0]
    print(("ok" if block in tests else "not ok") + f" - README sql block {i} ({first}) is run by a test")
if not blocks:
    print("not ok - README has sql blocks")
PY
cmds=$(sed -n '/^```sh$/,/^```$/p' README.md | grep -E '^scripts/' | awk '{print $1}' | head -2 | tr '\n' ' ')
expect_eq "README's first two commands" "scripts/demo scripts/test " "$cmds"
expect_match ".ci/run runs the README's test command" "exec scripts/test" "$(cat .ci/run)"
