/** `keys create|list|revoke`: API keys of a user, against the store (DATABASE_URL, else DATABASE_PATH). */
import { parseArgs } from 'node:util';
import { CliUsageError } from './cli-errors.js';
import { withCliAuth } from './open-cli-auth.js';
import { table } from './run-cli.js';

export const KEYS_USAGE = `Usage: pnpm keys <command>

  create <user> [--name <name>] [--service]
                                 create an API key; prints it once on stdout (default name: cli).
                                 --service: a key for a Chat Studio front that uses this server
                                 as its upstream (LLM_UPSTREAMS); rate limits do not throttle it
                                 and the front's end users appear in the log. Its user must be
                                 an admin (pnpm users role <user> admin)
  list <user>                    list the user's active keys (prefix only)
  revoke <user> <id>             revoke one of the user's keys

Use a key with: Authorization: Bearer <key>
Database: DATABASE_URL (postgres://…) if set, else DATABASE_PATH (default data/chat_history.db)
`;

/**
 * Runs one `keys` command. `create` prints only the key on stdout (notes go to stderr), so
 * `KEY=$(pnpm -s keys create alice)` works.
 *
 * @example
 * await runKeysCommand(['create', 'alice', '--name', 'laptop']);
 */
export async function runKeysCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string', short: 'n' },
        service: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, username, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(KEYS_USAGE);
    return;
  }
  if (!username) throw new CliUsageError(`keys ${command} needs a <user>`);

  switch (command) {
    case 'create': {
      if (rest.length > 0) throw new CliUsageError('keys create takes one <user>; name the key with --name');
      const { key, info } = await withCliAuth(async (auth) => {
        const user = await auth.getUser(username);
        return auth.createApiKey(
          user.id,
          values.name ?? (values.service ? 'service' : 'cli'),
          values.service ? { service: true } : {},
        );
      });
      process.stdout.write(`${key}\n`);
      const kind = info.service ? 'service key' : 'API key';
      process.stderr.write(
        `Created ${kind} "${info.name}" (id ${info.id}) for ${username}. Copy it now: it is not shown again.\n`,
      );
      return;
    }
    case 'list': {
      if (rest.length > 0) throw new CliUsageError('keys list takes one <user>');
      const keys = await withCliAuth(async (auth) => auth.listApiKeys((await auth.getUser(username)).id));
      if (keys.length === 0) {
        process.stdout.write(`No active API keys for ${username}\n`);
        return;
      }
      process.stdout.write(
        table(
          ['ID', 'NAME', 'KIND', 'PREFIX', 'CREATED', 'LAST USED'],
          keys.map((k) => [
            k.id,
            k.name,
            k.service ? 'service' : 'api',
            `${k.prefix}…`,
            k.created_at,
            k.last_used_at ?? 'never',
          ]),
        ),
      );
      return;
    }
    case 'revoke': {
      const [id, ...more] = rest;
      if (!id || more.length > 0) throw new CliUsageError('keys revoke takes <user> <id>');
      await withCliAuth(async (auth) => auth.revokeApiKey((await auth.getUser(username)).id, id));
      process.stdout.write(`Revoked API key ${id}\n`);
      return;
    }
    default:
      throw new CliUsageError(`Unknown command "${command}"`);
  }
}
