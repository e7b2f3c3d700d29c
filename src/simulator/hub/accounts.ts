import type { HubApplicationPassword, HubAppOptions } from './options.js';
import { uuidFromName } from './wire.js';

export interface Account {
  /** `account:user:<uuid>` or `account:team:<uuid>`. */
  readonly id: string;
  readonly name: string;
  readonly type: 'user' | 'team';
}

export interface UserAccount extends Account {
  readonly type: 'user';
  readonly teamIds: readonly string[];
  readonly admin: boolean;
  readonly applicationPasswords: readonly ResolvedApplicationPassword[];
  readonly bearerTokens: readonly string[];
}

export interface ResolvedApplicationPassword extends HubApplicationPassword {
  readonly id: string;
  readonly name: string;
}

/** Users and teams of the simulated Hub, with their ids resolved. */
export class AccountDirectory {
  readonly users: readonly UserAccount[];
  readonly #teams = new Map<string, Account>();

  /** @throws {RangeError} for duplicate names or a user in an undeclared team. */
  constructor(options: Pick<HubAppOptions, 'users' | 'teams'>) {
    for (const team of options.teams) this.addTeam(team.name, team.id);

    const names = new Set<string>();
    this.users = options.users.map((user) => {
      if (names.has(user.name)) throw new RangeError(`Hub user "${user.name}" is configured twice`);
      names.add(user.name);
      const teamIds = (user.teams ?? []).map((name) => {
        const team = this.teamByName(name);
        if (!team) {
          throw new RangeError(
            `Hub user "${user.name}" belongs to team "${name}", which is not configured in teams`,
          );
        }
        return team.id;
      });
      return {
        id: user.id ?? `account:user:${uuidFromName(`user:${user.name}`)}`,
        name: user.name,
        type: 'user' as const,
        teamIds,
        admin: user.admin ?? false,
        bearerTokens: user.bearerTokens ?? [],
        applicationPasswords: (user.applicationPasswords ?? []).map((password) => ({
          ...password,
          id: password.id ?? `account:app-pw:${uuidFromName(`app-pw:${password.pwId}`)}`,
          name: password.name ?? 'application password',
        })),
      };
    });
    if (this.users.length === 0) throw new RangeError('The Hub simulator needs at least one user');
  }

  /** Whether any credential is configured; without one, authentication is off. */
  get authenticationEnabled(): boolean {
    return this.users.some((user) => user.applicationPasswords.length > 0 || user.bearerTokens.length > 0);
  }

  /** Adds a team (used by the `accounts` space mapping for unknown top-level folder names). */
  addTeam(name: string, id?: string): Account {
    const existing = this.teamByName(name);
    if (existing) return existing;
    const team: Account = { id: id ?? `account:team:${uuidFromName(`team:${name}`)}`, name, type: 'team' };
    this.#teams.set(team.id, team);
    return team;
  }

  get teams(): readonly Account[] {
    return [...this.#teams.values()];
  }

  teamByName(name: string): Account | undefined {
    return [...this.#teams.values()].find((team) => team.name === name);
  }

  /** Finds a user or team by account name. */
  byName(name: string): Account | undefined {
    return this.users.find((user) => user.name === name) ?? this.teamByName(name);
  }

  /** Finds a user or team by account id. */
  byId(id: string): Account | undefined {
    return this.users.find((user) => user.id === id) ?? this.#teams.get(id);
  }

  /** Checks whether `user` may act in `scope`: its own account, one of its teams, or anything for admins. */
  mayAct(user: UserAccount, scope: string): boolean {
    return user.admin || scope === user.id || user.teamIds.includes(scope) || scope === 'hub:global';
  }
}
