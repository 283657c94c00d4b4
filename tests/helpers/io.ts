/**
 * Captures what a CLI entry point writes to stdout and stderr, by replacing
 * process.stdout.write / process.stderr.write for the duration of the call.
 */
export interface Captured<T> {
    readonly result: T;
    readonly stdout: string;
    readonly stderr: string;
}

export async function captureOutput<T>(fn: () => Promise<T>): Promise<Captured<T>> {
    const out: string[] = [];
    const err: string[] = [];
    const originalOut = process.stdout.write;
    const originalErr = process.stderr.write;
    const sink =
        (into: string[]) =>
        (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
            into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
            const callback = rest.find((x) => typeof x === "function") as (() => void) | undefined;
            callback?.();
            return true;
        };
    process.stdout.write = sink(out) as typeof process.stdout.write;
    process.stderr.write = sink(err) as typeof process.stderr.write;
    try {
        const result = await fn();
        return { result, stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.stdout.write = originalOut;
        process.stderr.write = originalErr;
    }
}
