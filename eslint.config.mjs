// Lint what bites: Pulumi Outputs in template literals (they print "Calling [toString] on an
// [Output<T>] is not supported" instead of the value) are errors; typescript-eslint's recommended
// rules catch the rest. Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "policy/node_modules/", "bin/", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            // `const { dropped, ...rest } = x` is how a key is left out; `_name` says "unused on purpose".
            "@typescript-eslint/no-unused-vars": [
                "error",
                { ignoreRestSiblings: true, argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
            ],
        },
    },
    {
        // Tests read JSON documents and gRPC messages whose shape is what is under test.
        files: ["tests/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
);
