# The preamble of every check and benchmark script. Each script starts with
#
#   ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}   # ../.. from scripts/checks
#   . "$ROOT/scripts/lib/common.sh"
#
# and gets: strict mode (set -euo pipefail), the tools scripts/install-tools put in
# .tools (Python venv, Node packages) first on PATH, the AWS CDK CLI's version check
# and telemetry off (no network), and the helpers of cargo.sh (ws_test, ws_debug_dir,
# target_dir) and proc.sh (free_port, stop_pid). It does not change directory.
set -euo pipefail
export PATH="$ROOT/.tools/venv/bin:$ROOT/.tools/node/node_modules/.bin:$PATH"
export CDK_DISABLE_VERSION_CHECK=true CDK_DISABLE_CLI_TELEMETRY=true

. "$ROOT/scripts/lib/cargo.sh"
. "$ROOT/scripts/lib/proc.sh"
