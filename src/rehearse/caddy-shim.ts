/**
 * The one change a rehearsal makes to the stack: Caddy gets its certificates from its own local
 * CA instead of Let's Encrypt, which cannot reach this machine. The stack's command writes the
 * Caddyfile and runs `caddy run --config F --adapter caddyfile` exactly as on a provider; this
 * stand-in for `caddy` adds the global options `local_certs` and `skip_install_trust` to a copy of
 * that Caddyfile (into its first global options block, or a new one in front) and runs the real
 * Caddy on the copy. Any other invocation goes straight through.
 *
 * Shell, not Node: it runs inside the service's root as the image's `caddy` would. Written with
 * plain `$name` expansions (no braces), since it lives in a JavaScript template literal.
 */
export const CADDY_LOCAL_CA_SHIM = `#!/bin/sh
# akash-stack rehearse: Caddy with its local CA instead of Let's Encrypt (src/rehearse/caddy-shim.ts).
set -eu
real=/usr/local/lib/akash-stack-rehearse/caddy
if [ "$#" -eq 0 ] || { [ "$1" != run ] && [ "$1" != start ]; }; then exec "$real" "$@"; fi
config=""
adapter=""
previous=""
for arg in "$@"; do
  case "$previous" in
    --config) config="$arg" ;;
    --adapter) adapter="$arg" ;;
  esac
  previous="$arg"
done
case "$config" in
  *Caddyfile*) [ -n "$adapter" ] || adapter=caddyfile ;;
esac
if [ -z "$config" ] || [ "$adapter" != caddyfile ]; then exec "$real" "$@"; fi
patched="$config.rehearse"
awk '
  function options() { print "  local_certs"; print "  skip_install_trust" }
  !done && /^[[:space:]]*(#.*)?$/ { print; next }
  !done && /^[[:space:]]*\\{[[:space:]]*$/ { print; options(); done = 1; next }
  !done { print "{"; options(); print "}"; done = 1 }
  { print }
  END { if (!done) { print "{"; options(); print "}" } }
' "$config" > "$patched"
echo "akash-stack rehearse: Caddy uses its local CA (local_certs) instead of Let's Encrypt: $patched" >&2
# Rebuild the arguments with the copy in place of the Caddyfile: append the new list after the
# old one (the loop walks the old one, expanded once), then drop the old one.
count=$#
previous=""
for arg in "$@"; do
  if [ "$previous" = --config ]; then set -- "$@" "$patched"; else set -- "$@" "$arg"; fi
  previous="$arg"
done
shift "$count"
exec "$real" "$@"
`;
