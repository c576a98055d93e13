/** Creates the PostgreSQL and MariaDB fixture databases the VS Code tiers browse (once per version). */
import { ensureMysqlFixture, ensurePostgresFixture } from '../test/support/servers';

Promise.all([ensurePostgresFixture(), ensureMysqlFixture()]).then(
  () => console.log('fixtures: ready'),
  (error: unknown) => {
    console.error(`fixtures: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
