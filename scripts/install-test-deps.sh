#!/usr/bin/env bash
# Debian packages the compatibility and browser tests drive: real Kafka clients and Chromium.
set -euo pipefail
pkgs=(kcat python3-kafka python3-confluent-kafka chromium)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
