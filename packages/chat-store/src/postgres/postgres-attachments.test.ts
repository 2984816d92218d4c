import { describe } from 'vitest';
import { postgresUnavailable } from '@chat-studio/test-support';
import { openTempPostgresStore } from '../../test/postgres-db.js';
import { describeAttachmentsSuite } from '../../test/attachments-suite.js';

describe.skipIf(postgresUnavailable() !== undefined)('postgres', () => {
  describeAttachmentsSuite('postgres', { open: () => openTempPostgresStore() });
});
