/** `users add|passwd|list|delete`: account management against the store (DATABASE_URL, else DATABASE_PATH). */
import { parseArgs } from 'node:util';
import { CliUsageError } from './cli-errors.js';
import { withCliAuth } from './open-cli-auth.js';
import { promptLine, readNewPassword } from './read-secret.js';
import { table } from './run-cli.js';

export const USERS_USAGE = `Usage: pnpm users <command>

  add <name> [--password-stdin] [--admin]
                                    create a user; asks for the password twice on a terminal,
                                    otherwise reads one line from stdin. The first user is an
                                    admin; --admin makes a later one an admin too
  role <name> admin|user            make a user an admin (switches models, reads /metrics,
                                    holds service keys) or a plain user
  passwd <name> [--password-stdin]  set a new password and sign the user out everywhere
  list                              list users
  delete <name> [--yes]             delete a user with their chats, sessions and API keys

Database: DATABASE_URL (postgres://…) if set, else DATABASE_PATH (default data/chat_history.db)
`;

/**
 * Runs one `users` command; output goes to stdout, prompts and errors to stderr.
 *
 * @example
 * await runUsersCommand(['add', 'alice', '--password-stdin']);
 */
export async function runUsersCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'password-stdin': { type: 'boolean' },
        admin: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, name, ...extra] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USERS_USAGE);
    return;
  }
  const needName = () => {
    if (!name || extra.length > 0) throw new CliUsageError(`users ${command} takes exactly one <name>`);
    return name;
  };

  switch (command) {
    case 'add': {
      const username = needName();
      const password = await readNewPassword({ fromStdin: values['password-stdin'] });
      const user = await withCliAuth((auth) => auth.addUser(username, password, values.admin ? { role: 'admin' } : {}));
      process.stdout.write(`Created user ${user.username} (${user.id}), role ${user.role}\n`);
      return;
    }
    case 'role': {
      const [role, ...more] = extra;
      if (!name || !role || more.length > 0) throw new CliUsageError('users role takes <name> admin|user');
      const user = await withCliAuth((auth) => auth.setRole(name, role));
      process.stdout.write(`${user.username} is now ${user.role === 'admin' ? 'an admin' : 'a user'}\n`);
      return;
    }
    case 'passwd': {
      const username = needName();
      // Fail on an unknown name before asking for a password.
      await withCliAuth((auth) => auth.getUser(username));
      const password = await readNewPassword({ fromStdin: values['password-stdin'] });
      await withCliAuth((auth) => auth.setPassword(username, password));
      process.stdout.write(`Password changed for ${username}; existing logins were signed out\n`);
      return;
    }
    case 'list': {
      if (name) throw new CliUsageError('users list takes no arguments');
      const users = await withCliAuth((auth) => auth.listUsers());
      if (users.length === 0) {
        process.stdout.write('No users. Create one with: pnpm users add <name>\n');
        return;
      }
      process.stdout.write(
        table(
          ['USERNAME', 'ROLE', 'ID', 'CREATED'],
          users.map((u) => [u.username, u.role, u.id, u.created_at]),
        ),
      );
      return;
    }
    case 'delete': {
      const username = needName();
      await withCliAuth(async (auth) => {
        await auth.getUser(username);
        if (!values.yes && process.stdin.isTTY) {
          const answer = await promptLine(`Delete ${username} and all their chats? Type the username to confirm: `);
          if (answer !== username) throw new CliUsageError('Not confirmed; nothing deleted', 1);
        }
        await auth.deleteUser(username);
      });
      process.stdout.write(`Deleted user ${username}\n`);
      return;
    }
    default:
      throw new CliUsageError(`Unknown command "${command}"`);
  }
}
