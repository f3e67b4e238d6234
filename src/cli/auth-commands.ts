import { Option, type Command } from 'commander';
import { generateApiKey, hashApiKey, type AuthFile } from '../security/auth-config.js';
import { ROLES, type Role } from '../patterns/definition.js';
import { assertStrongSecret } from '../security/secret-strength.js';
import { addApiKeyToFile } from './auth-file.js';
import type { CliContext } from './context.js';

export function registerAuthCommands(program: Command, cli: CliContext): void {
  const auth = program.command('auth').description('create and hash API keys for `serve`');

  auth
    .command('new-key')
    .description(
      'generate an API key for --agent in --namespace; prints the key once, and adds its entry (hash only) to --auth-file or prints it',
    )
    .requiredOption('--id <label>', 'a name for the key in logs and the audit trail')
    .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).default('agent'))
    .option(
      '--auth-file <path>',
      'add the entry to this auth file (created 0600 if missing); stdout is then the key alone',
    )
    .action(async (options: { id: string; role: Role; authFile?: string }) => {
      const { namespace, agent } = cli.globals();
      const key = generateApiKey();
      const entry = { id: options.id, sha256: hashApiKey(key), agent_id: agent, namespace, role: options.role };
      if (options.authFile !== undefined) {
        // Written before the key is shown: a key whose entry could not be saved is never printed.
        await addApiKeyToFile(options.authFile, entry);
        cli.io.stdout.write(`${key}\n`);
        cli.io.stderr.write(
          `added '${options.id}' (${options.role}, agent ${agent} in ${namespace}) to ${options.authFile}\n`,
        );
        return;
      }
      const { stringify } = await import('yaml');
      cli.io.stderr.write('Store this key now; only its hash is kept:\n');
      cli.io.stdout.write(`${key}\n`);
      cli.io.stderr.write(
        `\nAdd to the auth file (api_keys), or use --auth-file:\n${stringify({ api_keys: [entry] } satisfies AuthFile)}`,
      );
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
