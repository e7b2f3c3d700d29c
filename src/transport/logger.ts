import { redactFields, redactText } from './redact.js';
import type { LogFields, Logger, LogLevel } from './types.js';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Logger that drops every record. The default of `createClient`. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/**
 * Wraps `sink` so that records below `level` are dropped and every message and field is redacted
 * (user info in URLs, Authorization values, JWTs and the registered `secrets`).
 */
export function createSafeLogger(
  sink: Logger,
  options: { level?: LogLevel; secrets?: () => Iterable<string> } = {},
): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'debug'];
  const secrets = options.secrets ?? (() => []);

  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVEL_ORDER[level] < threshold) return;
    const known = [...secrets()];
    const safeFields = fields === undefined ? undefined : (redactFields(fields, known) as LogFields);
    sink[level](redactText(message, known), safeFields);
  };

  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
