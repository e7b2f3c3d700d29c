import type { FaultConfig } from './faults.js';
import { seededRandom } from './random.js';

/** Version 4 UUIDs drawn from a seeded generator, so a seeded simulator run gives the same ids. */
export function seededUuids(seed: number): () => string {
  const random = seededRandom(seed);
  return () => {
    const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** The fault config with the simulator's seed filled in where the config sets none. */
export function faultConfigWithSeed(config: FaultConfig | undefined, seed: number | undefined): FaultConfig {
  if (!config) return { seed: seed ?? 1, rules: [] };
  return config.seed === undefined && seed !== undefined ? { ...config, seed } : config;
}
