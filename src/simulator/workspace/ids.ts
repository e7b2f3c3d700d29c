/**
 * Stable repository item ids. KNIME Business Hub addresses items as `*<id>` with ids of about
 * sixteen letters and digits; the simulators derive theirs from the repository path, so an item
 * keeps its id across restarts as long as it is not moved or renamed.
 */
import { createHash } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Length of every item id. */
export const ITEM_ID_LENGTH = 16;

/** Derives the id of the item at `repositoryPath` (such as `/Demo/Hello World`) from its SHA-256 digest. */
export function itemIdForPath(repositoryPath: string): string {
  const digest = createHash('sha256').update(repositoryPath, 'utf8').digest();
  let id = '';
  for (let index = 0; index < ITEM_ID_LENGTH; index++) {
    id += ALPHABET.charAt((digest[index] ?? 0) % ALPHABET.length);
  }
  return id;
}
