/**
 * A tiny seeded pseudo-random generator (mulberry32) and the draws the flow log generator needs.
 *
 * No dependency and no Math.random: the same seed gives the same sample lake on every machine,
 * which is what lets the tests compare DuckDB's answers with a TypeScript computation.
 */

/** mulberry32: 32-bit state, full period 2^32, good enough for sample data (not for cryptography). */
export function mulberry32(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** FNV-1a of a string: derives independent sub-seeds ("seed/vpc/prod") from one user seed. */
export function hashString(text: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        hash ^= text.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
}

export class Rng {
    private readonly next: () => number;

    constructor(seed: number | string) {
        this.next = mulberry32(typeof seed === "number" ? seed : hashString(seed));
    }

    /** A sub-generator whose draws do not disturb this one's sequence. */
    fork(label: string): Rng {
        return new Rng(hashString(`${label}/${Math.floor(this.next() * 2 ** 32)}`));
    }

    /** Uniform in [0, 1). */
    float(): number {
        return this.next();
    }

    /** Uniform integer in [min, max], both inclusive. */
    int(min: number, max: number): number {
        return min + Math.floor(this.next() * (max - min + 1));
    }

    chance(probability: number): boolean {
        return this.next() < probability;
    }

    pick<T>(items: readonly T[]): T {
        if (items.length === 0) throw new Error("pick from an empty list");
        return items[Math.floor(this.next() * items.length)];
    }

    /** `count` lowercase hex digits. */
    hex(count: number): string {
        let out = "";
        for (let i = 0; i < count; i++) out += Math.floor(this.next() * 16).toString(16);
        return out;
    }

    /** A Poisson-distributed count (Knuth's method: meant for the small means used here). */
    poisson(mean: number): number {
        if (mean <= 0) return 0;
        if (mean > 50) throw new Error(`poisson mean ${mean} is too large for Knuth's method`);
        const limit = Math.exp(-mean);
        let k = 0;
        let p = this.next();
        while (p > limit) {
            k++;
            p *= this.next();
        }
        return k;
    }
}
