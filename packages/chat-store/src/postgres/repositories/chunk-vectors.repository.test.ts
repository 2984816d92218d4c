import { postgresUnavailable } from '@chat-studio/test-support';
import { describe } from 'vitest';
import { describeChunkVectorSuite } from '../../../test/chunk-vectors-suite.js';
import { openTempPostgresStore } from '../../../test/postgres-db.js';

describe.skipIf(postgresUnavailable() !== undefined)('postgres', () => {
  describeChunkVectorSuite('postgres', { open: () => openTempPostgresStore() });
});
