/** knimectl's state names, shared by every backend. */
export type NormalizedOozieState =
  | 'queued'
  | 'running'
  | 'paused'
  | 'succeeded'
  | 'cancelled'
  | 'failed'
  | 'unknown';

/**
 * Maps an Oozie workflow status to knimectl's states. `KILLED` is a cancel only when knimectl asked
 * for the kill, because Oozie also ends failed workflows `KILLED` through their kill node.
 */
export function normalizeOozieStatus(status: string, killRequested: boolean): NormalizedOozieState {
  switch (status) {
    case 'PREP':
      return 'queued';
    case 'RUNNING':
      return 'running';
    case 'SUSPENDED':
      return 'paused';
    case 'SUCCEEDED':
      return 'succeeded';
    case 'KILLED':
      return killRequested ? 'cancelled' : 'failed';
    case 'FAILED':
      return 'failed';
    default:
      return 'unknown';
  }
}
