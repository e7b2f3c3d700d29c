import type { Hono } from 'hono';
import { HttpError, type ServerEnv, type ServerParts } from './http.js';
import { buildZip } from './zip.js';

/**
 * Registers `GET /admin/logs`: a ZIP with one `knime.log` whose lines list the current jobs. Users
 * outside `admins` get 403, as KNIME Server answers users without administrator rights.
 */
export function registerAdminRoutes(rest: Hono<ServerEnv>, parts: ServerParts): void {
  rest.get('/admin/logs', (c) => {
    const user = c.var.scope.user;
    if (!parts.options.admins.includes(user)) {
      throw new HttpError(
        403,
        `User ${user} is not an administrator; reading the server logs needs administrator rights`,
      );
    }

    const lines = parts.engine
      .listJobs()
      .map(
        (job) =>
          `${new Date(job.createdAt).toISOString()} : INFO : job ${job.id} (${job.workflow}) of ${job.owner} is ${job.state}`,
      );
    const log = new TextEncoder().encode(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    const zip = buildZip(
      [
        { name: 'server/', data: new Uint8Array() },
        { name: 'server/knime.log', data: log },
      ],
      1,
    );
    return new Response(zip, {
      status: 200,
      headers: { 'content-type': 'application/zip', 'content-length': String(zip.byteLength) },
    });
  });
}
