import { describeAttachmentsSuite } from '../../../test/attachments-suite.js';
import { openTempStore } from '../../../test/temp-store.js';

describeAttachmentsSuite('sqlite', { open: () => openTempStore() });
