#!/usr/bin/env bash
# Development environment of debt_followup: Odoo 19 source, a virtualenv and a
# private PostgreSQL cluster, all kept in a cache folder outside the repository.
#
#   dev/env.sh setup        install what is missing, start PostgreSQL, write odoo.conf
#   dev/env.sh odoo ARGS    run odoo-bin with the generated configuration
#   dev/env.sh odoo-cmd CMD ARGS   run an odoo-bin subcommand (module, i18n, shell...)
#   dev/env.sh fresh-db DB  (re)create DB from a cached template with the dependencies
#   dev/env.sh stop         stop the private PostgreSQL cluster
#
# Settings (environment or make variables): ODOO_SRC, ODOO_REPO, DEBT_CACHE, PGPORT.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "$(id -u)" = 0 ]; then
    DEFAULT_CACHE=/var/cache/debt_followup
else
    DEFAULT_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/debt_followup
fi
DEBT_CACHE=${DEBT_CACHE:-$DEFAULT_CACHE}
ODOO_SRC=${ODOO_SRC:-$DEBT_CACHE/odoo-19.0}
ODOO_REPO=${ODOO_REPO:-https://github.com/odoo/odoo.git}
PGPORT=${PGPORT:-55432}
VENV=$DEBT_CACHE/venv
PGDATA=$DEBT_CACHE/pgdata
PGSOCK=$DEBT_CACHE/pgsock
# One configuration per checkout: its addons path names this repository.
CONF=$DEBT_CACHE/conf/odoo-$(echo "$REPO_DIR" | sha1sum | cut -c1-8).conf
# Modules of Odoo the addon stands on: the template database has them installed
# (payment_demo: the demo payment provider of the debtor's page, demo and tests).
BASE_MODULES=account,account_payment,board,mail,payment_demo,phone_validation,sms
# OCA's queue_job (PyPI, pinned in dev/requirements-queue-job.txt), for the
# bridge debt_followup_queue_job: installed with --target into a folder of its
# own, outside the repository, and added to the addons path. Not oca/, which
# dev/bench.py fills with account_credit_control (one --target clobbers another).
QUEUE_JOB_DIR=$DEBT_CACHE/oca-queue
QUEUE_JOB_REQUIREMENTS=$REPO_DIR/dev/requirements-queue-job.txt

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

apt_install() {
    say "Installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

ensure_system_packages() {
    local missing=()
    pg_bindir >/dev/null || missing+=(postgresql)
    command -v chromium >/dev/null || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    command -v pdftoppm >/dev/null || missing+=(poppler-utils)
    [ -e /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
    command -v git >/dev/null || missing+=(git)
    if [ ${#missing[@]} -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

ensure_odoo() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
        if [ -d "$ODOO_SRC" ] && [ -n "$(ls -A "$ODOO_SRC" 2>/dev/null)" ]; then
            die "ODOO_SRC=$ODOO_SRC exists but holds no odoo-bin: point ODOO_SRC at an Odoo 19.0 source tree"
        fi
        say "Cloning Odoo 19.0 from $ODOO_REPO into $ODOO_SRC (once; about 1 GB)"
        mkdir -p "$(dirname "$ODOO_SRC")"
        git clone --quiet --depth 1 --branch 19.0 --single-branch "$ODOO_REPO" "$ODOO_SRC" \
            || die "no Odoo 19 source in ODOO_SRC=$ODOO_SRC and cloning ODOO_REPO=$ODOO_REPO failed"
    fi
    grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" \
        || die "ODOO_SRC=$ODOO_SRC is not Odoo 19.0"
}

ensure_venv() {
    local stamp key constraints
    stamp=$VENV/.debt_followup-stamp
    key=$(cat "$ODOO_SRC/requirements.txt" "$REPO_DIR/requirements.txt" "$REPO_DIR/requirements-dev.txt" | sha1sum | cut -c1-16)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
        return
    fi
    say "Preparing the virtualenv in $VENV (once; about a minute)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    # Some pinned requirements of Odoo are source packages whose setup.py imports
    # pkg_resources: build them with setuptools<81. Keep the machine's constraints.
    constraints=$DEBT_CACHE/constraints.txt
    echo 'setuptools<81' >"$constraints"
    local pip_constraint=$constraints
    [ -f /etc/xdg/pip/constraints.txt ] && pip_constraint="/etc/xdg/pip/constraints.txt $constraints"
    # python-ldap only serves auth_ldap and needs the LDAP headers: left out.
    grep -v -i '^python-ldap' "$ODOO_SRC/requirements.txt" >"$DEBT_CACHE/odoo-requirements.txt"
    # Two steps: holidays needs a newer python-dateutil than Odoo pins (2.8.2),
    # and Odoo runs with 2.9 as well.
    # pip's own exit status stops the setup; only its "Location" warnings are
    # filtered out of what it prints.
    PIP_CONSTRAINT=$pip_constraint "$VENV/bin/pip" install --quiet \
        -r "$DEBT_CACHE/odoo-requirements.txt" 2> >(grep -v "^WARNING: Location" >&2)
    PIP_CONSTRAINT=$pip_constraint "$VENV/bin/pip" install --quiet \
        -r "$REPO_DIR/requirements.txt" -r "$REPO_DIR/requirements-dev.txt" \
        2> >(grep -v "^WARNING: Location" >&2)
    link_odoo_into_venv
    "$VENV/bin/python" -c "import odoo, psycopg2, babel, phonenumbers, holidays, pytest_odoo, websocket, openupgradelib" \
        || die "the virtualenv in $VENV is incomplete (see pip's output above)"
    echo "$key" >"$stamp"
}

link_odoo_into_venv() {
    # Make `import odoo` work in the venv (pytest-odoo imports it).
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$ODOO_SRC" >"$site/debt_followup_odoo_src.pth"
}

ensure_queue_job() {
    # Keyed on the pinned version: a new pin installs again, an unchanged one
    # costs nothing.
    local stamp key
    stamp=$QUEUE_JOB_DIR/.debt_followup-stamp
    key=$(sha1sum <"$QUEUE_JOB_REQUIREMENTS" | cut -c1-16)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] \
        && [ -f "$QUEUE_JOB_DIR/odoo/addons/queue_job/__manifest__.py" ]; then
        return
    fi
    say "Installing OCA queue_job into $QUEUE_JOB_DIR"
    rm -rf "$QUEUE_JOB_DIR"
    mkdir -p "$QUEUE_JOB_DIR"
    "$VENV/bin/pip" install --quiet --no-deps --target "$QUEUE_JOB_DIR" \
        -r "$QUEUE_JOB_REQUIREMENTS" 2> >(grep -v "^WARNING: Location" >&2)
    [ -f "$QUEUE_JOB_DIR/odoo/addons/queue_job/__manifest__.py" ] \
        || die "OCA queue_job is missing from $QUEUE_JOB_DIR (see pip's output above)"
    echo "$key" >"$stamp"
}

pg_run() {
    # PostgreSQL refuses to run as root: use the distribution's postgres account.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_postgres() {
    local bindir
    bindir=$(pg_bindir) || die "PostgreSQL server binaries not found"
    mkdir -p "$PGSOCK"
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in $PGDATA (port $PGPORT, loopback only)"
        mkdir -p "$PGDATA"
        [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA" "$PGSOCK"
        pg_run "$bindir/initdb" -D "$PGDATA" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    [ "$(id -u)" = 0 ] && chown postgres: "$PGSOCK"
    if ! pg_run "$bindir/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        say "Starting PostgreSQL on 127.0.0.1:$PGPORT"
        pg_run "$bindir/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start \
            -o "-p $PGPORT -k $PGSOCK -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
            >/dev/null || die "PostgreSQL did not start: see $PGDATA/server.log"
    fi
}

write_conf() {
    mkdir -p "$DEBT_CACHE/data" "$(dirname "$CONF")"
    cat >"$CONF" <<EOF
[options]
addons_path = $ODOO_SRC/addons,$REPO_DIR,$QUEUE_JOB_DIR/odoo/addons
data_dir = $DEBT_CACHE/data
db_host = 127.0.0.1
db_port = $PGPORT
db_user = odoo
list_db = True
http_interface = 127.0.0.1
admin_passwd = admin
without_demo = True
EOF
}

setup() {
    mkdir -p "$DEBT_CACHE"
    ensure_system_packages
    ensure_odoo
    ensure_venv
    link_odoo_into_venv
    ensure_queue_job
    ensure_postgres
    write_conf
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" "$@"
}

psql_cmd() {
    psql -h 127.0.0.1 -p "$PGPORT" -U odoo -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

fresh_db() {
    # A database with the addon installed, built from a cached template that holds
    # Odoo's modules the addon depends on (keyed on the Odoo commit).
    local db=$1; shift
    local odoo_rev template
    odoo_rev=$(git -C "$ODOO_SRC" rev-parse --short=12 HEAD 2>/dev/null || echo nogit)
    template="debt_tpl_${odoo_rev}_$(echo "$BASE_MODULES $*" | sha1sum | cut -c1-6)"
    if [ -z "$(psql_cmd -c "SELECT 1 FROM pg_database WHERE datname = '$template'")" ]; then
        say "Building template database $template with $BASE_MODULES (once per Odoo commit; a few minutes)"
        odoo_bin -d "$template" -i "$BASE_MODULES" "$@" --stop-after-init --log-level=warn \
            || { psql_cmd -c "DROP DATABASE IF EXISTS \"$template\""; die "could not build $template"; }
    fi
    say "Creating $db from $template"
    psql_cmd -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db'" >/dev/null
    psql_cmd -c "DROP DATABASE IF EXISTS \"$db\""
    psql_cmd -c "CREATE DATABASE \"$db\" TEMPLATE \"$template\""
    rm -rf "$DEBT_CACHE/data/filestore/$db"
    if [ -d "$DEBT_CACHE/data/filestore/$template" ]; then
        mkdir -p "$DEBT_CACHE/data/filestore"
        cp -a "$DEBT_CACHE/data/filestore/$template" "$DEBT_CACHE/data/filestore/$db"
    fi
}

db_exists() {
    [ -n "$(psql_cmd -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" ]
}

cmd=${1:-setup}; shift || true
case "$cmd" in
    setup) setup ;;
    odoo) odoo_bin "$@" ;;
    odoo-cmd) "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@" -c "$CONF" ;;
    fresh-db) fresh_db "$@" ;;
    db-exists) db_exists "$@" ;;
    psql) psql_cmd "$@" ;;
    python) "$VENV/bin/python" "$@" ;;
    bin) echo "$VENV/bin" ;;
    conf) echo "$CONF" ;;
    stop) pg_run "$(pg_bindir)/pg_ctl" -D "$PGDATA" stop -m fast ;;
    *) die "unknown command $cmd" ;;
esac
