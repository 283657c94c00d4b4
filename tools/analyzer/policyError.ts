/**
 * A policy threw something other than an unknown value or not-applicable: a bug in the policy, not
 * a verdict and not bad input (the CLIs print it and exit 1). A module of its own, without
 * imports, so the CLI kit can recognise it without loading the policy SDK.
 */
export class PolicyError extends Error {}
