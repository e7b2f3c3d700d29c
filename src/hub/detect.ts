/**
 * Detection of the product behind a URL that does not say whether it is a KNIME Server or a KNIME
 * Business Hub, and a backend that detects it before its first call and then delegates.
 *
 * The probes, in order, each one request below the given root:
 * 1. `GET /knime/rest`: a Hub returns its billboard (mountId `KNIME-Hub`). A KNIME Server with
 *    the context root `/knime` returns its own billboard (another mountId, or only a `version`), so
 *    the Server is at `/knime`.
 * 2. `GET /accounts/identity`: a Hub returns the caller's account (`account:...` id).
 * 3. `GET /rest/v4/repository/`, then `GET /knime/rest/v4/repository/`: a KNIME Server at the root
 *    context, or at `/knime`, returns its repository root.
 */
import { KnimeError, ProtocolError } from '../errors/index.js';
import type {
  Backend,
  CallOptions,
  JobListFilter,
  JobSnapshot,
  OneShotMode,
  PreparedInputs,
  RepositoryEntry,
  ResourceStream,
  WorkflowDescription,
} from '../job/types.js';
import type { HttpClient } from '../transport/http.js';
import { redactUrl } from '../transport/redact.js';
import { billboardSchema, identitySchema, parseWire } from './wire.js';

/** Result of {@link detectProduct}. */
export interface DetectedProduct {
  kind: 'server' | 'hub';
  /** Root to connect to: the Hub API root, or the Server URL (context root). */
  url: string;
}

/**
 * Asks the server behind `root` which product it is, with `probe` (an HTTP client whose REST root
 * is `root`, ideally without retries).
 * @throws ProtocolError naming the URLs tried when no probe matches
 */
export async function detectProduct(
  root: string,
  probe: HttpClient,
  signal?: AbortSignal,
): Promise<DetectedProduct> {
  const tried: string[] = [];
  const attempt = async (path: string): Promise<unknown> => {
    tried.push(`GET ${redactUrl(`${root}${path}`)}`);
    try {
      return (await probe.request({ method: 'GET', path, idempotent: true, signal })).data;
    } catch (error) {
      // Credentials errors are worth reporting as they are; other failures mean "not this product".
      if (error instanceof KnimeError && (error.code === 'authentication' || error.code === 'cancelled')) {
        throw error;
      }
      return undefined;
    }
  };

  const billboard = parseWire(billboardSchema, await attempt('/knime/rest'));
  if (billboard.ok && billboard.value.mountId === 'KNIME-Hub') return { kind: 'hub', url: root };
  const { mountId, version } = billboard.ok ? billboard.value : {};
  if (mountId !== undefined || version !== undefined) return { kind: 'server', url: `${root}/knime` };

  const identity = parseWire(identitySchema, await attempt('/accounts/identity'));
  if (identity.ok && identity.value.id.startsWith('account:')) return { kind: 'hub', url: root };

  for (const contextRoot of ['', '/knime']) {
    const repository = await attempt(`${contextRoot}/rest/v4/repository/`);
    const isItem =
      repository !== null &&
      typeof repository === 'object' &&
      ('path' in repository || 'children' in repository);
    if (isItem) return { kind: 'server', url: `${root}${contextRoot}` };
  }

  throw new ProtocolError(
    `${redactUrl(root)} did not respond like a KNIME Server or a KNIME Business Hub (tried ${tried.join(', ')}). ` +
      "Give the Server's context root (such as http://127.0.0.1:8080/knime) or the Hub's API root " +
      "(https://api.<hub-host>), or set kind: 'server' or 'hub'",
  );
}

/** Creates the backend of a detected product. */
export type BackendFactory = (product: DetectedProduct) => Backend;

/**
 * A backend for a URL of unknown kind. The first call detects the product, then every call goes
 * to that product's backend. `kind` is known only after the detection: read it after
 * `client.validate()`.
 */
export class DetectingBackend implements Backend {
  readonly baseUrl: string;
  readonly #detect: (signal?: AbortSignal) => Promise<DetectedProduct>;
  readonly #create: BackendFactory;
  #backend: Promise<Backend> | undefined;
  #resolved: Backend | undefined;

  constructor(
    root: string,
    detect: (signal?: AbortSignal) => Promise<DetectedProduct>,
    create: BackendFactory,
  ) {
    this.baseUrl = redactUrl(root).replace(/\/+$/, '');
    this.#detect = detect;
    this.#create = create;
  }

  /**
   * The detected product.
   * @throws ProtocolError before the detection ran; call `client.validate()` first
   */
  get kind(): 'server' | 'hub' {
    if (!this.#resolved) {
      throw new ProtocolError(
        `the product behind ${this.baseUrl} is not detected yet; await client.validate() first, or set kind: 'server' or 'hub'`,
      );
    }
    return this.#resolved.kind;
  }

  /** Detects the product on the first call and returns its backend. */
  resolve(signal?: AbortSignal): Promise<Backend> {
    this.#backend ??= this.#detect(signal).then(
      (product) => {
        this.#resolved = this.#create(product);
        return this.#resolved;
      },
      (error: unknown) => {
        this.#backend = undefined;
        throw error;
      },
    );
    return this.#backend;
  }

  async validate(options: CallOptions = {}): Promise<void> {
    await (await this.resolve(options.signal)).validate(options);
  }

  async listRepository(
    path: string,
    options: CallOptions & { deep?: boolean } = {},
  ): Promise<RepositoryEntry[]> {
    return (await this.resolve(options.signal)).listRepository(path, options);
  }

  async describeWorkflow(workflow: string, options: CallOptions = {}): Promise<WorkflowDescription> {
    return (await this.resolve(options.signal)).describeWorkflow(workflow, options);
  }

  async createJob(workflow: string, options: CallOptions = {}): Promise<JobSnapshot> {
    return (await this.resolve(options.signal)).createJob(workflow, options);
  }

  async executeJob(
    jobId: string,
    inputs: PreparedInputs,
    options: CallOptions & { knownState?: JobSnapshot } = {},
  ): Promise<JobSnapshot | undefined> {
    return (await this.resolve(options.signal)).executeJob(jobId, inputs, options);
  }

  async getJob(jobId: string, options: CallOptions = {}): Promise<JobSnapshot> {
    return (await this.resolve(options.signal)).getJob(jobId, options);
  }

  async listJobs(filter: JobListFilter = {}): Promise<JobSnapshot[]> {
    return (await this.resolve(filter.signal)).listJobs(filter);
  }

  async cancelJob(jobId: string, options: CallOptions = {}): Promise<void> {
    return (await this.resolve(options.signal)).cancelJob(jobId, options);
  }

  async discardJob(jobId: string, options: CallOptions = {}): Promise<'discarded' | 'already-gone'> {
    return (await this.resolve(options.signal)).discardJob(jobId, options);
  }

  async listOutputResources(jobId: string, options: CallOptions = {}): Promise<string[]> {
    return (await this.resolve(options.signal)).listOutputResources(jobId, options);
  }

  async openOutputResource(
    jobId: string,
    name: string,
    options: CallOptions & { accept?: string } = {},
  ): Promise<ResourceStream> {
    return (await this.resolve(options.signal)).openOutputResource(jobId, name, options);
  }

  async executeOnce(
    workflow: string,
    inputs: PreparedInputs,
    options: CallOptions & { mode: OneShotMode; timeoutMs: number },
  ): Promise<JobSnapshot> {
    return (await this.resolve(options.signal)).executeOnce(workflow, inputs, options);
  }
}
