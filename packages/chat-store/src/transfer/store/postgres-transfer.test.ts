import { describe } from 'vitest';
import { postgresUnavailable } from '@chat-studio/test-support';
import { openTempPostgresStore } from '../../../test/postgres-db.js';
import { describeTransferSuite } from '../../../test/transfer-suite.js';

describe.skipIf(postgresUnavailable() !== undefined)('postgres', () => {
  describeTransferSuite('postgres', () => openTempPostgresStore());
});
