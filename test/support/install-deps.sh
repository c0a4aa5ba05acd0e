#!/bin/sh
# Installs the Debian packages the tests start for real (sshd, databases, caches, nginx,
# Chromium). Only what is missing is installed, so a prepared machine pays nothing.
set -eu
PKGS="openssh-server openssh-client nginx-light mariadb-server mariadb-client redis-server redis-tools
memcached postgresql postgresql-client chromium iproute2 procps sudo cron openssl perl
ca-certificates util-linux busybox git ansible-core"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "The tests need these Debian packages:$missing" >&2
  echo "Install them as root: apt-get install -y$missing" >&2
  exit 1
fi
echo "installing test dependencies:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Services are started by the tests themselves, never by the package scripts.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -q --no-install-recommends $missing
