/**
 * Which file system a path is on, from the kernel's mount table (`/proc/self/mounts`, Linux), so
 * the tools can refuse to write into, or walk, the kernel's pseudo file systems: /proc, /sys,
 * /dev and the like hold the system's state, not files. Node's recursive `mkdir` even loops
 * forever under /proc (mkdir there fails with ENOENT although the parent exists), and a walk of
 * /proc meets folders no one may read. Elsewhere (no mount table) nothing is refused.
 */
import * as fs from "fs";
import * as path from "path";

/** File system types that are the kernel's views, never storage for the tools' files. */
export const PSEUDO_FILESYSTEMS: ReadonlySet<string> = new Set([
    "autofs",
    "binfmt_misc",
    "bpf",
    "cgroup",
    "cgroup2",
    "configfs",
    "debugfs",
    "devpts",
    "devtmpfs",
    "efivarfs",
    "fusectl",
    "hugetlbfs",
    "mqueue",
    "nsfs",
    "proc",
    "pstore",
    "rpc_pipefs",
    "securityfs",
    "sysfs",
    "tracefs",
]);

export interface Mount {
    /** Where it is mounted, absolute. */
    readonly point: string;
    /** The file system type, e.g. `ext4`, `proc`. */
    readonly type: string;
}

/** The mount table's fields escape space, tab, newline and backslash as octal: `\040`. */
function unescapeField(field: string): string {
    return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses the text of /proc/self/mounts (fstab format: device, mount point, type, options, ...). */
export function parseMounts(text: string): Mount[] {
    const mounts: Mount[] = [];
    for (const line of text.split("\n")) {
        const fields = line.trim().split(/\s+/);
        if (fields.length < 3) continue;
        mounts.push({ point: unescapeField(fields[1]), type: fields[2] });
    }
    return mounts;
}

/** The current mount table; empty where there is none to read. */
export function readMounts(table = "/proc/self/mounts"): Mount[] {
    try {
        return parseMounts(fs.readFileSync(table, "utf8"));
    } catch {
        return [];
    }
}

/** The mount `file` (an existing path) is on: the last mounted of the longest mount points containing it. */
export function mountOf(file: string, mounts: readonly Mount[] = readMounts()): Mount | undefined {
    let real: string;
    try {
        real = fs.realpathSync(file);
    } catch {
        real = path.resolve(file);
    }
    let best: Mount | undefined;
    for (const mount of mounts) {
        const inside =
            real === mount.point || real.startsWith(mount.point.endsWith("/") ? mount.point : `${mount.point}/`);
        // Later lines mount over earlier ones at the same point.
        if (inside && (best === undefined || mount.point.length >= best.point.length)) best = mount;
    }
    return best;
}

/** The pseudo file system `file` (an existing path) is on, if it is on one. */
export function pseudoFilesystemOf(file: string, mounts: readonly Mount[] = readMounts()): Mount | undefined {
    const mount = mountOf(file, mounts);
    return mount && PSEUDO_FILESYSTEMS.has(mount.type) ? mount : undefined;
}

/** The mount points of pseudo file systems: folders a walk of a tree does not enter. */
export function pseudoMountPoints(mounts: readonly Mount[] = readMounts()): Set<string> {
    // A point counts by its last mount (a tmpfs mounted over a pseudo file system is storage).
    const last = new Map(mounts.map((mount) => [mount.point, mount.type]));
    return new Set([...last].filter(([, type]) => PSEUDO_FILESYSTEMS.has(type)).map(([point]) => point));
}
