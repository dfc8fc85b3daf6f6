#!/bin/sh
# OpenRegistry entrypoint for Akash, where no config file can be mounted.
#
# OpenRegistry reads its settings only from a config.yaml (the OPEN_REGISTRY_* variables of old
# docs do nothing), so this script writes that file from the environment, writes the JWT signing
# key pair, waits for PostgreSQL (Akash has no start ordering), creates the database and tables on
# first start, and then runs the registry. See ../../../shared/reference/registry-stack.md §1.
#
# Environment (the registry stack, stacks/registry.ts, sets all of these):
#   OPENREGISTRY_DNS_ADDRESS            public host name, e.g. registry.example.com (required)
#   OPENREGISTRY_WEB_APP_URL            default https://$OPENREGISTRY_DNS_ADDRESS
#   OPENREGISTRY_DB_HOST                PostgreSQL host (required)
#   OPENREGISTRY_DB_PORT                default 5432
#   OPENREGISTRY_DB_NAME                default open_registry
#   OPENREGISTRY_DB_USER                default open_registry_user (created by `migrations init`)
#   OPENREGISTRY_DB_PASSWORD            that user's password (required)
#   OPENREGISTRY_DB_ADMIN_USER          default postgres
#   OPENREGISTRY_DB_ADMIN_PASSWORD      its password (required; used by `migrations init` only)
#   OPENREGISTRY_IPFS_RPC_MULTI_ADDR    Kubo RPC, default /dns4/ipfs/tcp/5001
#   OPENREGISTRY_IPFS_GATEWAY_ENDPOINT  PUBLIC gateway base URL; pulls are redirected there (required)
#   OPENREGISTRY_AUTH_KEY_PEM_BASE64    base64 of the RSA private key (PEM) that signs tokens (required)
#   OPENREGISTRY_DB_WAIT_SECONDS        how long to wait for PostgreSQL before exiting, default 300
#   OPENREGISTRY_CONFIG_DIR             where config.yaml and keys/ go, default the working directory
set -eu

log() { printf 'openregistry-entrypoint: %s\n' "$*" >&2; }

missing=""
for name in OPENREGISTRY_DNS_ADDRESS OPENREGISTRY_DB_HOST OPENREGISTRY_DB_PASSWORD \
  OPENREGISTRY_DB_ADMIN_PASSWORD OPENREGISTRY_IPFS_GATEWAY_ENDPOINT OPENREGISTRY_AUTH_KEY_PEM_BASE64; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || missing="$missing $name"
done
if [ -n "$missing" ]; then
  log "missing environment variables:$missing (see the comment at the top of this script)"
  exit 64
fi

: "${OPENREGISTRY_WEB_APP_URL:=https://$OPENREGISTRY_DNS_ADDRESS}"
: "${OPENREGISTRY_DB_PORT:=5432}"
: "${OPENREGISTRY_DB_NAME:=open_registry}"
: "${OPENREGISTRY_DB_USER:=open_registry_user}"
: "${OPENREGISTRY_DB_ADMIN_USER:=postgres}"
: "${OPENREGISTRY_IPFS_RPC_MULTI_ADDR:=/dns4/ipfs/tcp/5001}"
: "${OPENREGISTRY_DB_WAIT_SECONDS:=300}"
config_dir="${OPENREGISTRY_CONFIG_DIR:-$PWD}"

case "$OPENREGISTRY_DB_PORT" in
  '' | *[!0-9]*) log "OPENREGISTRY_DB_PORT must be a port number, not '$OPENREGISTRY_DB_PORT'"; exit 64 ;;
esac

# OpenRegistry would take a whole config from this variable instead of the file, and mis-read it
# (no viper fix-ups: the environment enum and the key files do not survive a raw unmarshal).
unset OPENREGISTRY_CONFIG

# Everything written from here holds secrets: owner-only.
umask 077
mkdir -p "$config_dir/keys"
key="$config_dir/keys/auth.key"
pub="$config_dir/keys/auth.pub"
if ! printf '%s' "$OPENREGISTRY_AUTH_KEY_PEM_BASE64" | base64 -d > "$key.tmp" 2>/dev/null; then
  log "OPENREGISTRY_AUTH_KEY_PEM_BASE64 is not base64"
  exit 64
fi
# registry.auth.pub_key must be a readable PEM on every start; derive it from the private key.
if ! openssl pkey -in "$key.tmp" -pubout -out "$pub.tmp" 2>/dev/null; then
  log "OPENREGISTRY_AUTH_KEY_PEM_BASE64 does not hold a PEM private key"
  exit 64
fi
mv "$key.tmp" "$key"
mv "$pub.tmp" "$pub"

# A YAML single-quoted scalar: only ' needs escaping, as ''. Values cannot break the document.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }

# Keys and values per registry-stack.md §1.3. The traps: environment must be staging (production
# fails validation, local builds a wrong token realm); dfs.mock.type must be MemMapped or FS even
# unused; dfs.ipfs.pinning must be true or layers stay unpinned and GC removes them.
cat > "$config_dir/config.yaml.tmp" <<YAML
environment: staging
debug: false
web_app:
  endpoints:
    - $(q "$OPENREGISTRY_WEB_APP_URL")
  redirect_url: $(q "$OPENREGISTRY_WEB_APP_URL/repositories")
  error_redirect_path: /auth/unhandled
  callback_url: /api/oauth/callback
registry:
  dns_address: $(q "$OPENREGISTRY_DNS_ADDRESS")
  fqdn: $(q "$OPENREGISTRY_DNS_ADDRESS")
  host: 0.0.0.0
  port: 5000
  tls:
    enabled: false
  auth:
    enabled: true
    priv_key: $(q "$key")
    pub_key: $(q "$pub")
database:
  kind: postgres
  host: $(q "$OPENREGISTRY_DB_HOST")
  port: $OPENREGISTRY_DB_PORT
  username: $(q "$OPENREGISTRY_DB_USER")
  password: $(q "$OPENREGISTRY_DB_PASSWORD")
  name: $(q "$OPENREGISTRY_DB_NAME")
dfs:
  ipfs:
    enabled: true
    type: p2p
    local: false
    pinning: true
    rpc_multi_addr: $(q "$OPENREGISTRY_IPFS_RPC_MULTI_ADDR")
    gateway_endpoint: $(q "$OPENREGISTRY_IPFS_GATEWAY_ENDPOINT")
  mock:
    enabled: false
    type: MemMapped
email:
  enabled: false
web_authn_config:
  enabled: false
  rp_display_name: OpenRegistry
  rp_id: $(q "$OPENREGISTRY_DNS_ADDRESS")
  rp_origins:
    - $(q "$OPENREGISTRY_WEB_APP_URL")
YAML
mv "$config_dir/config.yaml.tmp" "$config_dir/config.yaml"
log "wrote $config_dir/config.yaml"

waited=0
until nc -z "$OPENREGISTRY_DB_HOST" "$OPENREGISTRY_DB_PORT" 2>/dev/null; do
  if [ "$waited" -ge "$OPENREGISTRY_DB_WAIT_SECONDS" ]; then
    log "PostgreSQL at $OPENREGISTRY_DB_HOST:$OPENREGISTRY_DB_PORT is not reachable after ${waited}s; exiting so the container restarts"
    exit 1
  fi
  [ $((waited % 30)) -eq 0 ] && log "waiting for PostgreSQL at $OPENREGISTRY_DB_HOST:$OPENREGISTRY_DB_PORT"
  sleep 2
  waited=$((waited + 2))
done

# `migrations init` is not idempotent: each run adds another unique constraint to
# image_manifests. Run it only while the registry's tables do not exist yet.
schema_present() {
  command -v psql > /dev/null 2>&1 || return 1
  PGPASSWORD="$OPENREGISTRY_DB_PASSWORD" PGCONNECT_TIMEOUT=5 psql -h "$OPENREGISTRY_DB_HOST" -p "$OPENREGISTRY_DB_PORT" \
    -U "$OPENREGISTRY_DB_USER" -d "$OPENREGISTRY_DB_NAME" -tAc "select to_regclass('public.image_manifests') is not null" 2>/dev/null |
    grep -qx t
}
if schema_present; then
  log "database $OPENREGISTRY_DB_NAME already has its tables; skipping migrations init"
else
  log "creating database $OPENREGISTRY_DB_NAME, user $OPENREGISTRY_DB_USER and tables (migrations init)"
  # --insecure=true: postgres:15-alpine serves no TLS; without it the driver insists on TLS.
  openregistry migrations init \
    --host="$OPENREGISTRY_DB_HOST" \
    --port="$OPENREGISTRY_DB_PORT" \
    --database="$OPENREGISTRY_DB_NAME" \
    --username="$OPENREGISTRY_DB_USER" \
    --password="$OPENREGISTRY_DB_PASSWORD" \
    --admin-db=postgres \
    --admin-db-username="$OPENREGISTRY_DB_ADMIN_USER" \
    --admin-db-password="$OPENREGISTRY_DB_ADMIN_PASSWORD" \
    --insecure=true
fi

# The running registry needs none of these any more (its config.yaml has what it needs).
unset OPENREGISTRY_DB_PASSWORD OPENREGISTRY_DB_ADMIN_PASSWORD OPENREGISTRY_AUTH_KEY_PEM_BASE64

cd "$config_dir" # OpenRegistry reads ./config.yaml
[ "$#" -gt 0 ] || set -- start
exec openregistry "$@"
