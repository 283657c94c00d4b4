/** Rollout progress kept in a small JSON file beside the project, so a stopped run can resume. */
import * as fs from "fs";
import { RolloutState, StateStore } from "./orchestrator";

export class StateFile implements StateStore {
    constructor(private readonly file: string) {}

    load(): RolloutState | undefined {
        if (!fs.existsSync(this.file)) return undefined;
        try {
            return JSON.parse(fs.readFileSync(this.file, "utf8")) as RolloutState;
        } catch (err) {
            throw new Error(
                `rollout state ${this.file} is unreadable (${(err as Error).message}); delete it to start over`,
            );
        }
    }

    save(state: RolloutState): void {
        // Write then rename, so an interrupted write never leaves half a state file.
        const temp = `${this.file}.tmp`;
        fs.writeFileSync(temp, JSON.stringify(state, null, 2) + "\n");
        fs.renameSync(temp, this.file);
    }
}
