import { XMLParser } from 'fast-xml-parser';

/**
 * Formats epoch milliseconds as Oozie writes dates: RFC 822, `EEE, dd MMM yyyy HH:mm:ss GMT`.
 * `toUTCString` produces exactly this pattern in every current JavaScript engine.
 */
export function rfc822(ms: number | undefined): string | null {
  if (ms === undefined) return null;
  return new Date(ms).toUTCString();
}

/** Thrown by handlers and the model; the routes turn it into an Oozie error response. */
export class OozieSimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** Error texts of the codes the simulator uses, with the wording of Oozie's `ErrorCode`. */
export const errors = {
  safeMode: () => new OozieSimError(503, 'E0002', 'System is in safe mode'),
  contentType: (type: string) =>
    new OozieSimError(400, 'E0300', `Invalid content-type [${type}], expected [application/xml]`),
  multipleAppPaths: () => new OozieSimError(400, 'E0302', 'Invalid parameter [multiple app paths specified]'),
  badParameter: (name: string, value: string) =>
    new OozieSimError(400, 'E0303', `Invalid parameter value, [${name}] = [${value}]`),
  missingParameter: (name: string) => new OozieSimError(400, 'E0305', `Missing parameter [${name}]`),
  missingProperty: (name: string) =>
    new OozieSimError(400, 'E0401', `Missing configuration property [${name}]`),
  conflictingRerun: () =>
    new OozieSimError(
      400,
      'E0404',
      'Only one of the properties are allowed [oozie.wf.rerun.skip.nodes OR oozie.wf.rerun.failnodes]',
    ),
  noAppPath: () =>
    new OozieSimError(400, 'E0405', 'Submission request doesn\u2019t have any application or lib path'),
  appNotFound: (path: string) => new OozieSimError(400, 'E0505', `App definition [${path}] does not exist`),
  jobNotFound: (id: string) => new OozieSimError(400, 'E0604', `Job does not exist [${id}]`),
  actionNotFound: (id: string) => new OozieSimError(400, 'E0605', `Action does not exist [${id}]`),
  notCompleted: (id: string) => new OozieSimError(400, 'E0805', `Workflow job not completed [${id}]`),
  badXml: (detail: string) =>
    new OozieSimError(400, 'E0303', `Invalid parameter value, [configuration] = [${detail}]`),
  unauthorized: (detail: string) =>
    new OozieSimError(401, 'E0508', `User [${detail}] not authorized for WF job`),
  proxyUser: (user: string, doAs: string) =>
    new OozieSimError(401, 'E1400', `Proxy user [${user}] not authorized to impersonate [${doAs}]`),
};

/**
 * Header values must be Latin-1 without line breaks. Oozie writes the message unescaped, and the
 * container or a proxy would reject or cut other characters, so the simulator replaces them.
 */
function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Error response as Oozie's servlet sends it: headers with code and message, an HTML page as body. */
export function errorResponse(error: OozieSimError, extraHeaders: Record<string, string> = {}): Response {
  const reason = REASON[error.status] ?? 'Error';
  const body =
    `<html><head><title>Error ${error.status} ${reason}</title></head><body>` +
    `<h2>HTTP ERROR ${error.status}</h2><p>${escapeHtml(error.message)}</p></body></html>`;
  return new Response(body, {
    status: error.status,
    headers: {
      'content-type': 'text/html;charset=ISO-8859-1',
      'oozie-error-code': error.code,
      'oozie-error-message': headerSafe(error.message),
      ...extraHeaders,
    },
  });
}

/** JSON response with the content type Oozie's servlet writes. */
export function jsonResponse(body: unknown, status: number, quotedCharset: boolean): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': quotedCharset ? 'application/json; charset="UTF-8"' : 'application/json;charset=UTF-8',
    },
  });
}

const configParser = new XMLParser({
  isArray: (name) => name === 'property',
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  processEntities: true,
});

/** Parses a Hadoop `<configuration>` document into an ordered name → value map. */
export function parseConfiguration(xml: string): Map<string, string> {
  let document: unknown;
  try {
    document = configParser.parse(xml, true);
  } catch (error) {
    throw errors.badXml(error instanceof Error ? error.message.split('\n')[0]! : 'not XML');
  }

  const root = (document as { configuration?: unknown }).configuration;
  if (root === undefined) throw errors.badXml('root element must be <configuration>');

  const properties =
    typeof root === 'object' && root !== null ? (root as { property?: unknown[] }).property : [];
  const result = new Map<string, string>();
  for (const property of properties ?? []) {
    const { name, value } = (property ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || name.trim() === '') throw errors.badXml('property without <name>');
    result.set(name.trim(), typeof value === 'string' ? value : '');
  }
  return result;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Writes a configuration the way the server stores a job's `conf`. */
export function formatConfiguration(properties: Map<string, string>): string {
  const lines = ['<configuration>'];
  for (const [name, value] of properties) {
    lines.push(
      `  <property>`,
      `    <name>${escapeXml(name)}</name>`,
      `    <value>${escapeXml(value)}</value>`,
      `  </property>`,
    );
  }
  lines.push('</configuration>');
  return lines.join('\n');
}

/** Captured output as the `data` field carries it: Java properties text with a date comment. */
export function formatActionData(data: Record<string, string>, atMs: number): string {
  const lines = [`#${new Date(atMs).toUTCString()}`];
  for (const [key, value] of Object.entries(data)) lines.push(`${key}=${value}`);
  return `${lines.join('\n')}\n`;
}
