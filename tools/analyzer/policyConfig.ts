/**
 * Policy pack configuration as `pulumi preview --policy-pack-config FILE` reads it
 * (pulumi/pulumi pkg/resource/analyzer/config.go): a JSON object keyed by policy name, or `all`;
 * each value an enforcement level, or an object with an optional `enforcementLevel` and the
 * policy's config properties.
 *
 *   { "all": "mandatory",
 *     "log-group-retention-set": { "enforcementLevel": "advisory", "minRetentionDays": 30 },
 *     "athena-workgroup-enforced": "disabled" }
 *
 * Resolved like the CLI: each policy's schema defaults, then `all`, then the policy's own entry,
 * validated against the policy's `configSchema`. Stricter than the CLI in one way: a key that is
 * not a policy of the pack, or a property the schema does not declare, is an error (a typo would
 * otherwise silently change nothing).
 */
import type { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";
import { z } from "zod";
import { InputError } from "../files/inputError";

export type PolicyConfigEntry = { readonly enforcementLevel?: EnforcementLevel } & Readonly<Record<string, unknown>>;
export type PolicyConfig = Readonly<Record<string, PolicyConfigEntry>>;

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyConfigProblem {
    readonly path: string;
    readonly message: string;
}

/** A config file that does not fit the pack: every problem, reported at once; the CLIs exit 2. */
export class PolicyConfigError extends InputError {
    constructor(
        readonly problems: readonly PolicyConfigProblem[],
        readonly source: string,
    ) {
        const header = `Invalid policy config in ${source}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`;
        super([header, ...problems.map((p) => `  - ${p.path}: ${p.message}`)].join("\n"));
        this.name = "PolicyConfigError";
    }
}

/** Schema defaults of every policy, overridden by `file` (parsed JSON) when given. */
export function resolvePolicyConfig(policies: Policies, file?: unknown, source = "the policy config"): PolicyConfig {
    const problems: PolicyConfigProblem[] = [];
    const resolved: Record<string, Record<string, unknown>> = {};
    for (const policy of policies) resolved[policy.name] = defaultsOf(policy.configSchema);
    if (file === undefined) return resolved;

    if (typeof file !== "object" || file === null || Array.isArray(file)) {
        throw new PolicyConfigError(
            [{ path: "(top level)", message: 'expected a JSON object keyed by policy name (or "all")' }],
            source,
        );
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    const entries = Object.entries(file as Record<string, unknown>);
    // "all" first, so that a policy's own entry overrides it wherever it is in the file.
    for (const [key, value] of [...entries.filter(([k]) => k === "all"), ...entries.filter(([k]) => k !== "all")]) {
        if (key === "environments") {
            problems.push({
                path: key,
                message: "Pulumi ESC environments cannot be opened offline; put the values in this file",
            });
            continue;
        }
        if (key === "all") {
            const level = levelOf(value, key, problems);
            if (level) for (const name of byName.keys()) resolved[name].enforcementLevel = level;
            continue;
        }
        const policy = byName.get(key);
        if (!policy) {
            problems.push({
                path: key,
                message: `no policy of that name in the pack; policies: ${[...byName.keys()].join(", ")}`,
            });
            continue;
        }
        if (typeof value === "string") {
            const level = levelOf(value, key, problems);
            if (level) resolved[key].enforcementLevel = level;
            continue;
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            problems.push({
                path: key,
                message: `expected an enforcement level (${ENFORCEMENT_LEVELS.join(", ")}) or an object; given ${JSON.stringify(value)}`,
            });
            continue;
        }
        const { enforcementLevel, ...properties } = value as Record<string, unknown>;
        if (enforcementLevel !== undefined) {
            const level = levelOf(enforcementLevel, `${key}.enforcementLevel`, problems);
            if (level) resolved[key].enforcementLevel = level;
        }
        problems.push(...schemaProblems(policy.configSchema, properties, key));
        Object.assign(resolved[key], properties);
    }
    if (problems.length > 0) throw new PolicyConfigError(problems, source);
    return resolved;
}

function levelOf(value: unknown, path: string, problems: PolicyConfigProblem[]): EnforcementLevel | undefined {
    if (typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value))
        return value as EnforcementLevel;
    problems.push({
        path,
        message: `not an enforcement level; given ${JSON.stringify(value)}, allowed: ${ENFORCEMENT_LEVELS.join(", ")}`,
    });
    return undefined;
}

function defaultsOf(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        if (typeof property === "object" && property.default !== undefined)
            out[key] = structuredClone(property.default);
    }
    return out;
}

function schemaProblems(
    schema: PolicyConfigSchema | undefined,
    properties: Record<string, unknown>,
    policy: string,
): PolicyConfigProblem[] {
    const keys = Object.keys(properties);
    if (!schema) {
        return keys.length === 0
            ? []
            : [
                  {
                      path: `${policy}.${keys[0]}`,
                      message: "this policy takes no configuration, only an enforcementLevel",
                  },
              ];
    }
    const validator = z.fromJSONSchema({
        type: "object",
        properties: schema.properties,
        required: schema.required ?? [],
        additionalProperties: false,
    } as never);
    const result = validator.safeParse(properties);
    if (result.success) return [];
    const declared = Object.keys(schema.properties).join(", ");
    return result.error.issues.map((issue) => {
        const path = [policy, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
            .join(".")
            .replace(/\.\[/g, "[");
        if (issue.code === "unrecognized_keys") {
            return {
                path: `${policy}.${issue.keys.join(", ")}`,
                message: `not a setting of this policy; settings: ${declared}`,
            };
        }
        return { path, message: issue.message };
    });
}
