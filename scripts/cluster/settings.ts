// Where the cluster's pieces live. The versions and the dynamic config come from deploy/temporal/,
// which docker-compose.yml reads too (test/deploy/dockerCompose.test.ts holds the two together).
import path from 'node:path';
import { PROJECT_ROOT } from '../temporal-cli';
import versions from '../../deploy/temporal/versions.json';

export const TEMPORAL_VERSIONS = versions as { server: string; ui: string; go: string; postgresqlSchema: string };

export const DEPLOY_DIR = path.join(PROJECT_ROOT, 'deploy', 'temporal');
export const DYNAMIC_CONFIG_FILE = path.join(DEPLOY_DIR, 'dynamicconfig.yaml');

/** Built binaries and the schema files, one folder per server version (git-ignored). */
export const SERVER_TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'temporal-server', TEMPORAL_VERSIONS.server);
export const UI_TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'temporal-ui', TEMPORAL_VERSIONS.ui);

/** PostgreSQL's data, the rendered server config and the process logs (git-ignored). */
export const CLUSTER_DATA_DIR = path.join(PROJECT_ROOT, '.data', 'cluster');

/** Fixed on purpose: the shard count of a Temporal cluster can never change after its first start. */
export const NUM_HISTORY_SHARDS = 16;
