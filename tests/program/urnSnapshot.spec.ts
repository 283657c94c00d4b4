/**
 * A renamed resource is a replaced resource: the stacks deployed today must keep every URN.
 *
 * tests/fixtures/urns/ holds copies of the dev, staging and prod stack configs as they were
 * deployed, and the sorted URNs their offline plans registered then. Any change to a logical name,
 * a type token or a parent shows up here as a URN added or removed. A deliberate migration moves
 * a URN only with an alias and updates the snapshot in the same commit.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { planStack, toEngineConfig } from "../../tools/plan/offlinePlan";
import { loadStackFile } from "../../tools/files/stackFile";

const SNAPSHOTS = path.join(__dirname, "..", "fixtures", "urns");

describe("URN snapshot of today's stacks", () => {
    for (const stack of ["dev", "staging", "prod"]) {
        it(`${stack}: the offline plan registers exactly the snapshot's URNs`, async () => {
            const file = loadStackFile(path.join(SNAPSHOTS, `Pulumi.${stack}.yaml`));
            const plan = await planStack(stack, toEngineConfig(file.config));
            const planned = plan.resources.map((r) => r.urn).sort();
            const expected: string[] = JSON.parse(fs.readFileSync(path.join(SNAPSHOTS, `${stack}.json`), "utf8"));
            const added = planned.filter((u) => !expected.includes(u));
            const removed = expected.filter((u) => !planned.includes(u));
            assert.deepEqual({ added, removed }, { added: [], removed: [] });
            assert.equal(planned.length, expected.length, "duplicate URNs");
        });
    }
});
