import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import { generateApiKey, hashApiKey, type AuthFile } from '../security/auth-config.js';
import { ROLES, type Role } from '../patterns/definition.js';
import { assertStrongSecret } from '../security/secret-strength.js';
import type { CliContext } from './context.js';

export function registerAuthCommands(program: Command, cli: CliContext): void {
  const auth = program.command('auth').description('create and hash API keys for `serve`');

  auth
    .command('new-key')
    .description(
      'generate an API key for --agent in --namespace; prints the key once and the auth-file entry (hash only)',
    )
    .requiredOption('--id <label>', 'a name for the key in logs and the audit trail')
    .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).default('agent'))
    .action((options: { id: string; role: Role }) => {
      const { namespace, agent } = cli.globals();
      const key = generateApiKey();
      const entry: AuthFile = {
        api_keys: [{ id: options.id, sha256: hashApiKey(key), agent_id: agent, namespace, role: options.role }],
      };
      cli.io.stderr.write('Store this key now; only its hash is kept:\n');
      cli.io.stdout.write(`${key}\n`);
      cli.io.stderr.write(`\nAdd to the auth file (api_keys):\n${stringify(entry)}`);
    });

  auth
    .command('hash-key')
    .description('print the SHA-256 of an existing key, as the auth file stores it')
    .argument('<key>')
    .action(async (key: string) => {
      await assertStrongSecret(key, 'key');
      cli.io.stdout.write(`${hashApiKey(key)}\n`);
    });
}
