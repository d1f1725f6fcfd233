// `npm run temporal:install`: prints the path of the Temporal CLI on stdout (progress goes to stderr),
// so other tools can use `$(npm run -s temporal:install)`.
import { errorMessage } from './process';
import { cliVersion, ensureTemporalCli } from './temporal-cli';

async function main(): Promise<void> {
  const binary = await ensureTemporalCli();
  console.error(await cliVersion(binary));
  console.log(binary);
}

main().catch((err: unknown) => {
  console.error(errorMessage(err));
  process.exitCode = 1;
});
