#!/usr/bin/env bash
# Installs every Debian package sfw needs to build, test, demo and bench.
# Idempotent and quick when everything is there: apt runs only for what is
# missing. `deps.sh --list` prints the list (scripts/check-deps.py holds
# every command and module the tests use against it).
set -euo pipefail

PACKAGES=(
	make gcc binutils clang llvm pkg-config git
	libasan8 libubsan1 libclang-rt-dev
	libbpf-dev libxdp-dev bpftool libelf-dev zlib1g-dev libnetfilter-conntrack-dev libnftables-dev
	libssl-dev
	libcriterion-dev libmicrohttpd-dev libedit-dev
	iproute2 iputils-ping netcat-openbsd traceroute iperf3 python3 python3-scapy python3-pexpect tcpdump libpcap0.8
	conntrack conntrackd keepalived iputils-arping nftables gnuplot-nox linux-perf linux-libc-dev ethtool jq
	mawk mount procps prometheus strace
	scdoc man-db build-essential dpkg-dev debhelper lintian systemd
	debootstrap
)

if [ "${1:-}" = --list ]; then
	printf '%s\n' "${PACKAGES[@]}"
	exit 0
fi
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages (${missing[*]}); run as root (sudo make deps)" >&2
	exit 1
fi
echo "  DEPS     installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's prometheus starts a server on *:9090 and enables it at boot; the
# tests start their own in a namespace (test_metrics.sh): the packaged one
# stays off, as nothing of sfw's is enabled by installing it.
if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null; then
	systemctl disable prometheus.service >/dev/null 2>&1 || true
	systemctl stop prometheus.service >/dev/null 2>&1 || true
fi
