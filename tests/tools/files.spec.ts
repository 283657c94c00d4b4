/**
 * tools/files: the mount table (which file system a path is on) and the output-folder check the
 * writing tools run before any work. The CLI-level messages are tested with each tool.
 */
import * as assert from "node:assert/strict";
import { mountOf, parseMounts, pseudoFilesystemOf, pseudoMountPoints } from "../../tools/files/mounts";
import { describeFsError } from "../../tools/files/outputDir";

const TABLE = [
    "proc /proc proc rw,relatime 0 0",
    "sysfs /sys sysfs rw,relatime 0 0",
    "devtmpfs /dev devtmpfs rw,relatime,mode=755 0 0",
    "tmpfs /dev/shm tmpfs rw,relatime 0 0",
    "/dev/vda / ext4 rw,relatime 0 0",
    "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0",
    "tmpfs /sys/fs/cgroup tmpfs rw,mode=755 0 0",
    "/dev/vdb /mnt/my\\040lake xfs rw 0 0",
    "",
].join("\n");

describe("tools/files", () => {
    describe("mount table", () => {
        const mounts = parseMounts(TABLE);

        it("reads mount points with their octal escapes (a space is \\040)", () => {
            assert.deepEqual(
                mounts.map((m) => `${m.point}=${m.type}`),
                [
                    "/proc=proc",
                    "/sys=sysfs",
                    "/dev=devtmpfs",
                    "/dev/shm=tmpfs",
                    "/=ext4",
                    "/sys/fs/cgroup=cgroup2",
                    "/sys/fs/cgroup=tmpfs",
                    "/mnt/my lake=xfs",
                ],
            );
        });

        it("puts a path on the longest mount point containing it, the last one mounted there", () => {
            const on = (file: string) => mountOf(file, mounts)?.type;
            assert.equal(on("/proc"), "proc");
            assert.equal(on("/proc/self/status"), "proc");
            assert.equal(on("/processes"), "ext4", "a mount point is a whole folder name, not a prefix");
            assert.equal(on("/dev/shm"), "tmpfs");
            assert.equal(on("/sys/fs/cgroup"), "tmpfs");
            assert.equal(on("/mnt/my lake/x"), "xfs");
        });

        it("knows the kernel's pseudo file systems, and storage mounted over one is storage", () => {
            assert.equal(pseudoFilesystemOf("/proc", mounts)?.point, "/proc");
            assert.equal(pseudoFilesystemOf("/dev/null", mounts)?.type, "devtmpfs");
            assert.equal(pseudoFilesystemOf("/dev/shm", mounts), undefined);
            assert.equal(pseudoFilesystemOf("/sys/fs/cgroup", mounts), undefined);
            assert.equal(pseudoFilesystemOf("/sys/kernel", mounts)?.type, "sysfs");
            assert.deepEqual([...pseudoMountPoints(mounts)].sort(), ["/dev", "/proc", "/sys"]);
        });
    });

    it("says what an errno from creating or writing means", () => {
        const err = (code: string) => Object.assign(new Error(code), { code });
        assert.equal(describeFsError(err("EACCES")), "permission denied (EACCES)");
        assert.equal(describeFsError(err("EROFS")), "the file system is read-only (EROFS)");
        assert.equal(describeFsError(err("ENOSPC")), "no space left on the device (ENOSPC)");
        assert.equal(describeFsError(err("EXDEV")), "EXDEV");
    });
});
