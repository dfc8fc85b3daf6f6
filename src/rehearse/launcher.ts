/**
 * The shell script that turns this machine into one service's container, rendered from the plan.
 * It runs as root inside the stack's network namespace, as the first process of a new PID and
 * mount namespace (`unshare --pid --fork --mount`), so that killing it kills the whole service,
 * as a container's processes die with its PID 1, and its mounts are seen by nothing else.
 *
 * The service's root is an overlay of this machine's root with a tmpfs on top: the image's
 * programs, users and folders are written there, the SDL's volumes are bind-mounted at their SDL
 * mount paths, and nothing on the machine itself changes (no file appears at /data/ipfs or
 * /sbin/tini). Then it `chroot`s into it and execs the container's argv with the environment it
 * was started with, which is exactly the container's (the supervisor sets it; secrets never touch
 * the disk).
 *
 * Pure: returns text. Every value is single-quoted, so names and paths cannot break the script.
 */
import type { ImageRuntime } from "./images.js";
import type { RehearsalService } from "./plan.js";

export interface LaunchPaths {
  /** This service's folder: its root, scratch tmpfs, text files and pid file live here. */
  serviceDir: string;
  /** Where each of its volumes lives on this machine, by SDL volume name. */
  volumeDirs: Readonly<Record<string, string>>;
  /** `.cache/tools/bin`, where `{tool}` files come from. */
  toolsBin: string;
}

/** The shell word for `text`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Text files the launcher copies in: written by the supervisor as `<serviceDir>/files/<index>`. */
export function textFiles(runtime: ImageRuntime): Array<{ index: number; text: string }> {
  return runtime.files.flatMap((f, index) => ("text" in f.from ? [{ index, text: f.from.text }] : []));
}

export function renderLauncher(service: RehearsalService, paths: LaunchPaths): string {
  const q = shellQuote;
  const runtime = service.runtime;
  const root = `${paths.serviceDir}/root`;
  const scratch = `${paths.serviceDir}/scratch`;
  const lines: string[] = [
    "#!/bin/sh",
    `# akash-stack rehearse: service ${service.name} (${service.image}); see src/rehearse/launcher.ts.`,
    "set -eu",
    `root=${q(root)}`,
    `scratch=${q(scratch)}`,
    // This shell is PID 1 of the new namespace; /proc is still the machine's, so its entry for
    // "self" is the host PID, which the supervisor reports and `kill -9` takes.
    "read -r host_pid _ < /proc/self/stat",
    `printf '%s\\n' "$host_pid" > ${q(`${paths.serviceDir}/pid.tmp`)}`,
    `mv ${q(`${paths.serviceDir}/pid.tmp`)} ${q(`${paths.serviceDir}/pid`)}`,
    'mkdir -p "$root" "$scratch"',
    'mount -t tmpfs -o mode=0755 tmpfs "$scratch"',
    'mkdir -p "$scratch/upper" "$scratch/work"',
    'mount -t overlay overlay -o "lowerdir=/,upperdir=$scratch/upper,workdir=$scratch/work" "$root"',
    'mount -t proc proc "$root/proc"',
    'mount --rbind /sys "$root/sys"',
    'mount --rbind /dev "$root/dev"',
    'mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"',
    'mount -t tmpfs -o mode=0755 tmpfs "$root/run"',
    // The namespace's hosts file (ip netns exec put it over /etc/hosts) is not in the overlay's
    // lower layer, which is the bare root file system.
    'mount --bind /etc/hosts "$root/etc/hosts"',
    'if [ -f /etc/resolv.conf ]; then mount --bind /etc/resolv.conf "$root/etc/resolv.conf"; fi',
  ];

  for (const user of runtime.users) {
    lines.push(`printf '%s\\n' ${q(`${user.name}:x:${user.uid}:${user.gid}::${user.home}:/bin/sh`)} >> "$root/etc/passwd"`);
  }
  for (const dir of runtime.dirs) {
    const owner = ownerOf(runtime, dir.owner);
    lines.push(`mkdir -p "$root"${q(dir.path)}`, `chown ${owner} "$root"${q(dir.path)}`);
  }
  runtime.files.forEach((file, index) => {
    const target = `"$root"${q(file.path)}`;
    lines.push(`mkdir -p "$(dirname ${target})"`);
    if ("text" in file.from) {
      lines.push(`cp ${q(`${paths.serviceDir}/files/${index}`)} ${target}`, `chmod ${file.mode.toString(8)} ${target}`);
    } else {
      const source = "tool" in file.from ? `${paths.toolsBin}/${file.from.tool}` : file.from.host;
      // A bind mount, not a copy: a 100 MB binary would otherwise fill the tmpfs layer.
      lines.push(`rm -f ${target}`, `: > ${target}`, `mount --bind ${q(source)} ${target}`);
    }
  });
  for (const volume of service.volumes) {
    const source = paths.volumeDirs[volume.name];
    if (source === undefined) throw new Error(`service ${service.name}: volume ${volume.name} has no folder`);
    const target = `"$root"${q(volume.mount)}`;
    lines.push(`mkdir -p ${target}`, `mount --bind ${q(source)} ${target}`);
    if (volume.readOnly) lines.push(`mount -o remount,bind,ro ${target}`);
  }

  // The argv comes in the environment (src/rehearse/supervisor.ts says why); take it back out, so
  // the container's environment is exactly its own, then `cd` to the image's WORKDIR inside the
  // root and exec it.
  lines.push(
    "set --",
    "i=0",
    'while [ "$i" -lt "$AKASH_STACK_REHEARSE_ARGC" ]; do',
    '  eval "arg=\\$AKASH_STACK_REHEARSE_ARG_$i"',
    '  set -- "$@" "$arg"',
    '  unset "AKASH_STACK_REHEARSE_ARG_$i"',
    "  i=$((i + 1))",
    "done",
    "unset AKASH_STACK_REHEARSE_ARGC arg i",
    `exec chroot "$root" /bin/sh -c 'cd "$0" && exec "$@"' ${q(runtime.workdir)} "$@"`,
  );
  return `${lines.join("\n")}\n`;
}

function ownerOf(runtime: ImageRuntime, name: string): string {
  if (name === "root") return "0:0";
  const user = runtime.users.find((u) => u.name === name);
  if (!user) throw new Error(`image ${runtime.image}: folder owner ${name} is not one of its users`);
  return `${user.uid}:${user.gid}`;
}
