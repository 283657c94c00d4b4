/**
 * The base of every error that means "this input cannot be used": a file, a config, records, an
 * export, a lake tree, an argument's value. The message is the whole report (it names the input,
 * what was given and what is allowed); the CLIs print it alone and exit 2 (tools/cli/kit.ts).
 * A module of its own, without imports, so any engine can throw one cheaply.
 */
export class InputError extends Error {}
