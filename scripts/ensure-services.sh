#!/usr/bin/env bash
# Finds the PostgreSQL and MariaDB servers the integration tests need, or starts them, or installs
# them from Debian's packages and starts them. Says which it did. Idempotent.
set -euo pipefail

PG_PORT=${PLANASONIX_PG_PORT:-5432}
MY_PORT=${PLANASONIX_MYSQL_PORT:-3306}
apt_updated=0

say() { echo "services: $*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 120); do port_open "$1" && return 0; sleep 0.5; done
  return 1
}
apt_install() {
  if [ "$(id -u)" != 0 ]; then say "cannot install $* without root"; return 1; fi
  if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if port_open "$PG_PORT"; then say "PostgreSQL found running on 127.0.0.1:$PG_PORT"; return 0; fi
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    say "PostgreSQL not installed: installing it from Debian's packages"
    apt_install postgresql postgresql-contrib
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  # The tests connect as postgres without a password, over TCP; trust loopback only.
  if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_port "$PG_PORT" || { say "PostgreSQL did not start"; return 1; }
  su postgres -c "psql -qAtc \"SELECT 1 FROM pg_database WHERE datname='test'\" | grep -q 1 || createdb test" || true
  say "PostgreSQL started on 127.0.0.1:$PG_PORT"
}

ensure_mariadb() {
  if port_open "$MY_PORT"; then say "MariaDB found running on 127.0.0.1:$MY_PORT"; return 0; fi
  if [ ! -x /usr/sbin/mariadbd ]; then
    say "MariaDB not installed: installing it from Debian's packages"
    apt_install mariadb-server
  fi
  say "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port "$MY_PORT" || { say "MariaDB did not start"; return 1; }
  # A fresh Debian install lets root in only through the unix socket; the tests use TCP with no password.
  mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(''); CREATE DATABASE IF NOT EXISTS test;" 2>/dev/null || true
  say "MariaDB started on 127.0.0.1:$MY_PORT"
}

# One role that must give its password, so that a wrong password is really refused by the server
# (loopback is otherwise trusted). The rule names only that role.
ensure_password_role() {
  local hba; hba=$(su postgres -c "psql -qAtc 'SHOW hba_file'" 2>/dev/null || true)
  if [ -z "$hba" ] || [ ! -w "$hba" ]; then say "cannot edit pg_hba.conf; the wrong-password test will fail"; return 0; fi
  if ! grep -q 'planasonix_pw_probe' "$hba"; then
    sed -i '1i host all planasonix_pw_probe 127.0.0.1/32 scram-sha-256' "$hba"
    su postgres -c "psql -qAtc 'SELECT pg_reload_conf()'" >/dev/null
    say "PostgreSQL: password rule added for role planasonix_pw_probe"
  fi
  su postgres -c "psql -qAtc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'planasonix_pw_probe') THEN CREATE ROLE planasonix_pw_probe LOGIN PASSWORD 'probe-secret-1'; END IF; END\\\$\\\$\"" >/dev/null
}

# The value tests compare with each server's own command-line client (psql -At, mariadb -B -r).
ensure_clients() {
  if ! command -v psql >/dev/null; then say "psql not found: installing postgresql-client"; apt_install postgresql-client; fi
  if ! command -v mariadb >/dev/null && ! command -v mysql >/dev/null; then say "mariadb client not found: installing mariadb-client"; apt_install mariadb-client; fi
  # dblink, for the read-only guard's tests (PostgreSQL's contrib modules).
  if [ -z "$(ls /usr/share/postgresql/*/extension/dblink.control 2>/dev/null)" ]; then say "dblink not found: installing postgresql-contrib"; apt_install postgresql-contrib; fi
  return 0
}

ensure_postgres
ensure_password_role
ensure_mariadb
ensure_clients
