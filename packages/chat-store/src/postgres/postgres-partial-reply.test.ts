import { postgresUnavailable } from '@chat-studio/test-support';
import { describe } from 'vitest';
import { openTempPostgresStore } from '../../test/postgres-db.js';
import { describePartialReplySuite } from '../../test/partial-reply-suite.js';

describe.skipIf(postgresUnavailable() !== undefined)('postgres', () => {
  describePartialReplySuite('postgres', () => openTempPostgresStore());
});
