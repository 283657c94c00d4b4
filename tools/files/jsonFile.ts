/**
 * Reads a JSON file for the command-line tools, with errors a user can act on: the file and, for
 * bad JSON, the line and column (V8's messages give a position only for some errors).
 */
import * as fs from "fs";
import { InputError } from "./inputError";

/** A file that cannot be read or is not JSON; the CLIs print the message and exit 2. */
export class JsonFileError extends InputError {}

/**
 * The largest JSON file read: V8's longest string is just under 512 MiB (2^29 - 24 characters),
 * so a larger file cannot even be held as text. Refused by its size, before it is read.
 */
export const MAX_JSON_BYTES = 2 ** 29 - 24;

export function readJsonFile(file: string, what: string): unknown {
    let text: string;
    try {
        const size = fs.statSync(file).size;
        if (size > MAX_JSON_BYTES) {
            throw new JsonFileError(
                `cannot read ${what} ${file}: it is ${Math.round(size / 2 ** 20)} MiB; a JSON file read here is at most 512 MiB`,
            );
        }
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        if (err instanceof JsonFileError) throw err;
        throw new JsonFileError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    return parseJson(text.replace(/^\uFEFF/, ""), file);
}

export function parseJson(text: string, file: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        // V8's own messages differ between Node versions and often lack a position: find it ourselves.
        const offset = errorOffset(text);
        const { line, column } = lineAndColumn(text, offset);
        const found = offset >= text.length ? "end of file" : JSON.stringify(text[offset]);
        throw new JsonFileError(`${file}:${line}:${column}: not valid JSON: unexpected ${found}`);
    }
}

/** 1-based line and column of a 0-based offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < text.length; i++) {
        if (text[i] === "\n") {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, column: offset - lineStart + 1 };
}

/**
 * The offset of the first syntax error in `text` (which JSON.parse refused): a small
 * recursive-descent reader of RFC 8259 that stops where JSON.parse would.
 */
export function errorOffset(text: string): number {
    let i = 0;
    const fail = (): never => {
        throw i;
    };
    const space = () => {
        while (i < text.length && " \t\n\r".includes(text[i])) i++;
    };
    const literal = (word: string) => {
        for (const ch of word) {
            if (text[i] !== ch) fail();
            i++;
        }
    };
    const string = () => {
        if (text[i] !== '"') fail();
        i++;
        while (i < text.length && text[i] !== '"') {
            const code = text.charCodeAt(i);
            if (code < 0x20) fail();
            if (text[i] === "\\") {
                i++;
                if (text[i] === "u") {
                    i++;
                    for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? "")) fail();
                    continue;
                }
                if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail();
            }
            i++;
        }
        if (i >= text.length) fail();
        i++;
    };
    const number = () => {
        const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!match || match[0] === "" || match[0] === "-") fail();
        i += match![0].length;
    };
    const value = (depth: number): void => {
        if (depth > 10_000) fail();
        space();
        const ch = text[i];
        if (ch === "{") {
            i++;
            space();
            if (text[i] === "}") {
                i++;
                return;
            }
            for (;;) {
                space();
                string();
                space();
                if (text[i] !== ":") fail();
                i++;
                value(depth + 1);
                space();
                if (text[i] === ",") {
                    i++;
                    continue;
                }
                if (text[i] === "}") {
                    i++;
                    return;
                }
                fail();
            }
        }
        if (ch === "[") {
            i++;
            space();
            if (text[i] === "]") {
                i++;
                return;
            }
            for (;;) {
                value(depth + 1);
                space();
                if (text[i] === ",") {
                    i++;
                    continue;
                }
                if (text[i] === "]") {
                    i++;
                    return;
                }
                fail();
            }
        }
        if (ch === '"') return string();
        if (ch === "t") return literal("true");
        if (ch === "f") return literal("false");
        if (ch === "n") return literal("null");
        return number();
    };
    try {
        value(0);
        space();
        if (i < text.length) fail();
        return text.length;
    } catch (at) {
        if (typeof at === "number") return at;
        throw at;
    }
}
