/**
 * Reading resource properties that may be unknown.
 *
 * During `pulumi preview` the engine hands policies properties whose values are not known yet (ids,
 * ARNs, anything computed from them). @pulumi/policy wraps every `props` in a proxy that THROWS
 * `UnknownValueError` when such a value is read; the server then turns the whole policy into an
 * advisory "can't run policy ... during preview" note. The stack policies of this pack must keep
 * deciding during preview (they link resources through dependencies instead), so they never read a
 * property directly: they go through `read` and friends, which answer `UNKNOWN` instead of throwing.
 *
 * Also recognised: the raw sentinel strings themselves (hand-built props without the proxy).
 */
import { UnknownValueError } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";

/** A value the engine does not know yet (preview), or cannot show (an encrypted secret). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;
/** Known (T), unknown, or absent (undefined). */
export type Maybe<T> = T | Unknown | undefined;

// The sentinels are @internal in proxy.d.ts, but part of the wire protocol and stable since 2019.
const sentinels = policyProxy as unknown as Record<string, string>;
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set(
    [
        "unknownStringValue",
        "unknownNumberValue",
        "unknownBooleanValue",
        "unknownArrayValue",
        "unknownObjectValue",
        "unknownAssetValue",
        "unknownArchiveValue",
    ].map((key) => sentinels[key]),
);

export function isUnknownError(err: unknown): boolean {
    // instanceof fails across two copies of @pulumi/policy (a pack with its own node_modules); the class name does not.
    return err instanceof UnknownValueError || (err as Error | undefined)?.constructor?.name === "UnknownValueError";
}

export function isUnknownSentinel(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

// The proxy hands out its target under these keys (proxy.ts: isSpecialProxy, getSpecialProxyTarget).
// Reading the target avoids an exception per unknown value, which at 100,000 resources is most of
// the time a preview check takes. Should a release drop the keys, `read` falls back to catching.
const IS_SPECIAL_PROXY = "__isSpecialProxy";
const SPECIAL_PROXY_TARGET = "__getSpecialProxyTarget";

/** The plain object behind an unknown-checking proxy (the value itself if it is not one). */
export function unproxied<T>(value: T): T {
    if (value === null || typeof value !== "object") return value;
    try {
        const record = value as unknown as Record<string, unknown>;
        if (record[IS_SPECIAL_PROXY] === true) {
            const target = record[SPECIAL_PROXY_TARGET];
            if (target !== null && typeof target === "object") return target as T;
        }
    } catch {
        // A property of that name holding an unknown: keep the proxy.
    }
    return value;
}

/** `obj.a.b[0]`, or UNKNOWN if any step is unknown, or undefined if any step is absent. */
export function read(obj: unknown, ...path: readonly (string | number)[]): unknown {
    let current: unknown = unproxied(obj);
    for (const key of path) {
        if (current === undefined || current === null || typeof current !== "object") return undefined;
        try {
            current = (current as Record<string | number, unknown>)[key];
        } catch (err) {
            if (isUnknownError(err)) return UNKNOWN;
            throw err;
        }
        if (isUnknownSentinel(current)) return UNKNOWN;
    }
    return current;
}

/** A string property: the string, UNKNOWN, or undefined when absent or not a string. */
export function readString(obj: unknown, ...path: readonly (string | number)[]): Maybe<string> {
    const value = read(obj, ...path);
    return value === UNKNOWN || typeof value === "string" ? value : undefined;
}

export function readNumber(obj: unknown, ...path: readonly (string | number)[]): Maybe<number> {
    const value = read(obj, ...path);
    if (value === UNKNOWN || typeof value === "number") return value;
    // State files and JSON configs sometimes carry numbers as strings ("60").
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

export function readBoolean(obj: unknown, ...path: readonly (string | number)[]): Maybe<boolean> {
    const value = read(obj, ...path);
    if (value === UNKNOWN || typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    return undefined;
}

/** An array property with each element read safely (an unknown element becomes UNKNOWN). */
export function readArray(obj: unknown, ...path: readonly (string | number)[]): Maybe<unknown[]> {
    const value = read(obj, ...path);
    if (value === UNKNOWN) return UNKNOWN;
    if (!Array.isArray(value)) return undefined;
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(read(value, i));
    return out;
}

/**
 * A deep plain copy of a (possibly proxied) value, with UNKNOWN wherever a value is unknown. For
 * documents the policies walk as a whole, such as IAM policy JSON given as an object.
 */
export function toPlain(value: unknown, depth = 0): unknown {
    value = unproxied(value);
    if (isUnknownSentinel(value)) return UNKNOWN;
    if (value === null || typeof value !== "object" || depth > 32) return value;
    if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) out.push(toPlain(read(value, i), depth + 1));
        return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = toPlain(read(value, key), depth + 1);
    return out;
}

/** For messages: a string value as it is, or a word for what it is. */
export function show(value: unknown): string {
    if (value === UNKNOWN) return "(unknown)";
    if (value === undefined) return "(not set)";
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** For messages: a value as the user wrote it (JSON), or a word for what it is. */
export function describe(value: unknown): string {
    if (value === UNKNOWN) return "(unknown until deployed)";
    if (value === undefined) return "(not set)";
    return JSON.stringify(value);
}
