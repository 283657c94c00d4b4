/**
 * The folder a tool writes into, checked before any work: it must be a directory (or creatable
 * as one), not on one of the kernel's pseudo file systems, and writable. Otherwise the tool
 * would compute everything and then fail on its first write with a stack trace, or (under
 * /proc) never return.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "./inputError";
import { pseudoFilesystemOf } from "./mounts";

/** An output folder that cannot be used; printed alone, exit status 2, nothing written. */
export class OutputDirError extends InputError {}

/** What an errno from creating or writing means, in words. */
export function describeFsError(err: unknown): string {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    switch (code) {
        case "EACCES":
            return "permission denied (EACCES)";
        case "EPERM":
            return "operation not permitted (EPERM)";
        case "EROFS":
            return "the file system is read-only (EROFS)";
        case "ENOSPC":
            return "no space left on the device (ENOSPC)";
        case "EDQUOT":
            return "the disk quota is used up (EDQUOT)";
        case "ENAMETOOLONG":
            return "a name in the path is too long (ENAMETOOLONG)";
        case "ELOOP":
            return "too many symbolic links (ELOOP)";
        default:
            return code ?? String((err as Error)?.message ?? err);
    }
}

/**
 * Makes sure `dir` is a writable directory, creating it (and its parents) when missing, or
 * throws OutputDirError naming `option` and `dir`. When it refuses, nothing is left behind: a
 * folder it created for the check is removed again.
 */
export function prepareOutputDir(dir: string, option = "--out"): void {
    const target = path.resolve(dir);
    // The deepest part of the path that exists: the rest is to be created.
    let existing = target;
    let stat: fs.Stats | undefined;
    for (;;) {
        try {
            stat = fs.statSync(existing);
            break;
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code !== "ENOENT" && code !== "ENOTDIR") {
                const where = existing === target ? "" : `cannot look at ${existing}: `;
                throw new OutputDirError(`${option} ${dir}: ${where}${describeFsError(err)}`);
            }
        }
        const parent = path.dirname(existing);
        if (parent === existing) break;
        existing = parent;
    }
    if (stat && !stat.isDirectory()) {
        throw new OutputDirError(
            existing === target
                ? `${option} ${dir} is a file, not a directory`
                : `${option} ${dir}: ${existing} is a file, not a directory, so no folder can be created in it`,
        );
    }
    const pseudo = pseudoFilesystemOf(existing);
    if (pseudo) {
        throw new OutputDirError(
            `${option} ${dir} is on ${pseudo.point}, a ${pseudo.type} file system (the kernel's view of the system, not storage): choose a directory on a disk`,
        );
    }
    let created: string | undefined;
    try {
        created = fs.mkdirSync(target, { recursive: true });
    } catch (err) {
        throw new OutputDirError(`${option} ${dir}: cannot create it: ${describeFsError(err)}`);
    }
    const probe = path.join(target, `.write-probe-${process.pid}-${Date.now()}`);
    try {
        fs.writeFileSync(probe, "", { flag: "wx" });
        fs.rmSync(probe);
    } catch (err) {
        if (created !== undefined) fs.rmSync(created, { recursive: true, force: true });
        throw new OutputDirError(`${option} ${dir} is not writable: ${describeFsError(err)}`);
    }
}
