#!/usr/bin/env bash
# The MQTT bridge's tests once more against Debian's Mosquitto, the broker Home Assistant users run
# (npm test ran them against aedes in-process). CI runs as root: install it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin"
if ! command -v mosquitto >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto >/dev/null
fi
if command -v mosquitto >/dev/null 2>&1; then
  mqtt_dir=$(mktemp -d)
  mqtt_port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" >"$mqtt_dir/mosquitto.conf"
  mosquitto -c "$mqtt_dir/mosquitto.conf" >"$mqtt_dir/log" 2>&1 &
  mqtt_pid=$!
  trap 'kill "$mqtt_pid" 2>/dev/null || true; rm -rf "$mqtt_dir"' EXIT
  # Wait (10 s at most) until it accepts connections.
  node -e '
    const net = require("node:net");
    const end = Date.now() + 10_000;
    (function attempt() {
      const s = net.connect(Number(process.argv[1]), "127.0.0.1", () => { s.end(); process.exit(0); });
      s.on("error", () => (Date.now() > end ? process.exit(1) : setTimeout(attempt, 100)));
    })();' "$mqtt_port" || { cat "$mqtt_dir/log" >&2; echo "Mosquitto did not start" >&2; exit 1; }
  echo "MQTT tests against Mosquitto ($(mosquitto -h 2>/dev/null | head -1)) on 127.0.0.1:$mqtt_port"
  OPENPOWER_TEST_MQTT_URL="mqtt://127.0.0.1:$mqtt_port" npx vitest run src/service/mqtt
  kill "$mqtt_pid"
  wait "$mqtt_pid" 2>/dev/null || true
else
  echo "WARNING: Mosquitto is not installed and cannot be installed here (not root or no apt-get): the MQTT tests ran against aedes only." >&2
fi
